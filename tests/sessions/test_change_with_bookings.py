"""A change that removes booked slots asks first, then moves or cancels those conversations, and
every candidate concerned hears of it through the outbox with the right calendar invitation."""

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    FeedbackSession,
    OutboxMessage,
    WaitlistEntry,
    WaitlistStatus,
)
from app.timeutil import local
from tests.booking.helpers import page_text
from tests.helpers import outbox
from tests.sessions.helpers import (
    BASE,
    as_multidict,
    edit_data,
    events_of,
    fresh,
    hidden_fields,
    input_value,
)


def _clock(moment) -> str:
    return local(moment).strftime("%H:%M")


def test_removing_a_booked_slot_asks_first_and_saves_nothing(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    booking = book(feedback_session.slots[3], name="Sanne de Vries", vacancy="Verpleegkundige IC")  # 16:45
    before = [(s.id, s.starts_at, s.ends_at) for s in feedback_session.slots]

    response = english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="16:45"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Booked conversations no longer fit" in text
    assert "Nothing is saved yet" in text
    assert "Sanne de Vries" in text and "Verpleegkundige IC" in text and "16:45 – 17:00" in text
    assert "Move them and send the new time" in text and "Cancel these conversations" in text
    assert "Go back to the form" in text
    feedback_session = fresh(FeedbackSession, feedback_session.id)
    assert [(s.id, s.starts_at, s.ends_at) for s in feedback_session.slots] == before
    assert _clock(feedback_session.ends_at) == "17:00"
    assert fresh(Booking, booking.id).sequence == 0
    assert outbox("booking_rescheduled") == [] and outbox("booking_dropped") == []


def test_move_gives_the_nearest_free_slot_with_the_same_uid_and_a_higher_sequence(
    english_client, recruiter, make_session, book
):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    book(feedback_session.slots[2], name="Other Person")                     # 16:30, stays
    booking = book(feedback_session.slots[3], name="Sanne de Vries")         # 16:45, goes
    uid = booking.uid
    confirm = english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="16:45"))
    assert "16:15" in page_text(confirm)  # the proposal: nearest free slot of the new layout
    message_count = len(outbox())

    response = english_client.post(f"{BASE}/{feedback_session.id}/edit",
                                   data=as_multidict(hidden_fields(confirm), resolution="move"))

    assert response.status_code == 302
    assert "1 conversation moved" in page_text(english_client.get(response.location))
    booking = fresh(Booking, booking.id)
    assert booking.status == BookingStatus.BOOKED and booking.uid == uid and booking.sequence == 1
    assert _clock(booking.slot.starts_at) == "16:15" and booking.slot.feedback_session_id == feedback_session.id
    [message] = outbox("booking_rescheduled")
    assert len(outbox()) == message_count + 1  # only the moved candidate hears of it
    assert message.candidate_id == booking.candidate_id and message.ics_method == "REQUEST"
    assert "has moved" in message.subject
    calendar, [event] = events_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == uid and event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == booking.slot.starts_at
    feedback_session = fresh(FeedbackSession, feedback_session.id)
    assert [_clock(s.starts_at) for s in feedback_session.slots] == ["16:00", "16:15", "16:30"]


