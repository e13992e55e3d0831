"""One reminder, the day before the conversation: not earlier, not twice, not after cancelling."""

import re
from datetime import time, timedelta

from app.booking.services import queue_reminders
from app.extensions import db
from app.mail.worker import run_scheduled
from app.timeutil import from_local, local
from tests.booking.helpers import book, form_hidden_fields, page_text
from tests.helpers import outbox


def _on_local_day(moment, days_before: int, clock: time):
    return from_local(local(moment).date() - timedelta(days=days_before), clock)


def _queue(now) -> int:
    queued = queue_reminders(now=now)
    db.session.commit()
    return queued


def test_exactly_one_reminder_the_day_before(english_client, make_session, candidate_en):
    slot = make_session(days_ahead=14, start="16:00", end="16:30").slots[0]
    candidate, token = candidate_en(name="Sanne de Vries")
    book(english_client, token, slot.id)

    assert _queue(_on_local_day(slot.starts_at, 3, time(10, 0))) == 0
    assert _queue(_on_local_day(slot.starts_at, 2, time(10, 0))) == 0
    assert _queue(_on_local_day(slot.starts_at, 1, time(8, 0))) == 0
    assert outbox("booking_reminder") == []

    assert _queue(_on_local_day(slot.starts_at, 1, time(10, 0))) == 1
    assert _queue(_on_local_day(slot.starts_at, 1, time(11, 0))) == 0
    run_scheduled(now=_on_local_day(slot.starts_at, 1, time(12, 0)))  # the worker's round, too

    [reminder] = outbox("booking_reminder")
    assert reminder.candidate_id == candidate.id
    assert reminder.subject == "Tomorrow: your feedback conversation"
    assert "16:00" in reminder.body_text
    path = re.search(r"http://portal\.test(/b/[A-Za-z0-9_-]{43})", reminder.body_text).group(1)
    assert "16:00 – 16:15" in page_text(english_client.get(path))  # the link in the reminder shows the booking


def test_no_reminder_for_a_cancelled_booking(english_client, make_session, candidate_en):
    slot = make_session(days_ahead=14).slots[0]
    _, token = candidate_en()
    book(english_client, token, slot.id)
    english_client.post(f"/b/{token}/cancel",
                        data=form_hidden_fields(english_client.get(f"/b/{token}/cancel"), "/cancel"))

    assert _queue(_on_local_day(slot.starts_at, 1, time(10, 0))) == 0
    assert outbox("booking_reminder") == []


def test_each_booking_gets_its_own_reminder_on_its_own_day(english_client, make_session, candidate_en):
    early = make_session(days_ahead=14).slots[0]
    late = make_session(days_ahead=15).slots[0]
    (first, first_token), (second, second_token) = candidate_en(), candidate_en()
    book(english_client, first_token, early.id)
    book(english_client, second_token, late.id)

    assert _queue(_on_local_day(early.starts_at, 1, time(10, 0))) == 1
    assert [m.candidate_id for m in outbox("booking_reminder")] == [first.id]
    assert _queue(_on_local_day(late.starts_at, 1, time(10, 0))) == 1
    assert [m.candidate_id for m in outbox("booking_reminder")] == [first.id, second.id]
