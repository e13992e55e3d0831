"""The candidate's whole way through the portal, with the Flask test client: from the link in the
rejection e-mail to a booking, and on to moving, cancelling and booking again."""

from babel.dates import format_date
from icalendar import Calendar

from app.extensions import db
from app.models import BookingStatus
from app.timeutil import local
from tests.booking.helpers import (
    active_bookings,
    all_bookings,
    book,
    day_groups,
    form_hidden_fields,
    page_text,
)
from tests.helpers import free_slot_ids, outbox


def test_link_greets_by_first_name_and_lists_free_slots_by_day_in_amsterdam_time(
    english_client, make_session, candidate_en
):
    first = make_session(days_ahead=14, start="16:00", end="16:30")
    second = make_session(days_ahead=15, start="16:00", end="16:30")
    _, token = candidate_en(name="Sanne de Vries", vacancy="Verpleegkundige IC")

    response = english_client.get(f"/b/{token}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Hello Sanne," in text
    assert "de Vries" not in text
    assert "Verpleegkundige IC" in text
    assert "Spreekkamer 3" in text
    groups = day_groups(response)
    assert [labels for _, labels in groups] == [["16:00 – 16:15", "16:15 – 16:30"]] * 2
    assert [day for day, _ in groups] == [  # e.g. "Sunday 6 December 2026", one heading per day
        format_date(local(feedback_session.starts_at).date(), format="EEEE d MMMM y", locale="en")
        for feedback_session in (first, second)
    ]
    # 16:00 on an Amsterdam clock is 14:00 or 15:00 UTC: the page must show the local time.
    utc_clock = first.starts_at.strftime("%H:%M")
    assert utc_clock in ("14:00", "15:00")
    assert f"{utc_clock} –" not in text
    assert free_slot_ids(response.get_data(as_text=True)) == [s.id for s in first.slots + second.slots]


def test_book_confirm_manage_reschedule_cancel_and_book_again(english_client, make_session, candidate_en):
    feedback_session = make_session(start="16:00", end="17:00")
    first, second, third = feedback_session.slots[:3]
    candidate, token = candidate_en(name="Sanne de Vries")

    # Book with topics and a question.
    response = book(english_client, token, first.id, topics=["improve", "cv_profile"],
                    question="Wat mist er in mijn cv?")
    assert response.status_code == 302
    assert response.location.endswith(f"/b/{token}/confirmed")

    confirmation = page_text(english_client.get(response.location))
    assert "Your conversation is booked" in confirmation
    assert "16:00 – 16:15" in confirmation
    assert "What I could do better; My CV and online profile" in confirmation
    assert "Wat mist er in mijn cv?" in confirmation
    assert candidate.email in confirmation

    [booking] = active_bookings()
    assert (booking.candidate_id, booking.slot_id) == (candidate.id, first.id)
    assert booking.topics == ["improve", "cv_profile"]
    assert booking.question == "Wat mist er in mijn cv?"
    assert [m.kind for m in outbox()] == ["booking_confirmed"]

    # The same link now shows the booking, and offers the other free slots to move to.
    manage = english_client.get(f"/b/{token}")
    text = page_text(manage)
    assert "Hello Sanne, this is your conversation" in text
    assert "16:00 – 16:15" in text
    assert first.id not in free_slot_ids(manage.get_data(as_text=True))
    assert second.id in free_slot_ids(manage.get_data(as_text=True))

    # Reschedule to the 16:30 slot.
    form = form_hidden_fields(manage, "/reschedule")
    response = english_client.post(f"/b/{token}/reschedule", data={**form, "slot": third.id})
    assert response.status_code == 302
    text = page_text(english_client.get(response.location))
    assert "Your conversation has moved" in text
    assert "16:30 – 16:45" in text
    [moved] = active_bookings()
    assert (moved.id, moved.slot_id, moved.sequence) == (booking.id, third.id, 1)

    # Cancel: first a page that asks once more, and nothing happens yet.
    ask = english_client.get(f"/b/{token}/cancel")
    assert ask.status_code == 200
    assert "Cancel your conversation?" in page_text(ask)
    assert "16:30 – 16:45" in page_text(ask)
    assert active_bookings()[0].status == BookingStatus.BOOKED

    response = english_client.post(f"/b/{token}/cancel", data=form_hidden_fields(ask, "/cancel"))
    assert response.status_code == 302
    after = english_client.get(response.location)
    assert "Your conversation is cancelled" in page_text(after)
    assert active_bookings() == []
    # The freed slot is offered again, on the same page that lets the candidate book anew.
    assert third.id in free_slot_ids(after.get_data(as_text=True))

    # Book again after cancelling: a new booking with its own calendar identity.
    response = book(english_client, token, second.id)
    assert response.location.endswith(f"/b/{token}/confirmed")
    [again] = active_bookings()
    assert again.slot_id == second.id and again.id != booking.id and again.uid != booking.uid
    assert [b.status for b in all_bookings()] == [BookingStatus.CANCELLED, BookingStatus.BOOKED]
    assert [m.kind for m in outbox()] == [
        "booking_confirmed", "booking_rescheduled", "booking_cancelled", "booking_confirmed",
    ]


def test_one_active_booking_per_candidate(english_client, make_session, candidate_en):
    first, second = make_session(end="16:30").slots
    _, token = candidate_en()
    book(english_client, token, first.id)

    response = book(english_client, token, second.id)

    assert response.status_code == 302
    assert response.location.endswith(f"/b/{token}/confirmed")
    [booking] = active_bookings()
    assert booking.slot_id == first.id
    assert "16:00 – 16:15" in page_text(english_client.get(response.location))
    assert len(outbox("booking_confirmed")) == 1


def test_double_submit_of_the_booking_form_shows_the_confirmation_and_books_once(
    english_client, make_session, candidate_en
):
    slot = make_session(end="16:30").slots[0]
    _, token = candidate_en()

    first = book(english_client, token, slot.id, question="Dubbelklik")
    second = book(english_client, token, slot.id, question="Dubbelklik")

    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    confirmation = english_client.get(second.location)
    assert confirmation.status_code == 200
    assert "Your conversation is booked" in page_text(confirmation)
    assert len(all_bookings()) == 1
    assert len(outbox("booking_confirmed")) == 1


def test_calendar_download_matches_the_booking(english_client, make_session, candidate_en):
    slot = make_session(end="16:30").slots[1]
    _, token = candidate_en()
    book(english_client, token, slot.id)

    response = english_client.get(f"/b/{token}/invite.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert active_bookings()[0].uid.encode() in response.data
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.starts_at  # the same moment, on the Amsterdam clock
    assert local(slot.starts_at).strftime("DTSTART;TZID=Europe/Amsterdam:%Y%m%dT%H%M%S").encode() in response.data


def test_pages_with_a_token_are_private(english_client, make_session, candidate_en):
    make_session()
    _, token = candidate_en()

    response = english_client.get(f"/b/{token}")

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]



def test_moving_to_the_time_you_already_have_says_nothing_changed(english_client, make_session, candidate_en):
    feedback_session = make_session()
    candidate, token = candidate_en()
    english_client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]})
    booking = candidate.bookings[0]
    response = english_client.post(f"/b/{token}/reschedule", data={
        "slot": feedback_session.slots[0].id, "booking": booking.id, "sequence": booking.sequence})
    assert "That is already your time" in response.get_data(as_text=True)
    assert "has moved" not in response.get_data(as_text=True)
    db.session.refresh(booking)
    assert booking.sequence == 0


