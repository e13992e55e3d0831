"""Cancelling a session asks first, then tells every booked candidate: an e-mail with a calendar
cancellation (same UID, higher SEQUENCE) that names the next session, received by a real SMTP server."""

import sqlalchemy as sa
from babel.dates import format_date

from app.extensions import db
from app.mail.worker import send_due
from app.models import (
    Booking,
    BookingStatus,
    FeedbackSession,
    FeedbackSessionStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from app.timeutil import local
from tests.booking.helpers import form_hidden_fields, page_text
from tests.helpers import outbox
from tests.mail.helpers import calendar_parts, parse_ics
from tests.sessions.helpers import BASE, fresh


def _english_day(moment) -> str:
    return format_date(local(moment).date(), format="full", locale="en")


def test_cancelling_asks_first_and_says_how_many_candidates_will_be_told(english_client, recruiter, make_session, book):
    feedback_session = make_session()
    book(feedback_session.slots[0], name="Sanne de Vries")
    book(feedback_session.slots[2], name="Joost Bakker")

    response = english_client.get(f"{BASE}/{feedback_session.id}/cancel")

    assert response.status_code == 200
    text = page_text(response)
    assert "2 candidates will be told" in text
    assert "Sanne de Vries" in text and "Joost Bakker" in text
    assert "Cancel and tell 2 candidates" in text
    assert fresh(FeedbackSession, feedback_session.id).status == FeedbackSessionStatus.PUBLISHED


def test_cancelling_tells_every_booked_candidate_over_smtp_and_offers_the_next_session(
    english_client, recruiter, smtp_server, make_session, book
):
    feedback_session = make_session(days_ahead=10)
    next_one = make_session(days_ahead=38)
    first = book(feedback_session.slots[0], name="Sanne de Vries", email="sanne@example.org")
    second = book(feedback_session.slots[3], name="Joost Bakker", email="joost@example.org")
    elsewhere = book(next_one.slots[0], name="Elsewhere")  # not in this session: untouched
    send_due()  # the booking confirmations
    smtp_server.handler.messages.clear()
    confirm = english_client.get(f"{BASE}/{feedback_session.id}/cancel")

    response = english_client.post(f"{BASE}/{feedback_session.id}/cancel", data=form_hidden_fields(confirm, "/cancel"))

    assert response.status_code == 302
    assert "2 candidates are told by e-mail" in page_text(english_client.get(response.location))
    assert fresh(FeedbackSession, feedback_session.id).status == FeedbackSessionStatus.CANCELLED
    rows = outbox("session_cancelled")
    assert sorted(r.candidate_id for r in rows) == sorted([first.candidate_id, second.candidate_id])
    for booking in (first, second):
        stored = fresh(Booking, booking.id)
        assert stored.status == BookingStatus.CANCELLED and stored.sequence == 1 and stored.cancelled_at
    assert fresh(Booking, elsewhere.id).status == BookingStatus.BOOKED

    report = send_due()

    assert report.sent == 2 and report.failed == 0
    received = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    assert set(received) == {"sanne@example.org", "joost@example.org"}
    for booking in (first, second):
        message = received[booking.candidate.email]
        assert message["Subject"] == "The feedback hour is cancelled"
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert f"Hello {booking.candidate.first_name}," in text
        assert _english_day(feedback_session.starts_at) in text
        assert f"The next feedback hour is on {_english_day(next_one.starts_at)}" in text
        assert "http://portal.test/b/" in text
        [part] = calendar_parts(message)
        assert part.get_param("method") == "CANCEL"
        calendar, event = parse_ics(part.get_content())
        assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
        assert str(event["UID"]) == booking.uid and event["SEQUENCE"] == 1
        assert event["DTSTART"].dt == booking.slot.starts_at
    # The link in the e-mail works and shows the next session's free slots.
    link = next(line for line in received["sanne@example.org"].get_body(preferencelist=("plain",))
                .get_content().splitlines() if line.startswith("http://portal.test/b/"))
    page = english_client.get(link.removeprefix("http://portal.test"))
    assert page.status_code == 200


def test_without_a_next_session_the_candidates_go_on_the_waitlist(english_client, recruiter, make_session, book):
    feedback_session = make_session()
    booking = book(feedback_session.slots[1], name="Sanne de Vries")
    confirm = english_client.get(f"{BASE}/{feedback_session.id}/cancel")
    assert "put on the waitlist" in page_text(confirm)

    english_client.post(f"{BASE}/{feedback_session.id}/cancel", data=form_hidden_fields(confirm, "/cancel"))

    [message] = outbox("session_cancelled")
    assert "We have put you on the waitlist" in message.body_text
    assert message.ics_method == "CANCEL"
    [entry] = db.session.scalars(sa.select(WaitlistEntry)).all()
    assert entry.candidate_id == booking.candidate_id and entry.status == WaitlistStatus.WAITING


def test_a_booking_made_after_the_confirmation_page_is_not_cancelled_unseen(english_client, recruiter, make_session,
                                                                            book):
    feedback_session = make_session()
    book(feedback_session.slots[0])
    confirm = english_client.get(f"{BASE}/{feedback_session.id}/cancel")
    late = book(feedback_session.slots[1], name="Late Booker")

    response = english_client.post(f"{BASE}/{feedback_session.id}/cancel", data=form_hidden_fields(confirm, "/cancel"))

    assert response.status_code == 302 and response.location.endswith("/cancel")
    page = page_text(english_client.get(response.location))
    assert "Bookings changed in the meantime" in page and "2 candidates will be told" in page
    assert fresh(FeedbackSession, feedback_session.id).status == FeedbackSessionStatus.PUBLISHED
    assert fresh(Booking, late.id).status == BookingStatus.BOOKED
    assert outbox("session_cancelled") == []


def test_a_session_without_bookings_is_cancelled_without_mail(english_client, recruiter, make_session):
    feedback_session = make_session()
    confirm = english_client.get(f"{BASE}/{feedback_session.id}/cancel")
    assert "nobody needs to be told" in page_text(confirm)
    english_client.post(f"{BASE}/{feedback_session.id}/cancel", data=form_hidden_fields(confirm, "/cancel"))
    assert fresh(FeedbackSession, feedback_session.id).status == FeedbackSessionStatus.CANCELLED
    assert outbox() == []
    # A cancelled session can be neither cancelled again nor changed.
    assert english_client.get(f"{BASE}/{feedback_session.id}/cancel").status_code == 302
    assert english_client.post(f"{BASE}/{feedback_session.id}/cancel", data={"expected": ""}).status_code == 302
