"""The booking page on a phone (390 × 844), in Dutch and English, as the candidate meets it: the days first
and then the times of the chosen day, within two screens from the link to the button; a mistake that keeps
every choice and every typed character and says so at the top; a time just taken, said politely; booking by
keyboard alone with the focus always in view; an expired link that offers the lost-link form right there;
and e-mails that fit a 320 px screen. axe-core checks each page on the way."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.database import utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, OutboxMessage
from tests.e2e.helpers import settle

SESSIONS = 7  # the case: seven feedback hours open at once
QUESTION = {"nl": "Hoe laat ik mijn IC-ervaring beter zien?\nEn mijn stage?",
            "en": "How do I show my ICU experience better?\nAnd my placement?"}
SCREENS = 2  # from opening the link to the book button: at most two screens (844 px each) of scrolling


@pytest.fixture
def seven_sessions(make_session):
    """Seven published feedback hours, a week apart, of six times each: (start, [slot ids]) of each."""
    sessions = [make_session(days_ahead=7 + 7 * n, start="16:00", end="17:30") for n in range(SESSIONS)]
    hours = [(s.starts_at, [slot.id for slot in s.slots]) for s in sessions]
    settle()
    return hours


def day_label(t, feedback_session) -> str:
    return t.render("{{ day|format_day }}", day=feedback_session[0])


def choose_day(page, label: str) -> None:
    """Tap a day, as a finger does: on its label (the radio button itself is drawn by the label)."""
    page.locator(".day-option > label", has_text=label).click()


def choose_time(page, label: str) -> None:
    """Tap a time of the day that is open."""
    page.locator(".slots label:visible", has_text=label).click()


def focused(page) -> dict:
    """What has the focus, and whether it can be seen whole in the viewport (2.4.11): the control, or for a
    radio button drawn by its label, that label."""
    return page.evaluate("""() => {
      const e = document.activeElement;
      const own = e.getBoundingClientRect();
      const label = (e.labels && e.labels[0]) || e;
      const r = own.width > 2 ? own : label.getBoundingClientRect();
      return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || '', summary: e.matches('[data-error-summary]'),
              // within a pixel: a browser scrolls a control into view to sub-pixel layout positions
              inView: r.top >= -1 && r.bottom <= innerHeight + 1 && r.left >= -1 && r.right <= innerWidth + 1,
              label: label.textContent.trim().replace(/\\s+/g, ' ')};
    }""")


def scrolled_to(page, locator) -> float:
    """How far down the page (in px) one has to scroll to see the whole element."""
    box = locator.bounding_box()
    return box["y"] + box["height"] + page.evaluate("() => scrollY")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_error_keeps_the_chosen_time_and_typed_text_and_focuses_the_summary(
    language, live_server, visit, seven_sessions, make_candidate
):
    _, token = make_candidate(language=language)
    settle()
    phone = visit(language, phone=True)
    t, page = phone.words, phone.page
    page.goto(f"{live_server}/b/{token}")
    phone.check("picker: the days")

    # Days first: one per session, each with its places; no time shows until a day is chosen.
    days = page.get_by_role("radiogroup", name=t("Choose a day")).or_(
        page.get_by_role("group", name=t("Choose a day")))
    expect(days.get_by_role("radio", name=day_label(t, seven_sessions[0]))).to_be_visible()
    for feedback_session in seven_sessions:
        expect(page.get_by_role("radio", name=day_label(t, feedback_session))).to_have_count(1)
    expect(page.get_by_text(t.plural("%(num)s place", "%(num)s places", 6)).first).to_be_visible()
    expect(page.get_by_role("radio", name="16:15 – 16:30")).to_have_count(0)  # hidden: not in the tree

    third = seven_sessions[2]
    choose_day(page, day_label(t, third))
    times = page.get_by_role("group", name=t("Times on %(day)s", day=day_label(t, third)))
    expect(times.get_by_role("radio")).to_have_count(6)
    times.get_by_text("16:45 – 17:00").click()
    chosen_id = times.get_by_role("radio", name="16:45 – 17:00").get_attribute("value")
    question = page.get_by_label(t("Your question or anything we should know (optional)"))
    question.fill(QUESTION[language])
    page.get_by_text(t("You may keep my details for up to 12 months and contact me about a vacancy that suits "
                       "me (optional; I can withdraw at any time)")).click()
    book = page.get_by_role("button", name=t("Book this conversation"))
    scrolling = scrolled_to(page, book) - 844  # the first screen shows without scrolling
    assert scrolling <= SCREENS * 844, f"{scrolling:.0f} px of scrolling to the book button"
    phone.check("picker: a day open, a time chosen")

    # No subject ticked: the page comes back with everything as it was and the summary focused at the top.
    book.click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(t("There is a problem"))
    expect(summary.get_by_role("link")).to_have_text([t("Please tick at least one subject.")])
    assert summary.bounding_box()["y"] < 844
    expect(page.get_by_role("radio", name=day_label(t, third))).to_be_checked()
    expect(page.get_by_role("radio", name="16:45 – 17:00")).to_be_checked()
    assert page.get_by_role("radio", name="16:45 – 17:00").get_attribute("value") == chosen_id
    expect(question).to_have_value(QUESTION[language])
    expect(page.get_by_role("checkbox", name=t("You may keep my details for up to 12 months and contact me about "
                                               "a vacancy that suits me (optional; I can withdraw at any time)"))
           ).to_be_checked()
    phone.check("picker: the error summary")

    # The summary's link goes to the subjects, with their question in view.
    summary.get_by_role("link").click()
    state = focused(page)
    assert state["name"] == "topics" and state["inView"], state
    page.keyboard.press("Space")
    page.get_by_role("button", name=t("Book this conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
    expect(page.get_by_text(f"{day_label(t, third)}, 16:45 – 17:00")).to_be_visible()
    phone.check("confirmation")
    with_question = page.locator(".question")
    expect(with_question).to_have_text(QUESTION[language])

    # Moving without choosing a new time: the same summary, on the candidate's own page.
    page.get_by_role("link", name=t("Move or cancel")).click()
    phone.check("manage: the picker")
    page.get_by_role("button", name=t("Move my conversation")).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a")).to_have_text(t("Please choose a new time."))
    phone.check("manage: the error summary")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_time_just_taken_is_said_as_a_status_and_the_rest_is_kept(
    language, live_server, visit, seven_sessions, make_candidate
):
    _, token = make_candidate(language=language)
    other, _ = make_candidate(language=language)
    settle()
    phone = visit(language, phone=True)
    t, page = phone.words, phone.page
    page.goto(f"{live_server}/b/{token}")
    first = seven_sessions[0]
    choose_day(page, day_label(t, first))
    choose_time(page, "16:00 – 16:15")
    page.get_by_role("checkbox", name=t("What I could do better")).check()
    page.get_by_label(t("Your question or anything we should know (optional)")).fill(QUESTION[language])

    # Meanwhile someone else books 16:00 (another process; this page still shows it free).
    from app.booking.services import book_slot

    book_slot(db.session.merge(other), first[1][0], ["improve"], "", token="x", language=language, now=utcnow())
    db.session.commit()
    settle()

    page.get_by_role("button", name=t("Book this conversation")).click()
    status = page.get_by_role("status")
    expect(status).to_have_text(t("Sorry, this slot was just taken by someone else. Please choose another one below."))
    expect(page.get_by_role("alert")).to_have_count(0)  # news, not a mistake: read politely, not as an alarm
    expect(page.get_by_role("radio", name=day_label(t, first))).to_be_checked()  # the day stays open
    expect(page.get_by_role("radio", name="16:00 – 16:15")).to_have_count(0)
    expect(page.get_by_role("checkbox", name=t("What I could do better"))).to_be_checked()
    expect(page.get_by_label(t("Your question or anything we should know (optional)"))).to_have_value(
        QUESTION[language])
    phone.check("picker: just taken")
    choose_time(page, "16:15 – 16:30")
    page.get_by_role("button", name=t("Book this conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_days_then_times_by_keyboard_only(language, live_server, visit, seven_sessions, make_candidate):
    candidate, token = make_candidate(language=language)
    candidate_id = candidate.id
    settle()
    keyboard = visit(language, phone=True, csp=True)  # the page's own script runs under its CSP
    t, page, keys = keyboard.words, keyboard.page, keyboard.page.keyboard
    page.goto(f"{live_server}/b/{token}")

    def tab_until(check, limit=30):
        for _ in range(limit):
            keys.press("Tab")
            state = focused(page)
            assert state["inView"], f"the focus is out of view: {state}"
            if check(state):
                return state
        raise AssertionError("Tab never got there")

    tab_until(lambda s: s["name"] == "day")
    for _ in range(3):  # the fourth day, with the arrow keys: choosing a day opens its times
        keys.press("ArrowDown")
    state = focused(page)
    assert state["label"].startswith(day_label(t, seven_sessions[3])) and state["inView"], state
    expect(page.get_by_role("radio", name=day_label(t, seven_sessions[3]))).to_be_checked()
    state = tab_until(lambda s: s["name"] == "slot")  # Tab goes into that day's times
    assert state["label"] == "16:00 – 16:15"
    keys.press("ArrowRight")
    keys.press("Space")
    assert focused(page)["label"] == "16:15 – 16:30"
    tab_until(lambda s: s["name"] == "topics")  # past the other days: one stop for the group of days
    keys.press("Space")
    tab_until(lambda s: s["tag"] == "button" and s["label"] == t("Book this conversation"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
    expect(page.get_by_text(f"{day_label(t, seven_sessions[3])}, 16:15 – 16:30")).to_be_visible()

    # Moving: the same picker; a mistake (no time) keeps the day opened and focuses the summary.
    page.get_by_role("link", name=t("Move or cancel")).click()
    choose_day(page, day_label(t, seven_sessions[5]))
    page.get_by_role("button", name=t("Move my conversation")).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a")).to_have_text(t("Please choose a new time."))
    expect(page.get_by_role("radio", name=day_label(t, seven_sessions[5]))).to_be_checked()
    page.locator("[data-error-summary] a").click()
    assert focused(page)["name"] == "day"
    choose_time(page, "17:00 – 17:15")
    page.get_by_role("button", name=t("Move my conversation")).click()
    expect(page.get_by_role("status")).to_have_text(
        t("Your conversation has moved. We have sent you an updated calendar invitation."))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.candidate_id == candidate_id, Booking.status == BookingStatus.BOOKED)) == 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_expired_link_offers_the_lost_link_form(language, live_server, visit, make_candidate):
    candidate, token = make_candidate(language=language, expires_at=utcnow() - timedelta(minutes=1))
    address = candidate.email
    settle()
    phone = visit(language, phone=True)
    t, page = phone.words, phone.page
    assert page.goto(f"{live_server}/b/{token}").status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text(t("This link has expired"))
    form = page.get_by_role("region", name=t("Ask for your link again"))
    phone.check("link expired")
    form.get_by_role("button", name=t("Send me my link")).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a")).to_have_text(t("Please enter your e-mail address."))
    phone.check("lost link: the error summary")
    page.locator("[data-error-summary] a").click()
    expect(page.get_by_label(t("Your e-mail address"))).to_be_focused()
    page.get_by_label(t("Your e-mail address")).fill(address + " ")
    page.get_by_role("button", name=t("Send me my link")).click()
    expect(page.get_by_role("status")).to_contain_text(t(
        "If this address belongs to someone who may book a feedback conversation, we send the personal link "
        "to it. Check your inbox (and spam folder) in a few minutes."))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_privacy_and_pool_pages_lead_back_and_keep_the_summary(language, live_server, visit, make_candidate):
    _, token = make_candidate(language=language)
    settle()
    phone = visit(language, phone=True)
    t, page = phone.words, phone.page
    page.goto(f"{live_server}/b/{token}/privacy")
    page.get_by_role("button", name=t("Erase my data")).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a")).to_have_text(
        t("Please tick the box to confirm that you want your data erased."))
    phone.check("your data: the error summary")
    page.locator("[data-error-summary] a").click()
    expect(page.get_by_role("checkbox", name=t("Yes, erase all my data"))).to_be_focused()
    page.get_by_role("link", name=t("Back to my conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello %(name)s,", name="Kandidaat"))
    page.goto(f"{live_server}/b/{token}/pool")
    page.get_by_role("button", name=t("Join the talent pool")).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    phone.check("talent pool: the error summary")
    page.get_by_role("link", name=t("Back to my conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello %(name)s,", name="Kandidaat"))
    # The organisation's name leads to the candidate's own page, not to the general one.
    page.goto(f"{live_server}/b/{token}/privacy")
    page.locator(".brand").click()
    assert page.url == f"{live_server}/b/{token}"


def test_success_headings_do_not_read_the_check_mark(live_server, visit, make_session, make_candidate):
    make_session()
    _, token = make_candidate(language="en")
    settle()
    v = visit("en", phone=True)
    t, page = v.words, v.page
    page.goto(f"{live_server}/b/{token}")
    choose_time(page, "16:00 – 16:15")
    page.get_by_role("checkbox", name=t("What went well in my application")).check()
    page.get_by_role("button", name=t("Book this conversation")).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(t("Your conversation is booked"))  # the ✓ shows (CSS), but is not its name
    assert page.evaluate("() => getComputedStyle(document.querySelector('.success h1'), '::before').content"
                         ).startswith('"✓')
    snapshot = page.locator("main").aria_snapshot()
    assert "✓" not in snapshot, snapshot


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_candidate_e_mails_fit_a_320_px_screen(language, live_server, visit, make_session, make_candidate):
    long_video = "https://meet.example.org/j/9876543210?pwd=" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" * 2
    slots = [slot.id for slot in make_session(video_url=long_video).slots]
    candidate, token = make_candidate(language=language)
    from app.booking.services import book_slot, cancel_booking, reschedule_booking

    booking = book_slot(candidate, slots[0], ["improve"], "", token=token, language=language,
                        now=utcnow())
    db.session.commit()
    reschedule_booking(booking, slots[1], booking.sequence, token=token, now=utcnow())
    db.session.commit()
    cancel_booking(booking, booking.sequence, token=token)
    db.session.commit()
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {m.kind for m in messages} >= {"booking_confirmed", "booking_rescheduled", "booking_cancelled"}
    pages = [(m.kind, m.body_html) for m in messages if m.body_html]
    settle()
    v = visit(language)
    page = v.page
    page.set_viewport_size({"width": 320, "height": 640})
    for template, body in pages:
        page.set_content(body)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{template} is {width} px wide on a 320 px screen"