def test_talent_pool_consent_at_booking_is_optional_and_never_pre_ticked(english_client, make_session, candidate_en):
    import sqlalchemy as sa

    from app.models import Event, PoolMembership, PoolSource

    feedback_session = make_session()
    first, first_token = candidate_en()
    page = english_client.get(f"/b/{first_token}").get_data(as_text=True)
    assert 'name="pool_consent"' in page and 'name="pool_consent" type="checkbox" value="y" checked' not in page
    assert "checked" not in page.split('name="pool_consent"')[1].split(">")[0]

    english_client.post(f"/b/{first_token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]})
    assert db.session.scalars(sa.select(PoolMembership)).all() == []
    assert "Stay in touch for future vacancies?" in english_client.get(
        f"/b/{first_token}/confirmed").get_data(as_text=True)

    second, second_token = candidate_en()
    english_client.post(f"/b/{second_token}/book", data={"slot": feedback_session.slots[1].id, "topics": ["improve"],
                                                 "pool_consent": "y"})
    [membership] = db.session.scalars(sa.select(PoolMembership)).all()
    assert membership.candidate_id == second.id and membership.source == PoolSource.BOOKING
    assert membership.consented_at is not None and membership.expires_at > membership.consented_at
    assert db.session.scalar(sa.select(Event).where(Event.kind == "joined_pool")).candidate_ref == second.ref
    second_confirmation = english_client.get(f"/b/{second_token}/confirmed").get_data(as_text=True)
    assert "Stay in touch for future vacancies?" not in second_confirmation


def test_after_the_conversation_the_link_thanks_them_and_asks_about_it(english_client, make_session, candidate_en):
    feedback_session = make_session(start="16:00", end="16:30")
    _, attended = candidate_en(name="Sanne de Vries")
    _, missed = candidate_en(name="Bram Bakker")
    for token, slot, status in ((attended, feedback_session.slots[0], BookingStatus.ATTENDED),
                                (missed, feedback_session.slots[1], BookingStatus.NO_SHOW)):
        assert book(english_client, token, slot.id).status_code == 302
        [booking] = [b for b in active_bookings() if b.slot_id == slot.id]
        booking.status = status
    db.session.commit()

    text = page_text(english_client.get(f"/b/{attended}"))
    assert "Hello Sanne," in text
    assert "Thank you for taking the time." in text
    assert "Tell us how the conversation was" in text
    assert free_slot_ids(english_client.get(f"/b/{attended}").get_data(as_text=True)) == []

    text = page_text(english_client.get(f"/b/{missed}"))
    assert "Hello Bram," in text and "Thank you for taking the time." in text
    assert "Tell us how the conversation was" not in text  # no survey about a conversation that did not happen


def test_the_pages_of_a_booking_lead_back_to_the_candidates_page_when_there_is_none(english_client, make_session,
                                                                                  candidate_en):
    slot = make_session().slots[0]
    _, token = candidate_en()
    pages = (f"/b/{token}/confirmed", f"/b/{token}/invite.ics", f"/b/{token}/cancel")

    for path in pages:
        response = english_client.get(path)
        assert response.status_code == 302 and response.location.endswith(f"/b/{token}"), path

    book(english_client, token, slot.id)
    for path in pages:
        assert english_client.get(path).status_code == 200, path
    english_client.post(f"/b/{token}/cancel", data=form_hidden_fields(english_client.get(f"/b/{token}/cancel"),
                                                                      "/cancel"))
    assert all(english_client.get(path).status_code == 302 for path in pages)