def test_cancel_sends_a_cancel_invitation_and_names_where_to_book_again(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    booking = book(feedback_session.slots[3], name="Sanne de Vries")
    later = make_session(days_ahead=40, start="16:00", end="16:30")
    confirm = english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="16:45"))

    response = english_client.post(f"{BASE}/{feedback_session.id}/edit",
                                   data=as_multidict(hidden_fields(confirm), resolution="cancel"))

    assert response.status_code == 302
    assert "1 conversation cancelled" in page_text(english_client.get(response.location))
    booking = fresh(Booking, booking.id)
    assert booking.status == BookingStatus.CANCELLED and booking.sequence == 1 and booking.cancelled_at
    [message] = outbox("booking_dropped")
    assert message.ics_method == "CANCEL" and message.candidate_id == booking.candidate_id
    calendar, [event] = events_of(message)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == booking.uid and event["SEQUENCE"] == 1
    assert _clock(event["DTSTART"].dt) == "16:45"  # the withdrawn time, not a new one
    # The first session with free places ahead is this same one (its 16:00-16:30 are free); it is named.
    assert "no longer fits in" in message.body_text
    assert "There are free times on" in message.body_text
    assert "http://portal.test/b/" in message.body_text
    assert later  # another session exists, but the nearer free places come first
    # The removed slot is gone; the cancelled booking keeps a slot in this session.
    feedback_session = fresh(FeedbackSession, feedback_session.id)
    assert "16:45" not in [_clock(s.starts_at) for s in feedback_session.slots]
    assert booking.slot.feedback_session_id == feedback_session.id


def test_when_the_new_layout_is_full_moving_is_not_offered_and_the_candidate_waits(
    english_client, recruiter, make_session, book
):
    feedback_session = make_session(start="16:00", end="16:30", hosts=[recruiter])
    book(feedback_session.slots[0], name="Keeps Place")
    dropped = book(feedback_session.slots[1], name="Sanne de Vries")
    confirm = english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="16:15"))
    text = page_text(confirm)
    assert "No free place left: cancelled" in text
    assert "Move them" not in text and "Move where possible" not in text

    english_client.post(
        f"{BASE}/{feedback_session.id}/edit", data=as_multidict(hidden_fields(confirm), resolution="cancel")
    )

    assert fresh(Booking, dropped.id).status == BookingStatus.CANCELLED
    [message] = outbox("booking_dropped")
    assert "put you on the waitlist" in message.body_text
    [entry] = db.session.scalars(sa.select(WaitlistEntry)).all()
    assert entry.candidate_id == dropped.candidate_id and entry.status == WaitlistStatus.WAITING


def test_move_where_possible_cancels_the_rest(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    book(feedback_session.slots[0], name="A Stays")
    first = book(feedback_session.slots[2], name="B Moves")       # 16:30
    second = book(feedback_session.slots[3], name="C Cancelled")  # 16:45
    # New layout 16:00-16:30: one free slot (16:15) for two bookings that no longer fit.
    confirm = english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="16:30"))
    assert "Move where possible, cancel the rest" in page_text(confirm)

    english_client.post(
        f"{BASE}/{feedback_session.id}/edit", data=as_multidict(hidden_fields(confirm), resolution="move")
    )

    first, second = fresh(Booking, first.id), fresh(Booking, second.id)
    assert first.status == BookingStatus.BOOKED and _clock(first.slot.starts_at) == "16:15"
    assert second.status == BookingStatus.CANCELLED
    assert [m.candidate_id for m in outbox("booking_rescheduled")] == [first.candidate_id]
    assert [m.candidate_id for m in outbox("booking_dropped")] == [second.candidate_id]


def test_go_back_shows_the_form_with_what_was_typed(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    book(feedback_session.slots[3])
    confirm = english_client.post(f"{BASE}/{feedback_session.id}/edit",
                          data=edit_data(feedback_session, end="16:45", location="Kamer 12"))

    response = english_client.post(f"{BASE}/{feedback_session.id}/edit",
                                   data=as_multidict(hidden_fields(confirm), resolution="back"))

    assert response.status_code == 200
    assert input_value(response, "end") == "16:45" and input_value(response, "location") == "Kamer 12"
    assert _clock(fresh(FeedbackSession, feedback_session.id).ends_at) == "17:00"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind.in_(["booking_rescheduled", "booking_dropped", "session_changed"]))) == 0


