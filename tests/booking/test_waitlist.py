"""A full month offers the waitlist; a place that comes free, or a new session, goes to whoever
waited longest, one person per free place."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.worker import run_scheduled
from app.models import FeedbackSessionStatus, WaitlistEntry, WaitlistStatus
from app.sessions.lifecycle import publish_session
from tests.booking.helpers import book, form_hidden_fields, page_text
from tests.helpers import free_slot_ids, outbox


def _statuses(*candidates) -> list[WaitlistStatus | None]:
    db.session.rollback()
    result = []
    for candidate in candidates:
        entry = db.session.scalar(
            sa.select(WaitlistEntry).where(WaitlistEntry.candidate_id == candidate.id).order_by(WaitlistEntry.id.desc())
        )
        result.append(entry.status if entry else None)
    return result


def _offered_to() -> list[int]:
    return [m.candidate_id for m in outbox("waitlist_offer")]


def _link_path(message) -> str:
    return re.search(r"http://portal\.test(/b/[A-Za-z0-9_-]{43})", message.body_text).group(1)


def test_waitlist_first_come_first_served(english_client, make_session, candidate_en):
    [slot] = make_session(start="16:00", end="16:15").slots
    _, booker = candidate_en()
    book(english_client, booker, slot.id)
    first, first_token = candidate_en()
    second, second_token = candidate_en()

    # The month is full: the page offers the waitlist instead of slots.
    full = english_client.get(f"/b/{first_token}")
    assert free_slot_ids(full.get_data(as_text=True)) == []
    assert "All places are taken at the moment" in page_text(full)
    assert "Put me on the waitlist" in page_text(full)

    joined = english_client.post(f"/b/{first_token}/waitlist", follow_redirects=True)
    assert "You are on the waitlist" in page_text(joined)
    assert "Take me off the waitlist" in page_text(joined)
    english_client.post(f"/b/{first_token}/waitlist")  # joining twice changes nothing
    english_client.post(f"/b/{second_token}/waitlist")
    assert db.session.scalar(sa.select(sa.func.count(WaitlistEntry.id))) == 2
    assert _offered_to() == []

    # The booked candidate cancels: the first in line gets an offer, the second not yet.
    english_client.post(f"/b/{booker}/cancel",
                        data=form_hidden_fields(english_client.get(f"/b/{booker}/cancel"), "/cancel"))

    assert _offered_to() == [first.id]
    assert _statuses(first, second) == [WaitlistStatus.OFFERED, WaitlistStatus.WAITING]
    [offer] = outbox("waitlist_offer")
    assert "A place came free" in offer.subject
    offered_page = english_client.get(_link_path(offer))
    assert offered_page.status_code == 200
    assert free_slot_ids(offered_page.get_data(as_text=True)) == [slot.id]

    # The first one books the place; the second one still waits.
    assert book(english_client, first_token, slot.id).status_code == 302
    assert _statuses(first, second) == [WaitlistStatus.BOOKED, WaitlistStatus.WAITING]

    # A new session is published: its free places are offered to who is still waiting.
    new = make_session(days_ahead=28, start="16:00", end="16:30", status=FeedbackSessionStatus.DRAFT)
    assert _offered_to() == [first.id]  # a draft offers nothing
    publish_session(new)
    db.session.commit()

    assert _offered_to() == [first.id, second.id]
    assert _statuses(second) == [WaitlistStatus.OFFERED]
    assert (set(free_slot_ids(english_client.get(f"/b/{second_token}").get_data(as_text=True)))
            == {s.id for s in new.slots})


def test_publishing_offers_only_as_many_places_as_it_has(english_client, make_session, candidate_en):
    waiting = [candidate_en() for _ in range(3)]
    for _, token in waiting:
        english_client.post(f"/b/{token}/waitlist")
    draft = make_session(start="16:00", end="16:30", status=FeedbackSessionStatus.DRAFT)  # two places

    publish_session(draft)

    assert _offered_to() == [waiting[0][0].id, waiting[1][0].id]
    assert _statuses(waiting[2][0]) == [WaitlistStatus.WAITING]


def test_an_unanswered_offer_passes_to_the_next_in_line(app, english_client, make_session, candidate_en):
    [slot] = make_session(start="16:00", end="16:15").slots
    _, booker = candidate_en()
    book(english_client, booker, slot.id)
    (first, first_token), (second, second_token) = candidate_en(), candidate_en()
    english_client.post(f"/b/{first_token}/waitlist")
    english_client.post(f"/b/{second_token}/waitlist")
    english_client.post(f"/b/{booker}/cancel",
                        data=form_hidden_fields(english_client.get(f"/b/{booker}/cancel"), "/cancel"))
    assert _offered_to() == [first.id]

    run_scheduled(now=utcnow() + timedelta(hours=1))  # the worker, while the offer is fresh
    assert _offered_to() == [first.id]

    run_scheduled(now=utcnow() + timedelta(hours=app.config["WAITLIST_OFFER_HOURS"], minutes=1))
    assert _offered_to() == [first.id, second.id]


def test_leaving_the_waitlist(english_client, make_session, candidate_en):
    [slot] = make_session(start="16:00", end="16:15").slots
    _, booker = candidate_en()
    book(english_client, booker, slot.id)
    candidate, token = candidate_en()
    english_client.post(f"/b/{token}/waitlist")

    left = english_client.post(f"/b/{token}/waitlist/leave", follow_redirects=True)

    assert "You are no longer on the waitlist" in page_text(left)
    assert _statuses(candidate) == [WaitlistStatus.LEFT]
    english_client.post(f"/b/{booker}/cancel",
                        data=form_hidden_fields(english_client.get(f"/b/{booker}/cancel"), "/cancel"))
    assert _offered_to() == []


def test_someone_who_booked_meanwhile_is_told_so_instead_of_joining_the_waitlist(english_client, make_session,
                                                                                candidate_en):
    [slot] = make_session(start="16:00", end="16:15").slots
    candidate, token = candidate_en()
    book(english_client, token, slot.id)  # in another tab, while the full month's page with the button was open

    answer = english_client.post(f"/b/{token}/waitlist", follow_redirects=True)

    assert "You already have a booking. You can move or cancel it below." in page_text(answer)
    assert _statuses(candidate) == [None]
