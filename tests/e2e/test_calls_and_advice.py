"""The call after an interview and the advice library in a real browser, in Dutch and in English: the
recruiter finds the overdue call at the top of the call list, red and saying so, records it (the checker
speaks up while they type) and the candidate gets the personal link at once; then the recruiter builds a
written summary from snippets, inserted at the cursor and edited in place, and sends it."""

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.database import utcnow
from app.demo.advice import DEMO_SNIPPETS, load_demo_snippets
from app.extensions import db
from app.models import AdviceField, Booking, BookingStatus, Candidate, PreparationNote, Topic
from app.timeutil import local
from tests.e2e.helpers import link_in, settle, sign_in, text_of

PEOPLE = {"nl": ("Olga de Boer", "olga.deboer@example.org", "Fien Smit"),
          "en": ("Olivia Brown", "olivia.brown@example.org", "Finn Walsh")}
VAGUE = {"nl": "Je was niet technisch genoeg.", "en": "You were not technical enough."}
WARNED = {"nl": "niet technisch genoeg", "en": "not technical enough"}
POINTS = {"nl": "Je overdracht was concreet. Voor deze functie vragen we drie jaar IC-ervaring; jij hebt er één.",
          "en": "Your handover was concrete. This role needs three years on an ICU; you have one."}
OWN_ADVICE = {"nl": "Vraag een collega om je cv te lezen.", "en": "Ask a colleague to read your CV."}
EDIT = {"nl": " Gebruik daarvoor je casus over de overdracht.", "en": " Use your handover case for it."}


def _named(action: str, what: str) -> re.Pattern:
    """A button or link's accessible name: its visible action, then (for screen readers) what it acts on."""
    return re.compile(rf"^{re.escape(action)}\s+{re.escape(what)}$")


