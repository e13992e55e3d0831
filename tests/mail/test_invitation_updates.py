"""Moving and cancelling update the invitation already in the candidate's calendar: the same UID
with a higher SEQUENCE, METHOD:REQUEST for a move, METHOD:CANCEL with STATUS:CANCELLED for a cancellation."""

import sqlalchemy as sa

from app.extensions import db
from app.mail.worker import send_due
from app.models import Booking
from tests.booking.helpers import form_hidden_fields
from tests.helpers import outbox
from tests.mail.helpers import calendar_parts, parse_ics


def _manage_form(client, path: str) -> dict:
    """The hidden fields of the reschedule or cancel form as the page now serves them."""
    action = "/cancel" if path.endswith("/cancel") else "/reschedule"
    return form_hidden_fields(client.get(path), action)


def test_reschedule_and_cancel_send_updates_of_the_same_invitation(client, smtp_server, make_session, make_candidate):
    first, second, third = make_session(end="16:45").slots
    _, token = make_candidate(language="en")
    client.post(f"/b/{token}/book", data={"slot": first.id, "topics": ["improve"]})
    uid = db.session.scalar(sa.select(Booking.uid))

    client.post(f"/b/{token}/reschedule", data={**_manage_form(client, f"/b/{token}"), "slot": second.id})
    client.post(f"/b/{token}/reschedule", data={**_manage_form(client, f"/b/{token}"), "slot": third.id})
    client.post(f"/b/{token}/cancel", data=_manage_form(client, f"/b/{token}/cancel"))

    # What is queued, in the same transactions as the changes.
    rows = outbox()
    assert [(r.kind, r.ics_method) for r in rows] == [
        ("booking_confirmed", "REQUEST"),
        ("booking_rescheduled", "REQUEST"),
        ("booking_rescheduled", "REQUEST"),
        ("booking_cancelled", "CANCEL"),
    ]
    invitations = [parse_ics(row.ics) for row in rows]
    assert [str(event["UID"]) for _, event in invitations] == [uid] * 4
    assert [event["SEQUENCE"] for _, event in invitations] == [0, 1, 2, 3]
    assert [calendar["METHOD"] for calendar, _ in invitations] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert [event["STATUS"] for _, event in invitations] == ["CONFIRMED", "CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert [event["DTSTART"].dt for _, event in invitations] == [
        first.starts_at, second.starts_at, third.starts_at, third.starts_at,
    ]

    # What arrives: the MIME part carries the same METHOD, so mail clients update or remove the event.
    assert send_due().sent == 4
    received = smtp_server.messages
    assert [m["Subject"] for m in received] == [
        "Your feedback conversation is booked",
        "Your feedback conversation has moved",
        "Your feedback conversation has moved",
        "Your feedback conversation is cancelled",
    ]
    parts = [calendar_parts(m)[0] for m in received]
    assert [p.get_param("method") for p in parts] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    moved = parse_ics(parts[1].get_content())[1]
    assert (str(moved["UID"]), moved["SEQUENCE"], moved["DTSTART"].dt) == (uid, 1, second.starts_at)
    cancel_calendar, cancelled = parse_ics(parts[3].get_content())
    assert cancel_calendar["METHOD"] == "CANCEL"
    assert (str(cancelled["UID"]), cancelled["STATUS"], cancelled["SEQUENCE"]) == (uid, "CANCELLED", 3)
    assert "at 16:30 is cancelled" in received[3].get_body(preferencelist=("plain",)).get_content()


def test_booking_again_after_cancelling_is_a_new_event(client, make_session, make_candidate):
    first, second = make_session(end="16:30").slots
    _, token = make_candidate(language="en")
    client.post(f"/b/{token}/book", data={"slot": first.id, "topics": ["improve"]})
    client.post(f"/b/{token}/cancel", data=_manage_form(client, f"/b/{token}/cancel"))
    client.post(f"/b/{token}/book", data={"slot": second.id, "topics": ["improve"]})

    confirmed = [parse_ics(row.ics)[1] for row in outbox("booking_confirmed")]

    assert len(confirmed) == 2
    assert str(confirmed[0]["UID"]) != str(confirmed[1]["UID"])  # a cancelled UID is never revived
    assert confirmed[1]["SEQUENCE"] == 0
