"""Two recruiters save the same call at the same instant (a shared call list, a double click): the database
keeps one reached call, the candidate gets the link to the feedback hour once, and the other recruiter reads
that the call is recorded already."""

import threading

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import CallOutcome, CallRecord
from app.timeutil import local
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import outbox, page_text, set_english

RACERS = 6


def test_recruiters_saving_the_same_call_at_once_record_it_once(app, make_candidate, make_user):
    candidate, _ = make_candidate(rejected_on=local(utcnow()).date(), language="en")
    clients = []
    for _ in range(RACERS):
        client = app.test_client()
        assert client.post("/login", data={"email": make_user("recruiter").email,
                                           "password": STAFF_PASSWORD}).status_code == 302
        set_english(client)
        clients.append(client)
    url = f"/recruiter/calls/{candidate.id}"
    data = {"outcome": "reached", "points": "Your handover example was concrete.", "wants_feedback_hour": "y"}
    db.session.rollback()  # the test's own session holds no transaction (on SQLite: no lock) while they race
    barrier = threading.Barrier(RACERS, timeout=30)
    results: list = [None] * RACERS

    def run(i: int) -> None:
        try:
            barrier.wait()
            response = clients[i].post(url, data=data)
            results[i] = (response.status_code, page_text(response))
        except Exception as exc:  # reported below rather than a silent thread death
            results[i] = (0, repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"

    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [409] * (RACERS - 1), results
    for status, text in results:
        if status == 409:
            assert "This candidate has been reached already" in text
    db.session.rollback()
    reached = db.session.scalars(sa.select(CallRecord).where(CallRecord.outcome == CallOutcome.REACHED)).all()
    assert len(reached) == 1
    assert len(outbox("rejection")) == 1
