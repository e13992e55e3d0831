"""Publishing opens a session for booking and offers its places to the waitlist; closing stops new
bookings; a draft nobody booked can be deleted."""

from app.booking.services import free_slots, join_waitlist, waitlist_entry
from app.models import (
    Booking,
    BookingStatus,
    FeedbackSession,
    FeedbackSessionStatus,
    WaitlistStatus,
)
from tests.booking.helpers import page_text
from tests.helpers import outbox
from tests.sessions.helpers import BASE, all_sessions, fresh


def test_publishing_offers_the_waitlist_a_place(english_client, recruiter, make_session, make_candidate):
    feedback_session = make_session(start="16:00", end="16:30", status=FeedbackSessionStatus.DRAFT)
    waiting = [make_candidate(language="en")[0] for _ in range(3)]
    for candidate in waiting:
        join_waitlist(candidate)
    assert free_slots() == []

    response = english_client.post(f"{BASE}/{feedback_session.id}/publish")

    assert response.status_code == 302
    text = page_text(english_client.get(response.location))
    assert "The feedback hour is published" in text and "2 people on the waitlist were offered a place." in text
    assert fresh(FeedbackSession, feedback_session.id).status == FeedbackSessionStatus.PUBLISHED
    assert [s.id for s in free_slots()] == [s.id for s in feedback_session.slots]
    # Two places, so the first two in line get an offer by e-mail; the third keeps waiting.
    assert [m.candidate_id for m in outbox("waitlist_offer")] == [waiting[0].id, waiting[1].id]
    assert [waitlist_entry(c).status for c in waiting] == [
        WaitlistStatus.OFFERED, WaitlistStatus.OFFERED, WaitlistStatus.WAITING]


def test_closing_stops_new_bookings_and_publishing_again_reopens(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="16:30")
    booking = book(feedback_session.slots[0])

    response = english_client.post(f"{BASE}/{feedback_session.id}/close")

    assert "no new bookings" in page_text(english_client.get(response.location))
    assert fresh(FeedbackSession, feedback_session.id).status == FeedbackSessionStatus.CLOSED
    assert free_slots() == []
    assert fresh(Booking, booking.id).status == BookingStatus.BOOKED
    english_client.post(f"{BASE}/{feedback_session.id}/publish")
    assert [s.id for s in free_slots()] == [feedback_session.slots[1].id]


def test_actions_that_do_not_fit_the_status_say_so(english_client, recruiter, make_session):
    feedback_session = make_session()  # published
    response = english_client.post(f"{BASE}/{feedback_session.id}/publish")
    assert "not possible in the feedback hour's current state" in page_text(english_client.get(response.location))
    draft = make_session(status=FeedbackSessionStatus.DRAFT)
    response = english_client.post(f"{BASE}/{draft.id}/close")
    assert "not possible" in page_text(english_client.get(response.location))
    assert fresh(FeedbackSession, draft.id).status == FeedbackSessionStatus.DRAFT


def test_a_past_session_cannot_be_published(english_client, recruiter, make_session):
    feedback_session = make_session(days_ahead=-3, status=FeedbackSessionStatus.DRAFT)
    english_client.post(f"{BASE}/{feedback_session.id}/publish")
    assert fresh(FeedbackSession, feedback_session.id).status == FeedbackSessionStatus.DRAFT


def test_deleting_a_draft_and_refusing_to_delete_a_published_session(english_client, recruiter, make_session):
    draft = make_session(status=FeedbackSessionStatus.DRAFT)
    published = make_session(days_ahead=20)

    response = english_client.post(f"{BASE}/{draft.id}/delete")
    assert response.location.endswith(f"{BASE}/")
    assert "The draft is deleted." in page_text(english_client.get(response.location))
    response = english_client.post(f"{BASE}/{published.id}/delete")
    assert "Only a draft without bookings can be deleted." in page_text(english_client.get(response.location))
    assert [s.id for s in all_sessions()] == [published.id]


def test_the_session_page_lists_every_slot_with_who_booked_it(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="16:45", hosts=[recruiter])
    book(feedback_session.slots[1], name="Sanne de Vries", vacancy="Verpleegkundige IC")

    text = page_text(english_client.get(f"{BASE}/{feedback_session.id}"))

    assert "16:00 – 16:15 Free" in text
    assert "16:15 – 16:30 Sanne de Vries Verpleegkundige IC Booked" in text
    assert "16:30 – 16:45 Free" in text
    assert "1 of 3 booked, 15 minutes each" in text
    assert recruiter.name in text
    assert "Close for new bookings" in text and "Cancel feedback hour" in text
