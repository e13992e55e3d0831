"""Two mail workers at once never send an e-mail twice; a worker that dies mid-send loses nothing."""

import threading
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.worker import LEASE, claim_due, send_due
from app.models import OutboxMessage, OutboxStatus
from tests.mail.helpers import queue_messages


def test_two_workers_deliver_every_message_exactly_once(app, smtp_server, make_candidate):
    queue_messages(make_candidate, 60)
    db.session.remove()  # the workers use their own sessions and connections
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                send_due(batch=5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    subjects = Counter(str(message["Subject"]) for message in smtp_server.messages)
    assert len(subjects) == 60
    assert max(subjects.values()) == 1, [s for s, n in subjects.items() if n > 1]
    statuses = set(db.session.scalars(sa.select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


def test_a_worker_killed_after_claiming_loses_nothing(app, smtp_server, make_candidate):
    queue_messages(make_candidate, 3)
    now = utcnow()
    claimed = claim_due(now, 10)  # this worker "dies" here: leased, never sent
    assert len(claimed) == 3
    assert send_due(now=now + timedelta(minutes=1)).sent == 0  # the lease still protects the rows
    report = send_due(now=now + LEASE + timedelta(seconds=1))  # the lease has run out: another worker sends
    assert report.sent == 3
    assert len(smtp_server.messages) == 3
