"""Text from people (names, vacancies, locations, questions) cannot inject e-mail headers, calendar
properties or spreadsheet formulas."""

import email
import email.policy

import pytest
from icalendar import Calendar

from app.extensions import db
from app.mail.outbox import build_message
from app.mail.worker import send_due
from tests.helpers import outbox

ATTACKS = [
    "Eva\r\nBcc: victim@example.org",
    "Eva\nX-Injected: yes",
    "Eva\rSubject: overwritten",
    "Eva\u2028Bcc: victim@example.org",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_names_and_vacancies_cannot_add_mail_headers(client, make_session, make_candidate, attack):
    feedback_session = make_session()
    _, token = make_candidate(name=attack, vacancy=attack)
    assert (
        client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]}).status_code
        == 302
    )
    [message] = outbox("booking_confirmed")
    raw = build_message(message).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert len(parsed.get_all("Subject")) == 1 and len(parsed.get_all("To")) == 1
    assert parsed["To"].addresses[0].addr_spec == message.to_address.split("<")[-1].rstrip(">")


@pytest.mark.parametrize("attack", [
    "Kamer 1\r\nATTENDEE:mailto:evil@example.org",
    "Kamer 1\nURL:http://evil.example",
    "Kamer 1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Nep",
])
def test_session_and_candidate_text_cannot_add_calendar_properties(client, make_session, make_candidate, attack):
    feedback_session = make_session(location=attack)
    _, token = make_candidate(name=attack)
    client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"],
                                          "question": attack})
    [message] = outbox("booking_confirmed")
    calendar = Calendar.from_ical(message.ics)
    [event] = calendar.walk("VEVENT")
    assert len(event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")]) == 1
    assert str(event.get("URL")).startswith("http://portal.test/b/")
    assert "\n" not in str(event.get("LOCATION")) and "\r" not in str(event.get("SUMMARY"))


def test_delivered_mail_has_the_same_headers_as_stored(client, make_session, make_candidate, smtp_server):
    feedback_session = make_session()
    _, token = make_candidate(name=ATTACKS[0])
    client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]})
    assert send_due().sent == 1
    [received] = smtp_server.messages
    assert received["Bcc"] is None
    [address] = received["To"].addresses  # the text stays inside the quoted display name
    assert address.addr_spec.startswith("kandidaat") and address.display_name.startswith("Eva")
    db.session.rollback()


@pytest.mark.parametrize("dangerous", ["=1+1", "+31 6 1234", "-cmd", "@SUM(A1:A9)"])
def test_department_names_reach_the_hr_export_neutralised(client, auth, make_candidate, dangerous):
    from app.events import record_event

    candidate, _ = make_candidate(department=dangerous)
    record_event("invited", candidate)
    db.session.commit()
    auth.login("hr")
    body = client.get("/hr/export/department.csv").get_data(as_text=True)
    assert f"'{dangerous}" in body
    assert f"\r\n{dangerous}" not in body and f",{dangerous}" not in body


def test_a_nul_character_in_typed_text_never_breaks_saving(client, auth):
    """PostgreSQL refuses NUL in text; the portal drops it instead of answering with a 500."""
    auth.login("recruiter")
    response = client.post("/recruiter/candidates/templates/nl/interview",
                           data={"subject": "Beste\x00 {name}", "body": "Hallo {name}\x00"})
    assert response.status_code < 500
