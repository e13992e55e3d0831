"""How and with whom, in a real browser on a phone (390 × 844), in Dutch and in English: candidates choose a phone
call (with their number), a video call or on site; two recruiters host one hour and two candidates book the same
time; a candidate changes what they want to talk about after booking; the calendar links. axe-core checks every
page on the way."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.timeutil import local
from tests.e2e.helpers import settle

VIDEO_LINK = "https://meet.example.org/feedbackspreekuur/ziekenhuis-demo?room=2026-12&pwd=3f9a1c0e7b2d4f6a8c1e3b5d7f9a"


def _open(visit, language: str, live_server: str, token: str):
    v = visit(language, phone=True)
    v.page.goto(f"{live_server}/b/{token}")
    return v, v.words, v.page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_choosing_phone_video_or_on_site(language, live_server, visit, make_session, make_user, make_candidate):
    host = make_user(name="Anna Smit")
    title = host.job_title = {"nl": "Recruiter verpleging", "en": "Nursing recruiter"}[language]
    db.session.commit()
    make_session(start="16:00", end="17:00", hosts=[host], location="Spreekkamer 3", video_url=VIDEO_LINK,
                 modes=("on_site", "video", "phone"))
    tokens = [make_candidate(language=language)[1] for _ in range(3)]
    settle()

    # A phone call: without a number the page says what is missing; with one the booking says who calls where.
    v, t, page = _open(visit, language, live_server, tokens[0])
    v.check("candidate: choose how to talk")
    page.get_by_role("radio", name="16:00 – 16:15").check()
    page.get_by_role("radio", name=t("By phone: the recruiter calls you")).check()
    page.get_by_role("checkbox", name=t("What I could do better")).check()
    page.get_by_role("button", name=t("Book this conversation")).click()
    # said at the field, and linked from the error summary at the top
    expect(page.locator("#phone-error")).to_have_text(t("Please give the phone number the recruiter can call you on."))
    expect(
        page.get_by_role("link", name=t("Please give the phone number the recruiter can call you on."))
    ).to_be_visible()
    v.check("candidate: phone number missing")
    page.get_by_role("radio", name="16:00 – 16:15").check()
    page.get_by_role("radio", name=t("By phone: the recruiter calls you")).check()
    if not page.get_by_role("checkbox", name=t("What I could do better")).is_checked():
        page.get_by_role("checkbox", name=t("What I could do better")).check()
    page.get_by_label(t("Your phone number (only for a phone call)")).fill("06 1234 5678")
    page.get_by_role("button", name=t("Book this conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
    expect(page.get_by_text(t("By phone: the recruiter calls you on %(phone)s", phone="06 1234 5678"))).to_be_visible()
    expect(page.get_by_text(f"Anna, {title}")).to_be_visible()
    v.check("candidate: booked by phone")

    # A video call: the link, long as real ones are, fits the phone's width.
    v, t, page = _open(visit, language, live_server, tokens[1])
    page.get_by_role("radio", name="16:15 – 16:30").check()
    page.get_by_role("radio", name=t("By video call")).check()
    page.get_by_role("checkbox", name=t("My CV and online profile")).check()
    page.get_by_role("button", name=t("Book this conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
    expect(page.get_by_role("link", name=VIDEO_LINK)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    v.check("candidate: booked by video")

    # On site.
    v, t, page = _open(visit, language, live_server, tokens[2])
    page.get_by_role("radio", name="16:30 – 16:45").check()
    page.get_by_role("radio", name=t("On site, face to face")).check()
    page.get_by_role("checkbox", name=t("What went well in my application")).check()
    page.get_by_role("button", name=t("Book this conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
    expect(page.get_by_text(f"{t('On site')}: Spreekkamer 3")).to_be_visible()
    v.check("candidate: booked on site")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_two_hosts_two_bookings_at_the_same_time(language, live_server, visit, make_session, make_user,
                                                 make_candidate):
    anna, bram = make_user(name="Anna Smit"), make_user(name="Bram de Boer")
    make_session(start="16:00", end="16:15", hosts=[anna, bram])
    tokens = [make_candidate(language=language)[1] for _ in range(3)]
    settle()

    first, second = (_open(visit, language, live_server, token) for token in tokens[:2])
    for _v, t, page in (first, second):  # both see the same time free, and both book it
        page.get_by_role("radio", name="16:00 – 16:15").check()
        page.get_by_role("checkbox", name=t("What I could do better")).check()
    for v, t, page in (first, second):
        page.get_by_role("button", name=t("Book this conversation")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
        v.check("candidate: booked with one of two hosts")
    hosts = {page.get_by_text(re.compile(r"^(Anna|Bram), ")).inner_text().split(",")[0]
             for _, _, page in (first, second)}
    assert hosts == {"Anna", "Bram"}

    v, t, page = _open(visit, language, live_server, tokens[2])  # the third finds every place taken
    expect(page.get_by_role("heading", name=t("All places are taken at the moment"))).to_be_visible()
    v.check("candidate: every place taken")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_editing_topics_after_booking_and_the_calendar_links(language, live_server, visit, make_session,
                                                              make_candidate):
    feedback_session = make_session(start="16:00", end="16:30")
    slot = feedback_session.slots[1]
    starts_at, ends_at = slot.starts_at, slot.ends_at
    _, token = make_candidate(language=language)
    settle()
    v, t, page = _open(visit, language, live_server, token)
    page.get_by_role("radio", name="16:15 – 16:30").check()
    page.get_by_role("checkbox", name=t("What I could do better")).check()
    page.get_by_role("button", name=t("Book this conversation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))

    # The calendar links: Google's and Outlook's own pages, filled in with the time in UTC; the .ics on the
    # Amsterdam clock.
    google = urlsplit(page.get_by_role("link", name=t("Add to Google Calendar")).get_attribute("href"))
    outlook = urlsplit(page.get_by_role("link", name=t("Add to Outlook")).get_attribute("href"))
    assert google.netloc == "calendar.google.com" and outlook.netloc == "outlook.live.com"
    assert parse_qs(google.query)["dates"] == [f"{starts_at:%Y%m%dT%H%M%SZ}/{ends_at:%Y%m%dT%H%M%SZ}"]
    assert parse_qs(outlook.query)["startdt"] == [f"{starts_at:%Y-%m-%dT%H:%M:%SZ}"]
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Add to my calendar (.ics)")).click()
    ics = Path(download.value.path()).read_bytes()
    assert local(starts_at).strftime("DTSTART;TZID=Europe/Amsterdam:%Y%m%dT%H%M%S").encode() in ics
    assert b"BEGIN:VTIMEZONE" in ics

    # Other topics and a question, without moving the time.
    page.get_by_role("link", name=t("Move or cancel")).click()
    v.check("candidate: manage with topics")
    form = page.locator("#change-topics")
    form.get_by_role("checkbox", name=t("What I could do better")).uncheck()
    form.get_by_role("checkbox", name=t("My CV and online profile")).check()
    form.get_by_label(t("Your question or anything we should know (optional)")).fill("Hoe laat ik mijn stage zien?")
    form.get_by_role("button", name=t("Save what we talk about")).click()
    expect(page.get_by_role("status")).to_have_text(
        t("Saved. The recruiter will prepare for what you chose; your time stays the same."))
    summary = page.locator(".summary").first
    expect(summary).to_contain_text(t("My CV and online profile"))
    expect(summary).not_to_contain_text(t("What I could do better"))
    expect(summary).to_contain_text("Hoe laat ik mijn stage zien?")
    expect(summary).to_contain_text("16:15 – 16:30")
    v.check("candidate: topics changed")
