"""The written summary: prefilled from the notes (never the free notes), edited, previewed, checked,
and sent once through the outbox in the candidate's language."""

import html
import re

import sqlalchemy as sa

from app.audit.services import facts_of
from app.extensions import db
from app.mail.worker import send_due
from app.models import Booking, BookingStatus
from tests.booking.helpers import page_text
from tests.helpers import outbox

NOTE = {"went_well": "Je casus over de overdracht was concreet.",
        "why_not": "Deze functie vraagt drie jaar IC-ervaring.",
        "advice": "Zet je IC-stage bovenaan je cv.",
        "free_notes": "GEHEIM: twijfel over motivatie."}


def _attended(make_booking, **values) -> Booking:
    values.setdefault("language", "en")
    return make_booking(days_ahead=-1, status=BookingStatus.ATTENDED, note=NOTE, **values)


def _url(booking) -> str:
    return f"/recruiter/bookings/{booking.id}/summary"


def test_the_form_starts_from_the_notes_but_never_the_free_notes(client, sign_in, make_booking):
    booking = _attended(make_booking)
    sign_in()
    response = client.get(_url(booking))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in ("went_well", "why_not", "advice"):
        assert NOTE[name] in body
    assert "GEHEIM" not in body
    assert "data-check-url" in body


def test_preview_shows_the_e_mail_and_sends_nothing(client, sign_in, make_booking, smtp_server):
    booking = _attended(make_booking, name="Emily Clarke")
    sign_in()
    response = client.post(_url(booking), data={"went_well": "Clear examples.", "why_not": "",
                                                "advice": "Lead with your ICU internship.", "preview": "Preview"})
    assert response.status_code == 200
    preview = re.search(r'(?s)aria-labelledby="preview-title">(.*?)</section>', response.get_data(as_text=True))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", preview.group(1))).split())
    assert "Hello Emily," in text and "Clear examples." in text and "Lead with your ICU internship." in text
    assert "Why it did not work out this time" not in text  # an empty part is left out
    assert outbox() == [] and _fresh(booking).summary_sent_at is None


def _fresh(booking: Booking) -> Booking:
    db.session.rollback()
    return db.session.get(Booking, booking.id)


def test_sending_queues_the_summary_once_and_it_arrives(client, sign_in, make_booking, smtp_server):
    booking = _attended(make_booking, name="Emily Clarke")
    sign_in()
    data = {"went_well": "Your handover case was concrete.", "why_not": "This role needs three years of ICU work.",
            "advice": "Put your ICU internship at the top of your CV.", "send": "Send"}

    response = client.post(_url(booking), data=data)

    assert response.status_code == 302
    assert "The summary has been sent to Emily Clarke." in page_text(client.get(response.location))
    [message] = outbox("feedback_summary")
    assert message.to_address.endswith(f"<{booking.candidate.email}>")
    assert message.subject == "A short summary of your feedback conversation"
    for heading, value in (("What went well", data["went_well"]), ("Why it did not work out this time",
                           data["why_not"]), ("Our advice", data["advice"])):
        assert heading in message.body_text and value in message.body_text and value in message.body_html
    assert "GEHEIM" not in message.body_text and "GEHEIM" not in message.body_html
    assert _fresh(booking).summary_sent_at is not None

    # A second click sends nothing more.
    again = client.post(_url(booking), data=data)
    assert again.status_code == 409 and "already been sent" in page_text(again)
    assert len(outbox("feedback_summary")) == 1

    send_due()
    [received] = smtp_server.messages
    assert received["Subject"] == "A short summary of your feedback conversation"
    assert data["advice"] in received.get_body(("plain",)).get_content()


def test_the_checker_runs_on_the_summary(client, sign_in, make_booking):
    booking = _attended(make_booking)
    sign_in()
    response = client.post(_url(booking), data={"went_well": "Good.", "why_not": "You were not a culture fit.",
                                                "advice": "", "preview": "Preview"})
    assert response.status_code == 200
    text = page_text(response)
    assert "The feedback checker suggests:" in text and "not a culture fit" in text


def test_a_summary_needs_a_held_conversation_and_some_text(client, sign_in, make_booking):
    ahead = make_booking(days_ahead=3, note=NOTE, language="en")
    sign_in()
    page = client.get(_url(ahead))
    assert "once the conversation has taken place" in page_text(page)
    assert client.post(_url(ahead), data={"advice": "Tip", "send": "Send"}).status_code == 409
    assert outbox() == []

    booking = _attended(make_booking)
    empty = client.post(_url(booking), data={"went_well": " ", "why_not": "", "advice": "", "send": "Send"})
    assert empty.status_code == 422 and "The summary is empty" in page_text(empty)
    too_long = client.post(_url(booking), data={"went_well": "Bewaar mij", "advice": "z" * 5001, "send": "Send"})
    assert too_long.status_code == 422
    assert "Bewaar mij" in too_long.get_data(as_text=True) and "z" * 5001 in too_long.get_data(as_text=True)
    assert outbox() == []
    assert db.session.scalar(sa.select(Booking.summary_sent_at).where(Booking.id == booking.id)) is None


def test_a_summary_with_warnings_is_sent_only_after_a_confirmation_and_is_audited(client, sign_in, make_booking):
    from app.models import AuditEntry

    booking = _attended(make_booking)
    user = sign_in()
    data = {"went_well": "Your handover case was concrete.", "why_not": "You weren't a culture fit.",
            "advice": "We'll call you when something comes up.", "send": "Send"}
    refused = client.post(_url(booking), data=data)
    assert refused.status_code == 422
    text = page_text(refused)
    assert ("2 parts of this summary have a warning from the feedback checker. "
            "Nothing is sent until you confirm.") in text
    assert outbox() == [] and _fresh(booking).summary_sent_at is None

    sent = client.post(_url(booking), data=dict(data, confirm_warnings="y"))
    assert sent.status_code == 302
    assert len(outbox("feedback_summary")) == 1
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "warning_overridden"))
    assert (entry.user_email, entry.target_type, entry.target_id) == (user.email, "booking", booking.id)
    assert facts_of(entry) == {"sent": "summary", "warnings": ["vague", "false_promise"]}
    assert "culture" not in entry.detail


def test_a_summary_without_warnings_needs_no_confirmation(client, sign_in, make_booking):
    booking = _attended(make_booking)
    sign_in()
    response = client.post(_url(booking), data={"went_well": "Your handover case was concrete.", "why_not": "",
                                                 "advice": "Put your ICU internship first.", "send": "Send"})
    assert response.status_code == 302 and len(outbox("feedback_summary")) == 1
