"""How and with whom: the candidate chooses among the ways a feedback hour offers (a phone call needs a number),
a session with N hosts has N places at each time, each booking gets the host whose turn it is, and the
candidate sees the recruiter's first name and job title. After booking: other topics without moving, and a
reason when cancelling that the HR figures count without the person."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.booking import services
from app.booking.free_times import free_slots_by_day
from app.database import utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, ConversationMode, FeedbackSessionStatus, WaitlistEntry, WaitlistStatus
from app.sessions.lifecycle import publish_session
from app.stats.queries import Period, dashboard_data
from tests.booking.helpers import active_bookings, book, form_hidden_fields, page_text, snapshot
from tests.helpers import outbox
from tests.mail.helpers import parse_ics

PHONE = "06 1234 5678"


def _only_booking() -> Booking:
    [booking] = active_bookings()
    return booking


def test_a_phone_call_keeps_the_number_and_shows_it_everywhere(english_client, make_session, candidate_en):
    feedback_session = make_session(modes=("on_site", "phone"))
    _, token = candidate_en(name="Sanne de Vries")

    response = book(english_client, token, feedback_session.slots[0].id, mode="phone", phone=f"  {PHONE} ")

    assert response.status_code == 302
    booking = _only_booking()
    assert booking.mode == ConversationMode.PHONE and booking.phone == PHONE
    confirmation = page_text(english_client.get(f"/b/{token}/confirmed"))
    assert f"By phone: the recruiter calls you on {PHONE}" in confirmation
    [mail] = outbox("booking_confirmed")
    assert f"By phone: the recruiter calls you on {PHONE}" in mail.body_text
    _, event = parse_ics(mail.ics)
    assert PHONE in str(event["LOCATION"]) and "Spreekkamer" not in str(event["LOCATION"])


@pytest.mark.parametrize("phone, message", [
    ("", "Please give the phone number the recruiter can call you on."),
    ("call me maybe", "Please give a phone number we can call"),
    ("12345", "Please give a phone number we can call"),
    ("+31 6 1234 5678 9999 0000", "Please give a phone number we can call"),
])
def test_a_phone_call_needs_a_number_that_can_be_called(english_client, make_session, candidate_en, phone, message):
    feedback_session = make_session(modes=("on_site", "phone"))
    _, token = candidate_en()
    before = snapshot()

    response = book(english_client, token, feedback_session.slots[0].id, mode="phone", phone=phone,
                    question="Mijn cv?")

    assert response.status_code == 422
    assert message in page_text(response)
    assert "Mijn cv?" in response.get_data(as_text=True)  # what was typed stays
    assert snapshot() == before


def test_a_number_given_for_another_way_is_not_kept(english_client, make_session, candidate_en):
    feedback_session = make_session(modes=("on_site", "phone"))
    _, token = candidate_en()
    book(english_client, token, feedback_session.slots[0].id, mode="on_site", phone=PHONE)
    booking = _only_booking()
    assert booking.mode == ConversationMode.ON_SITE and booking.phone == ""


def test_a_way_the_day_does_not_offer_is_refused(english_client, make_session, candidate_en):
    feedback_session = make_session()  # on site only
    _, token = candidate_en()

    response = book(english_client, token, feedback_session.slots[0].id, mode="video")

    assert response.status_code == 409
    assert "That feedback hour does not offer this way of talking" in page_text(response)
    assert active_bookings() == []


def test_a_video_call_puts_the_link_in_the_calendar(english_client, make_session, candidate_en):
    feedback_session = make_session(modes=("on_site", "video"), video_url="https://meet.example.org/fb?room=123&pwd=abc")
    _, token = candidate_en()

    book(english_client, token, feedback_session.slots[0].id, mode="video")

    assert _only_booking().mode == ConversationMode.VIDEO
    _, event = parse_ics(outbox("booking_confirmed")[0].ics)
    assert str(event["LOCATION"]) == "https://meet.example.org/fb?room=123&pwd=abc"
    page = english_client.get(f"/b/{token}/confirmed").get_data(as_text=True)
    assert 'href="https://meet.example.org/fb?room=123&amp;pwd=abc"' in page


def test_one_way_offered_needs_no_choice(english_client, make_session, candidate_en):
    feedback_session = make_session()  # on site only
    _, token = candidate_en()
    page = page_text(english_client.get(f"/b/{token}"))
    assert "On site, face to face" in page
    assert 'name="mode"' not in english_client.get(f"/b/{token}").get_data(as_text=True)

    book(english_client, token, feedback_session.slots[0].id)

    assert _only_booking().mode == ConversationMode.ON_SITE


def test_two_hosts_give_two_places_at_each_time(english_client, make_session, make_user, candidate_en):
    anna, bram = make_user(name="Anna Smit"), make_user(name="Bram de Boer")
    feedback_session = make_session(start="16:00", end="16:15", hosts=[anna, bram])
    slot = feedback_session.slots[0]
    tokens = [candidate_en()[1] for _ in range(3)]

    assert book(english_client, tokens[0], slot.id).status_code == 302
    assert [s.id for day in free_slots_by_day(utcnow(), fresh=True) for s in day.slots] == [slot.id]  # one left
    assert book(english_client, tokens[1], slot.id).status_code == 302
    late = book(english_client, tokens[2], slot.id)

    assert {b.host_id for b in active_bookings(slot.id)} == {anna.id, bram.id}
    assert late.status_code == 409 and "All places are taken at the moment" in page_text(late)


def test_bookings_go_to_the_host_with_the_fewest(app, make_session, make_user, make_candidate):
    first, second, third = (make_user() for _ in range(3))
    feedback_session = make_session(start="16:00", end="17:00", hosts=[third, first, second])  # listed by name, not id

    def book_at(index: int) -> Booking:
        candidate, token = make_candidate()
        booking = services.book_slot(candidate, feedback_session.slots[index].id, ["improve"], "", token=token)
        db.session.commit()
        return booking

    bookings = [book_at(i) for i in range(3)]
    assert [b.host_id for b in bookings] == [first.id, second.id, third.id]  # ties by id: stable
    services.cancel_booking(bookings[1], bookings[1].sequence, token="t")
    db.session.commit()
    assert book_at(3).host_id == second.id  # the one who now has the fewest


def test_a_host_busy_at_that_time_is_skipped(app, make_session, make_user, make_candidate):
    anna, bram = make_user(), make_user()
    feedback_session = make_session(start="16:00", end="16:30", hosts=[anna, bram])
    made = []
    for index in (0, 0, 1):
        candidate, token = make_candidate()
        made.append(services.book_slot(candidate, feedback_session.slots[index].id, ["improve"], "", token=token))
        db.session.commit()
    # 16:00 has both; at 16:15 Anna and Bram have one each, so the tie goes to Anna.
    assert [b.host_id for b in made] == [anna.id, bram.id, anna.id]


def test_the_waitlist_is_offered_every_place(app, make_session, make_user, make_candidate):
    hosts = [make_user(), make_user()]
    feedback_session = make_session(start="16:00", end="16:15", hosts=hosts, status=FeedbackSessionStatus.DRAFT)
    for _ in range(3):
        candidate, _ = make_candidate()
        services.join_waitlist(candidate)
    db.session.commit()

    assert publish_session(feedback_session) == 2
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WaitlistEntry)
                             .where(WaitlistEntry.status == WaitlistStatus.OFFERED)) == 2
    assert services.count_free_slots(utcnow()) == 2


def test_the_candidate_sees_the_first_name_and_job_title_of_their_recruiter(
    english_client, make_session, make_user, candidate_en
):
    host = make_user(name="Fatima El Amrani")
    host.job_title = "Senior recruiter nursing"
    db.session.commit()
    feedback_session = make_session(hosts=[host])
    _, token = candidate_en()

    book(english_client, token, feedback_session.slots[0].id)

    page = page_text(english_client.get(f"/b/{token}/confirmed"))
    assert "With Fatima, Senior recruiter nursing" in page
    assert "El Amrani" not in page
    assert "With: Fatima, Senior recruiter nursing" in outbox("booking_confirmed")[0].body_text


def test_without_a_job_title_the_candidate_reads_the_role(english_client, make_session, make_user, candidate_en):
    feedback_session = make_session(hosts=[make_user(name="Joost Bakker")])
    _, token = candidate_en()
    book(english_client, token, feedback_session.slots[0].id)
    assert "With Joost, Recruiter" in page_text(english_client.get(f"/b/{token}"))


def test_topics_and_question_change_without_moving_the_time(english_client, make_session, candidate_en):
    feedback_session = make_session()
    _, token = candidate_en()
    book(english_client, token, feedback_session.slots[1].id, topics=["improve"])
    before = _only_booking()
    page = english_client.get(f"/b/{token}")
    fields = form_hidden_fields(page, "/topics")

    response = english_client.post(f"/b/{token}/topics", data={
        **fields, "topics": ["cv_profile", "other"], "question": "Hoe laat ik mijn stage beter zien?"})

    assert response.status_code == 302
    after = _only_booking()
    assert after.topics == ["cv_profile", "other"] and after.question == "Hoe laat ik mijn stage beter zien?"
    assert (after.slot_id, after.sequence, after.host_id) == (before.slot_id, before.sequence, before.host_id)
    shown = page_text(english_client.get(f"/b/{token}"))
    assert "Saved. The recruiter will prepare for what you chose; your time stays the same." in shown
    assert "CV and online profile" in shown or "My CV and online profile" in shown
    assert len(outbox("booking_rescheduled")) == 0  # the calendar holds neither, so no new invitation


def test_topics_need_at_least_one_and_an_old_page_changes_nothing(english_client, make_session, candidate_en):
    feedback_session = make_session()
    _, token = candidate_en()
    book(english_client, token, feedback_session.slots[0].id)
    fields = form_hidden_fields(english_client.get(f"/b/{token}"), "/topics")
    before = snapshot()

    empty = english_client.post(f"/b/{token}/topics", data={**fields, "question": "Nog iets"})
    assert empty.status_code == 422 and "Please tick at least one subject." in page_text(empty)
    assert "Nog iets" in empty.get_data(as_text=True)
    stale = english_client.post(f"/b/{token}/topics", data={**fields, "sequence": "7", "topics": ["other"]},
                                follow_redirects=True)
    assert "Your booking was changed in the meantime." in page_text(stale)
    assert snapshot() == before


def test_the_reason_for_cancelling_is_counted_without_the_person(english_client, make_session, candidate_en):
    feedback_session = make_session()
    people = [candidate_en() for _ in range(3)]
    for (_, token), slot, reason in zip(
        people, feedback_session.slots[:3], ("found_job", "found_job", ""), strict=True
    ):
        book(english_client, token, slot.id)
        fields = form_hidden_fields(english_client.get(f"/b/{token}/cancel"), "/cancel")
        english_client.post(f"/b/{token}/cancel", data={**fields, "reason": reason})

    assert [b.cancel_reason for b in db.session.scalars(sa.select(Booking).order_by(Booking.id))] == [
        "found_job", "found_job", ""]
    period = Period(utcnow() - timedelta(days=31), utcnow() + timedelta(days=1))
    assert dashboard_data(period).cancel_reasons == {"found_job": 2}
    for candidate, _ in people:
        db.session.delete(db.session.merge(candidate))
    db.session.commit()
    assert dashboard_data(period).cancel_reasons == {"found_job": 2}  # the figure outlives the people


def test_the_cancel_page_offers_the_reasons_and_refuses_an_unknown_one(english_client, make_session, candidate_en):
    feedback_session = make_session()
    _, token = candidate_en()
    book(english_client, token, feedback_session.slots[0].id)
    page = english_client.get(f"/b/{token}/cancel")
    assert "I have found a job" in page_text(page) and "Would you tell us why? (optional)" in page_text(page)

    response = english_client.post(f"/b/{token}/cancel", data={**form_hidden_fields(page, "/cancel"),
                                                                 "reason": "because"}, follow_redirects=True)

    assert "Please choose one of the reasons, or none." in page_text(response)
    assert _only_booking().status == BookingStatus.BOOKED


def test_moving_to_a_day_without_the_chosen_way_is_refused(english_client, make_session, candidate_en):
    phone_day = make_session(days_ahead=10, modes=("phone",))
    on_site_day = make_session(days_ahead=12)
    _, token = candidate_en()
    book(english_client, token, phone_day.slots[0].id, mode="phone", phone=PHONE)
    fields = form_hidden_fields(english_client.get(f"/b/{token}"), "/reschedule")

    response = english_client.post(f"/b/{token}/reschedule", data={**fields, "slot": on_site_day.slots[0].id})

    assert response.status_code == 409
    assert "That day does not offer the way of talking you chose." in page_text(response)
    assert _only_booking().slot_id == phone_day.slots[0].id


def test_the_free_times_count_every_free_place(app, make_session, make_user, make_candidate):
    feedback_session = make_session(start="16:00", end="16:30", hosts=[make_user(), make_user(), make_user()])
    candidate, token = make_candidate()
    services.book_slot(candidate, feedback_session.slots[0].id, ["improve"], "", token=token)
    db.session.commit()

    [day] = free_slots_by_day(utcnow(), fresh=True)

    assert [slot.places for slot in day.slots] == [2, 3]
    assert day.places == 5 == services.count_free_slots(utcnow())


def test_the_confirmation_email_offers_the_calendar_links(english_client, make_session, candidate_en):
    feedback_session = make_session()
    _, token = candidate_en()
    book(english_client, token, feedback_session.slots[0].id)

    [mail] = outbox("booking_confirmed")

    assert "Add it to your calendar:" in mail.body_text
    assert "Google Calendar: https://calendar.google.com/calendar/render?action=TEMPLATE" in mail.body_text
    assert "Outlook: https://outlook.live.com/calendar/0/deeplink/compose?" in mail.body_text
    assert 'href="https://calendar.google.com/calendar/render?' in mail.body_html


def test_the_calendar_links_carry_no_personal_link(english_client, make_session, candidate_en):
    feedback_session = make_session()
    _, token = candidate_en()
    book(english_client, token, feedback_session.slots[0].id)
    page = english_client.get(f"/b/{token}/confirmed").get_data(as_text=True)
    links = re.findall(r'href="(https://(?:calendar\.google|outlook\.live)\.com[^"]*)"', page)
    assert len(links) == 2 and not any(token in link for link in links)
    assert token not in outbox("booking_confirmed")[0].body_text.split("Google Calendar:")[1].split("\n")[0]