def _candidate(name: str, email: str, language: str, rejected_days_ago: int, phone: str | None = None) -> Candidate:
    candidate = Candidate(name=name, email=email, vacancy="Verpleegkundige IC", department="Intensive Care",
                          stage="interview", language=language, phone=phone,
                          rejected_on=local(utcnow()).date() - timedelta(days=rejected_days_ago))
    db.session.add(candidate)
    db.session.commit()
    return candidate


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_call_list_and_a_call_that_sends_the_link(language, live_server, visit, mailbox, make_user):
    overdue_name, overdue_email, fresh_name = PEOPLE[language]
    recruiter = make_user("recruiter").email
    _candidate(fresh_name, "fresh@example.org", language, 0)
    _candidate(overdue_name, overdue_email, language, 10, phone="06 12 34 56 78")
    settle()

    staff = visit(language)
    t, page = staff.words, staff.page
    sign_in(staff, live_server, recruiter, language)
    page.get_by_role("navigation", name=t("Staff menu")).get_by_role("link", name=t("Calls")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Calls after an interview"))
    staff.check("call list")
    rows = page.locator("table.call-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(overdue_name)
    expect(rows.nth(1)).to_contain_text(fresh_name)
    badge = rows.nth(0).locator(".badge")
    expect(badge).to_have_text(t("Overdue"))  # in words, not colour alone
    assert badge.evaluate("e => getComputedStyle(e).color") == "rgb(164, 22, 26)"
    expect(rows.nth(1).locator(".badge")).to_have_text(t("Due"))
    expect(rows.nth(0).get_by_role("link", name="06 12 34 56 78")).to_have_attribute("href", "tel:0612345678")

    page.get_by_role("link", name=_named(t("Record the call"), overdue_name)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Call with %(name)s", name=overdue_name))
    staff.check("record a call")
    page.get_by_role("radio", name=t("Reached"), exact=True).check()
    points = page.get_by_label(t("The one or two points you gave"))
    points.press_sequentially(VAGUE[language], delay=5)
    expect(page.locator("#warnings-points")).to_contain_text(WARNED[language])
    points.fill("")
    points.press_sequentially(POINTS[language], delay=5)
    expect(page.locator("#warnings-points")).to_be_hidden()
    page.get_by_label(t("The candidate wants the feedback hour as well: send the personal link now")).check()
    page.get_by_role("button", name=t("Save the call")).click()

    expect(page.get_by_role("status")).to_have_text(
        t("The call is saved. %(name)s has been sent the personal link to the feedback hour.", name=overdue_name))
    expect(page.locator("table.call-list tbody tr")).to_have_count(1)
    made = page.get_by_role("region", name=re.compile(re.escape(t.plural(
        "Calls made in the last %(num)s day", "Calls made in the last %(num)s days", 14))))
    expect(made).to_contain_text(overdue_name)
    expect(made).to_contain_text(t("Late"))
    staff.check("call list after the call")

    mailbox.deliver()
    message = mailbox.last_to(overdue_email)
    assert link_in(message, live_server)
    assert t("Your feedback conversation about %(vacancy)s", vacancy="Verpleegkundige IC") == message["Subject"]


def _title(field: AdviceField, topic: Topic, language: str) -> str:
    return next(d.texts[language][0] for d in DEMO_SNIPPETS if d.field == field and d.topic == topic)


def _body(field: AdviceField, topic: Topic, language: str) -> str:
    return next(d.texts[language][1] for d in DEMO_SNIPPETS if d.field == field and d.topic == topic)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_summary_built_from_snippets(language, live_server, visit, mailbox, make_user, make_session):
    load_demo_snippets()
    feedback_session = make_session(days_ahead=-1)
    name = "Sam Jansen" if language == "nl" else "Sam Jones"
    candidate = _candidate(name, "sam@example.org", language, 3)
    booking = Booking(candidate=candidate, slot=feedback_session.slots[0], topics=["improve"], question="",
                      uid=f"{uuid.uuid4()}@test", status=BookingStatus.ATTENDED)
    db.session.add(booking)
    db.session.add(PreparationNote(booking=booking, went_well=POINTS[language].split(".")[0] + ".",
                                   advice=OWN_ADVICE[language]))
    db.session.commit()
    recruiter = make_user("recruiter").email
    url = f"{live_server}/recruiter/bookings/{booking.id}/summary"
    settle()

    staff = visit(language)
    t, page = staff.words, staff.page
    sign_in(staff, live_server, recruiter, language)
    page.goto(url)
    staff.check("summary with the advice library")
    picker = page.get_by_role("region", name=t("Advice library"))
    care, starr = _title(AdviceField.CARE, Topic.IMPROVE, language), _title(AdviceField.ANY, Topic.IMPROVE, language)
    expect(picker.get_by_role("heading", name=care)).to_be_visible()
    expect(picker.get_by_role("heading", name=starr)).to_be_visible()
    expect(picker.get_by_role("heading", name=_title(AdviceField.IT, Topic.CV_PROFILE, language))).to_have_count(0)

    # The cursor at the start of "Our advice": the snippet goes there, before the recruiter's own tip.
    advice = page.get_by_label(t("Our advice"))
    advice.click()
    advice.press("Control+Home")
    picker.get_by_role("button", name=_named(t("Insert"), care)).click()
    body = _body(AdviceField.CARE, Topic.IMPROVE, language)
    expect(advice).to_have_value(f"{body}\n\n{OWN_ADVICE[language]}")
    expect(page.locator("#advice-status")).to_have_text(
        t("The snippet is inserted into “%(part)s”. Edit it for this candidate.", part=t("Our advice")))
    advice.press_sequentially(EDIT[language], delay=2)  # edited in place, where the cursor is
    edited = f"{body}{EDIT[language]}\n\n{OWN_ADVICE[language]}"
    expect(advice).to_have_value(edited)
    page.wait_for_load_state("networkidle")  # the checker has read the result, and has nothing to say
    expect(page.locator("#warnings-advice")).to_be_hidden()
    staff.check("summary with a snippet inserted")

    page.get_by_role("button", name=t("Preview")).click()
    preview = page.get_by_role("region", name=t("Preview"))
    expect(preview).to_contain_text(EDIT[language].strip())
    expect(page.get_by_label(t("Our advice"))).to_have_value(edited)
    page.get_by_role("button", name=t("Send to the candidate")).click()
    expect(page.get_by_role("status")).to_have_text(t("The summary has been sent to %(name)s.", name=name))

    mailbox.deliver()
    sent = " ".join(text_of(mailbox.last_to("sam@example.org")).split())
    assert " ".join(f"{body}{EDIT[language]}".split()) in sent and OWN_ADVICE[language] in sent
