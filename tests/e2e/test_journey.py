"""The feedback hour as people use it, in a real browser, in Dutch and in English: a recruiter imports
rejected candidates and sends the rejection e-mails; a candidate opens the link from the e-mail on a
phone, books, moves and cancels; another books with the keyboard alone; the recruiter prepares the
conversation and the feedback checker speaks up; HR sees the figures; the first candidate erases their
data. Elements are found by role and label, as assistive technology finds them, and axe-core checks
every page on the way."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.database import utcnow
from app.timeutil import local
from tests.e2e.helpers import Visit, link_in, settle, sign_in, switch_language, text_of

PEOPLE = {
    "nl": [("Fleur van Dijk", "fleur.vandijk@example.org"), ("Daan Visser", "daan.visser@example.org")],
    "en": [("Grace Okafor", "grace.okafor@example.org"), ("Tom Becker", "tom.becker@example.org")],
}
VACANCY = {"nl": "Verpleegkundige IC", "en": "ICU nurse"}
PERSONAL_LINE = {
    "nl": "Je ervaring met wondzorg viel op. Voor deze functie vragen we drie jaar IC-ervaring; jij hebt er één.",
    "en": "Your wound-care experience stood out. This role needs three years on an ICU; you have one.",
}
VAGUE = {"nl": "Je was niet technisch genoeg voor deze functie.", "en": "You were not technical enough for this role."}
WARNED = {"nl": "niet technisch genoeg", "en": "not technical enough"}
CONCRETE = {"nl": "We zoeken drie jaar ervaring met beademing op een IC.",
            "en": "The role needs three years of ventilation care on an ICU."}


def csv_export(language: str) -> bytes:
    """An export as an applicant tracking system writes it: semicolons, Dutch headers, one bad row."""
    rejected = (local(utcnow()).date() - timedelta(days=1)).isoformat()
    rows = ["naam;e-mail;vacature;afdeling;fase;afwijzingsdatum;taal;reden"]
    for name, address in PEOPLE[language]:
        rows.append(f"{name};{address};{VACANCY[language]};Intensive Care;gesprek;{rejected};{language};ervaring")
    rows.append(f"Zonder Adres;;{VACANCY[language]};Intensive Care;gesprek;{rejected};{language};")
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_from_rejection_to_erasure(language, live_server, visit, mailbox, make_session, make_user):
    feedback_session = make_session(days_ahead=14, start="16:00", end="17:30")
    day = feedback_session.starts_at
    recruiter, hr = make_user("recruiter").email, make_user("hr").email
    settle()
    (name_a, address_a), (name_b, address_b) = PEOPLE[language]

    # a. The recruiter imports the candidates and sends the rejection e-mails with a personal line.
    staff = visit(language)
    t, page = staff.words, staff.page
    sign_in(staff, live_server, recruiter, language)
    staff.check("recruiter overview")
    page.get_by_role("navigation", name=t("Staff menu")).get_by_role("link", name=t("Candidates")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Candidates"))
    staff.check("candidates, empty")
    page.get_by_role("link", name=t("Import a CSV file")).click()
    staff.check("CSV import")
    page.get_by_label(t("CSV file")).set_input_files(
        files=[{"name": "afwijzingen.csv", "mimeType": "text/csv", "buffer": csv_export(language)}])
    page.get_by_role("button", name=t("Show the preview")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t.plural("%(num)s row has an error", "%(num)s rows have an error", 1))
    staff.check("CSV import preview")
    page.get_by_role("radio", name=t("Import all good rows and skip the rows with an error")).check()
    page.get_by_role("button", name=t("Import"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t.plural("%(num)s candidate is imported.", "%(num)s candidates are imported.", 2))
    staff.check("candidates after import")
    for name in (name_a, name_b):
        page.get_by_role("checkbox", name=t("Select %(name)s", name=name)).check()
    page.get_by_role("button", name=t("Write the rejection e-mail to the selected candidates")).click()
    staff.check("rejection e-mails")
    for name in (name_a, name_b):
        page.get_by_label(t("Personal line for %(name)s", name=name)).fill(PERSONAL_LINE[language])
    page.get_by_role("button", name=t("Show the preview")).click()
    expect(page.get_by_role("heading", name=t("Preview"))).to_have_count(2)
    expect(page.get_by_text(PERSONAL_LINE[language]).first).to_be_visible()
    previewed_subject = page.locator("section", has=page.get_by_role("heading", name=name_a, exact=True)) \
        .locator(".mail-preview dd strong").inner_text()
    staff.check("rejection e-mails, preview")
    page.get_by_role("button", name=t("Send these %(num)s e-mails", num=2)).click()
    expect(page.get_by_role("status").first).to_have_text(
        t.plural("%(num)s rejection e-mail is on its way.", "%(num)s rejection e-mails are on their way.", 2))

    mailbox.deliver()
    rejection_a, rejection_b = mailbox.last_to(address_a), mailbox.last_to(address_b)
    assert rejection_a["Subject"] == previewed_subject  # what was previewed is what was sent
    assert PERSONAL_LINE[language] in text_of(rejection_a)
    link_a, link_b = link_in(rejection_a, live_server), link_in(rejection_b, live_server)

    # b. Candidate A opens the link from the e-mail on a phone, books, moves and cancels.
    phone = visit(language, phone=True)
    t, page = phone.words, phone.page
    page.goto(link_a)
    assert phone.lang() == language
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello %(name)s,", name=name_a.split()[0]))
    phone.check("candidate: choose a time")
    page.get_by_role("radio", name="16:15 – 16:30").check()
    page.get_by_role("checkbox", name=t("What I could do better")).check()
    page.get_by_label(t("Your question or anything we should know (optional)")).fill("CV")
    page.get_by_role("button", name=t("Book this conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
    expect(page.get_by_text("16:15 – 16:30")).to_be_visible()
    phone.check("candidate: booked")
    mailbox.deliver()
    confirmation = mailbox.last_to(address_a)
    assert confirmation["Subject"] == t("Your feedback conversation is booked")
    assert any(part.get_content_type() == "text/calendar" for part in confirmation.walk())

    page.get_by_role("link", name=t("Move or cancel")).click()
    phone.check("candidate: manage")
    page.get_by_role("radio", name="17:00 – 17:15").check()
    page.get_by_role("button", name=t("Move my conversation")).click()
    expect(page.get_by_role("status")).to_have_text(
        t("Your conversation has moved. We have sent you an updated calendar invitation."))
    expect(page.get_by_text("17:00 – 17:15").first).to_be_visible()
    phone.check("candidate: moved")
    page.get_by_role("link", name=t("Cancel conversation")).click()
    phone.check("candidate: cancel?")
    page.get_by_role("button", name=t("Yes, cancel")).click()
    expect(page.get_by_role("status")).to_have_text(
        t("Your conversation is cancelled. You can book a new time below whenever you like."))
    expect(page.get_by_role("button", name=t("Book this conversation"))).to_be_visible()
    phone.check("candidate: cancelled")
    mailbox.deliver()
    assert [m["Subject"] for m in mailbox.messages_to(address_a)][-2:] == [
        t("Your feedback conversation has moved"), t("Your feedback conversation is cancelled")]

    # Candidate B books with the keyboard alone: Tab to a time, arrows to choose, Space to tick, Enter to send;
    # in a browser that enforces the Content Security Policy (axe already checked these pages for A).
    keyboard = visit(language, phone=True, csp=True)
    book_with_keyboard(keyboard, link_b, slot="16:30 – 16:45", topic=t("My CV and online profile"))

    # c. The recruiter prepares B's conversation and the checker warns while they type.
    t, page = staff.words, staff.page
    page.get_by_role("navigation", name=t("Staff menu")).get_by_role("link", name=t("Overview")).click()
    page.get_by_role("link", name=t.render("{{ day|format_day }}", day=day)).click()
    page.get_by_role("link", name=t("Day agenda")).click()
    expect(page.get_by_role("row", name=re.compile(name_b))).to_contain_text("16:30 – 16:45")
    staff.check("agenda")
    page.get_by_role("link", name=name_b).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Preparing the conversation with %(name)s", name=name_b))
    staff.check("notes, empty")
    page.get_by_label(t("What went well?")).fill(PERSONAL_LINE[language])
    why_not = page.get_by_label(t("Why not this role?"))
    why_not.press_sequentially(VAGUE[language], delay=5)
    warning = page.get_by_text(t("The feedback checker suggests:"))
    expect(warning).to_be_visible()
    expect(page.locator("#warnings-why_not")).to_contain_text(WARNED[language])
    staff.check("notes with a warning")
    why_not.fill("")
    why_not.press_sequentially(CONCRETE[language], delay=5)
    expect(warning).to_be_hidden()
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("status")).to_have_text(t("The notes are saved."))
    expect(page.get_by_label(t("Why not this role?"))).to_have_value(CONCRETE[language])

    # d. HR sees the figures: two invited, two booked (A booked before cancelling), nobody's name.
    hr_visit = visit(language)
    sign_in(hr_visit, live_server, hr, language)
    assert_funnel(hr_visit, invited=2, booked=2)
    hr_visit.check("HR dashboard")
    for name in (name_a, name_b):
        expect(hr_visit.page.get_by_text(name)).to_have_count(0)

    # e. Candidate A erases their data; the link stops working, B's still works, and the figures stay.
    t, page = phone.words, phone.page
    page.get_by_role("link", name=t("Your data")).click()
    phone.check("candidate: your data")
    page.get_by_role("button", name=t("Erase my data")).click()
    expect(page.get_by_role("alert")).to_have_text(t("Please tick the box to confirm that you want your data erased."))
    phone.check("candidate: your data, not confirmed")
    page.get_by_label(t("Yes, erase all my data")).check()
    page.get_by_role("button", name=t("Erase my data")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your data is erased"))
    phone.check("candidate: erased")
    response = page.goto(link_a)
    assert response.status == 404
    switch_language(phone, language)  # nothing is left to tell the candidate's language: Dutch, with the switch
    expect(page.get_by_role("heading", level=1)).to_have_text(t("We do not recognise this link"))
    phone.check("candidate: link unknown")
    assert keyboard.page.goto(link_b).status == 200
    hr_visit.page.reload()
    assert_funnel(hr_visit, invited=2, booked=2)


def book_with_keyboard(v: Visit, link: str, *, slot: str, topic: str) -> None:
    """Choose a time, tick a subject and send the form with Tab, arrow keys, Space and Enter only."""
    t, page = v.words, v.page
    page.goto(link)
    keys = page.keyboard
    first_radio = tab_to(page, "input[type=radio]")
    assert first_radio, "Tab never reaches the first time"
    for _ in range(12):
        if focused_label(page) == slot:
            break
        keys.press("ArrowDown")
    assert focused_label(page) == slot
    keys.press("Space")
    assert page.get_by_role("radio", name=slot).is_checked()
    assert outline_width(page) >= 2, "the focused time shows no focus outline"
    tab_to(page, "input[type=checkbox]")
    for _ in range(6):
        if focused_label(page) == topic:
            break
        keys.press("Tab")
    assert focused_label(page) == topic
    keys.press("Space")
    assert page.get_by_role("checkbox", name=topic).is_checked()
    tab_to(page, "button[type=submit]")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == t("Book this conversation")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
    expect(page.get_by_text(slot)).to_be_visible()


def tab_to(page, selector: str, limit: int = 25) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


def focused_label(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; const l = e && e.labels && e.labels[0];"
        " return l ? l.textContent.trim() : ''; }")


def outline_width(page) -> float:
    """The focus ring of a time is drawn on its label (the radio itself is visually replaced)."""
    return page.evaluate(
        "() => { const e = document.activeElement; const target = e.labels && e.labels[0] || e;"
        " const own = parseFloat(getComputedStyle(e).outlineWidth) || 0;"
        " const label = parseFloat(getComputedStyle(target).outlineWidth) || 0; return Math.max(own, label); }")


def assert_funnel(v: Visit, *, invited: int, booked: int) -> None:
    t, page = v.words, v.page
    if "/hr/" not in page.url:
        page.get_by_role("navigation", name=t("Staff menu")).get_by_role("link", name=t("Figures")).click()
    switch_language(v, v.lang())
    funnel = page.get_by_role("table", name=t("From rejection to rehire"))
    for step, expected in ((t("Invited"), invited), (t("Booked"), booked)):
        row = funnel.get_by_role("row").filter(has=page.get_by_role("rowheader", name=step, exact=True))
        expect(row.get_by_role("cell").first).to_have_text(str(expected))
