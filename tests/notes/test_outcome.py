"""After the conversation: the outcome with its events, 'suitable after all', the follow-up, and the
talent-pool offer by e-mail (the candidate's answer from its link: tests/talent/test_consent.py)."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, Event, PoolMembership, PoolSource
from tests.booking.helpers import page_text
from tests.helpers import outbox


def _events() -> list[tuple[str, int | None]]:
    db.session.rollback()
    return [(e.kind, e.user_id) for e in db.session.scalars(sa.select(Event).order_by(Event.id))]


def _fresh(booking: Booking) -> Booking:
    db.session.rollback()
    return db.session.get(Booking, booking.id)


def _record(client, booking, **values):
    return client.post(f"/recruiter/bookings/{booking.id}/outcome", data=values)


def test_attended_and_suitable_after_all_with_a_follow_up(client, sign_in, make_booking):
    booking = make_booking(days_ahead=-1)
    user = sign_in()
    follow_up = date.today() + timedelta(days=7)

    response = _record(client, booking, outcome="attended", suitable_after_all="y",
                       follow_up_action="Uitnodigen voor de vacature Senior IC", follow_up_on=follow_up.isoformat())

    assert response.status_code == 302
    booking = _fresh(booking)
    assert booking.status == BookingStatus.ATTENDED and booking.suitable_after_all
    assert (booking.follow_up_action, booking.follow_up_on) == ("Uitnodigen voor de vacature Senior IC", follow_up)
    assert booking.outcome_recorded_at is not None
    assert _events() == [("attended", user.id), ("suitable", user.id)]
    page = page_text(client.get(response.location))
    assert "The outcome is saved." in page and "Recorded on" in page


def test_no_show_and_a_correction_keep_the_figures_true(client, sign_in, make_booking):
    booking = make_booking(days_ahead=-1)
    user = sign_in()
    _record(client, booking, outcome="no_show")
    assert _fresh(booking).status == BookingStatus.NO_SHOW
    assert _events() == [("no_show", user.id)]

    _record(client, booking, outcome="attended", suitable_after_all="y")
    assert _events() == [("attended", user.id), ("suitable", user.id)]
    _record(client, booking, outcome="attended")  # not suitable after all: the earlier tick was a mistake
    assert _events() == [("attended", user.id)]
    _record(client, booking, outcome="attended")  # saving again changes nothing in the figures
    assert _events() == [("attended", user.id)]


def test_cancelled_late_sets_the_booking_cancelled(client, sign_in, make_booking):
    booking = make_booking(days_ahead=1)  # may be recorded before the day itself
    sign_in()
    assert _record(client, booking, outcome="cancelled_late").status_code == 302
    booking = _fresh(booking)
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_late and booking.cancelled_at
    assert [kind for kind, _ in _events()] == ["cancelled_late"]


def test_a_late_cancellation_cannot_be_undone_once_the_time_is_booked_again(client, sign_in, make_session,
                                                                            make_booking):
    feedback_session = make_session(days_ahead=-1)
    first = make_booking(feedback_session=feedback_session)
    sign_in()
    _record(client, first, outcome="cancelled_late")
    make_booking(feedback_session=feedback_session)  # someone else took the time meanwhile

    response = _record(client, first, outcome="attended")

    assert response.status_code == 409
    assert "Someone else has booked this time" in page_text(response)
    first = _fresh(first)
    assert first.status == BookingStatus.CANCELLED and first.cancelled_late
    assert [kind for kind, _ in _events()] == ["cancelled_late"]


def test_a_conversation_still_ahead_cannot_be_recorded_as_held(client, sign_in, make_booking):
    booking = make_booking(days_ahead=3)
    sign_in()
    response = _record(client, booking, outcome="attended")
    assert response.status_code == 409
    assert "has not started yet" in page_text(response)
    assert _fresh(booking).status == BookingStatus.BOOKED and _events() == []


def test_bad_outcome_input_is_refused_and_keeps_what_was_typed(client, sign_in, make_booking):
    booking = make_booking(days_ahead=-1)
    sign_in()
    response = _record(client, booking, outcome="no_show", suitable_after_all="y",
                       follow_up_action="Bellen over de opleiding")
    assert response.status_code == 422
    text = page_text(response)
    assert "Only a conversation that took place can show" in text
    assert "Please give a date for the follow-up." in text
    assert 'value="Bellen over de opleiding"' in response.get_data(as_text=True)

    assert _record(client, booking, outcome="married").status_code == 422
    assert _record(client, booking, outcome="attended", follow_up_on="2025-13-45",
                   follow_up_action="x").status_code == 422
    assert _fresh(booking).status == BookingStatus.BOOKED and _events() == []


def test_a_booking_the_candidate_cancelled_online_has_no_outcome(client, sign_in, make_booking):
    booking = make_booking(days_ahead=-1, status=BookingStatus.CANCELLED)
    sign_in()
    response = _record(client, booking, outcome="attended")
    assert response.status_code == 409
    assert "cancelled this conversation online" in page_text(response)
    assert _fresh(booking).status == BookingStatus.CANCELLED


# --- the talent pool ---------------------------------------------------------------------------------

def _offer(client, booking):
    return client.post(f"/recruiter/bookings/{booking.id}/talent-pool")


def test_the_pool_offer_e_mails_a_consent_request_with_the_personal_link(client, sign_in, make_booking):
    booking = make_booking(days_ahead=-1, name="Sanne de Vries", language="en")
    sign_in()

    assert _offer(client, booking).status_code == 302
    [membership] = db.session.scalars(sa.select(PoolMembership)).all()
    assert membership.source == PoolSource.RECRUITER and membership.requested_at is not None
    assert membership.consented_at is None and membership.expires_at is None
    [mail] = outbox("pool_consent_request")
    assert mail.to_address.endswith(f"<{booking.candidate.email}>")
    assert "Hello Sanne," in mail.body_text and "12 months" in mail.body_text
    assert re.search(r"http://portal\.test/b/[A-Za-z0-9_-]{43}/pool\b", mail.body_text)
    assert [kind for kind, _ in _events()] == ["pool_requested"]

    # Asking twice sends nothing more.
    page = client.get(_offer(client, booking).location)
    assert "already been asked" in page_text(page)
    assert len(outbox("pool_consent_request")) == 1


def test_the_pool_offer_to_a_member_asks_nothing(client, sign_in, make_booking):
    booking = make_booking(days_ahead=-1, language="en")
    db.session.add(PoolMembership(candidate=booking.candidate, source=PoolSource.LINK, consented_at=utcnow(),
                                  expires_at=utcnow() + timedelta(days=200)))
    db.session.commit()
    sign_in()

    page = client.get(_offer(client, booking).location)

    assert "The candidate is already in the talent pool." in page_text(page)
    assert outbox("pool_consent_request") == []