def test_a_decision_about_bookings_that_changed_meanwhile_is_asked_again(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    book(feedback_session.slots[3], name="First Booker")
    confirm = english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="16:30"))
    late = book(fresh(FeedbackSession, feedback_session.id).slots[2], name="Late Booker")  # 16:30 also goes now

    response = english_client.post(f"{BASE}/{feedback_session.id}/edit",
                                   data=as_multidict(hidden_fields(confirm), resolution="cancel"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Bookings changed in the meantime" in text and "Late Booker" in text
    assert fresh(Booking, late.id).status == BookingStatus.BOOKED
    assert outbox("booking_dropped") == []


def test_a_new_place_or_length_sends_the_booked_candidate_an_updated_invitation(
    english_client, recruiter, make_session, book
):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    booking = book(feedback_session.slots[0], name="Sanne de Vries")
    untouched = book(feedback_session.slots[1], name="Stays Put")

    response = english_client.post(
        f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, location="Spreekkamer 9")
    )

    assert response.status_code == 302
    assert "2 booked candidates get the new details by e-mail." in page_text(english_client.get(response.location))
    messages = outbox("session_changed")
    assert sorted(m.candidate_id for m in messages) == sorted([booking.candidate_id, untouched.candidate_id])
    calendar, [event] = events_of(next(m for m in messages if m.candidate_id == booking.candidate_id))
    assert calendar["METHOD"] == "REQUEST" and str(event["UID"]) == booking.uid and event["SEQUENCE"] == 1
    assert "Spreekkamer 9" in str(event["LOCATION"])
    assert fresh(Booking, booking.id).sequence == 1


def test_a_change_that_touches_no_booking_tells_nobody(english_client, recruiter, make_session, book):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    booking = book(feedback_session.slots[0])

    english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="18:00"))

    assert fresh(Booking, booking.id).sequence == 0
    assert [m.kind for m in outbox()] == ["booking_confirmed"]
    assert len(fresh(FeedbackSession, feedback_session.id).slots) == 8


def test_moving_the_session_to_another_day_keeps_each_conversation_at_its_time(english_client, recruiter, make_session,
                                                                               book):
    feedback_session = make_session(days_ahead=14, start="16:00", end="17:00", hosts=[recruiter])
    early = book(feedback_session.slots[0], name="Early Bird")
    late = book(feedback_session.slots[3], name="Late Riser")
    new_day = local(feedback_session.starts_at).date() + timedelta(days=7)
    confirm = english_client.post(
        f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, day=new_day.isoformat())
    )
    assert "Move them and send the new time" in page_text(confirm)

    english_client.post(
        f"{BASE}/{feedback_session.id}/edit", data=as_multidict(hidden_fields(confirm), resolution="move")
    )

    for booking, clock in ((early, "16:00"), (late, "16:45")):
        stored = fresh(Booking, booking.id)
        assert local(stored.slot.starts_at).date() == new_day and _clock(stored.slot.starts_at) == clock
        assert stored.sequence == 1 and stored.uid == booking.uid
    assert len(outbox("booking_rescheduled")) == 2
    assert all(local(s.starts_at).date() == new_day for s in fresh(FeedbackSession, feedback_session.id).slots)


def test_a_host_taken_off_hands_their_conversations_to_a_free_host(
    english_client, recruiter, make_user, make_session, book
):
    leaving = make_user(name="Bram de Boer")
    feedback_session = make_session(start="16:00", end="16:30", hosts=[recruiter, leaving])
    kept = book(feedback_session.slots[0], name="Anna Blijft")
    handed = book(feedback_session.slots[1], name="Carl Over")
    handed.host_id = leaving.id  # Bram's conversation at 16:15
    db.session.commit()
    assert fresh(Booking, kept.id).host_id == recruiter.id

    response = english_client.post(
        f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, hosts=[str(recruiter.id)])
    )

    assert response.status_code == 302
    assert fresh(Booking, handed.id).host_id == recruiter.id and fresh(Booking, handed.id).sequence == 1
    [message] = outbox("session_changed")  # Carl reads whom he meets now; Anna is not bothered
    assert message.candidate_id == handed.candidate_id
