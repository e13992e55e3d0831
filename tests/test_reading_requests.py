"""Requests that only read, on the database the suite runs on: a page (GET) reads outside a write
transaction (in autocommit: on PostgreSQL without BEGIN and ROLLBACK, on SQLite without the write lock),
a booking reads first and writes in one transaction only when its time still looks free, a GET that writes
must be marked, and pooled connections are pinged after a pause. tests/test_sqlite_reads.py has the
SQLite-only part: reading while another connection holds the write lock."""

import re

import pytest
import sqlalchemy as sa

from app.audit.services import record_audit
from app.database import WriteInReadOnlyRequest, writes_on_get
from app.extensions import db
from app.models import AuditEntry
from tests.helpers import free_slot_ids


class StatementLog:
    """For every statement the app sends during a request: was its connection inside a transaction
    that may write?"""

    def __init__(self):
        self.writing: list[bool] = []
        self.statements: list[str] = []
        self.transactions = 0  # begun on a connection of the engine

    def __call__(self, connection, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            return
        dbapi = connection.connection.dbapi_connection
        if connection.dialect.name == "postgresql":
            self.writing.append(not dbapi.autocommit)
        else:  # SQLite, the driver's own transaction handling off: in one only after BEGIN IMMEDIATE
            self.writing.append(dbapi.in_transaction)
        self.statements.append(statement.split()[0].upper())

    def begun(self, connection) -> None:
        self.transactions += 1

    def clear(self) -> None:
        self.writing.clear()
        self.statements.clear()
        self.transactions = 0


@pytest.fixture
def statements(app):
    log = StatementLog()
    sa.event.listen(db.engine, "before_cursor_execute", log)
    sa.event.listen(db.engine, "begin", log.begun)
    yield log
    sa.event.remove(db.engine, "before_cursor_execute", log)
    sa.event.remove(db.engine, "begin", log.begun)


def test_the_booking_page_reads_outside_a_write_transaction(client, make_session, make_candidate, statements):
    make_session()
    _, token = make_candidate()
    statements.clear()

    assert client.get(f"/b/{token}").status_code == 200

    assert statements.writing and not any(statements.writing)


def test_a_booking_reads_first_and_then_writes_in_one_transaction(client, make_session, make_candidate, statements):
    slot_id = make_session().slots[0].id
    _, token = make_candidate()
    statements.clear()

    response = client.post(f"/b/{token}/book", data={"slot": slot_id, "topics": ["improve"]})

    assert response.status_code == 302
    first_write = statements.writing.index(True)
    assert statements.statements[:first_write] and set(statements.statements[:first_write]) == {"SELECT"}
    assert all(statements.writing[first_write:])
    assert "INSERT" in statements.statements[first_write:]


def test_a_booking_too_late_for_its_time_never_starts_to_write(client, make_session, make_candidate, statements):
    slot_id = make_session().slots[0].id
    _, anna = make_candidate()
    _, bram = make_candidate()
    assert client.post(f"/b/{anna}/book", data={"slot": slot_id, "topics": ["improve"]}).status_code == 302
    statements.clear()

    response = client.post(f"/b/{bram}/book", data={"slot": slot_id, "topics": ["improve"]})

    assert response.status_code == 409
    assert statements.writing and not any(statements.writing)


def test_a_connection_lent_to_a_page_writes_in_a_transaction_again(client, make_session, make_candidate, statements):
    """The pool lends the same connection to the next request: reading must not stay switched on."""
    slot_id = make_session().slots[1].id
    _, anna = make_candidate()
    _, bram = make_candidate()
    for _ in range(3):
        assert client.get(f"/b/{anna}").status_code == 200
    statements.clear()

    response = client.post(f"/b/{bram}/book", data={"slot": slot_id, "topics": ["improve"]})

    assert response.status_code == 302
    assert "INSERT" in statements.statements
    pairs = zip(statements.writing, statements.statements, strict=True)
    assert all(writing for writing, kind in pairs if kind != "SELECT")


def test_a_get_that_writes_must_be_marked(app, client):
    @app.get("/probe/unmarked")
    def unmarked():
        record_audit("export", target_type="probe")
        db.session.commit()
        return "written"

    @app.get("/probe/marked")
    @writes_on_get
    def marked():
        record_audit("export", target_type="probe")
        db.session.commit()
        return "written"

    @app.errorhandler(WriteInReadOnlyRequest)
    def refused(error):
        return str(error), 500

    response = client.get("/probe/unmarked")
    assert response.status_code == 500
    assert "GET /probe/unmarked" in response.get_data(as_text=True)
    assert client.get("/probe/marked").get_data(as_text=True) == "written"
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.target_type == "probe")) == 1


# --- pooled connections: pinged after a pause, not at every request ----------------------------------

class Clock:
    """time.monotonic for app/database.py, moved forward by hand."""

    def __init__(self):
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("app.database.time.monotonic", clock)
    return clock


def _ping_count(monkeypatch) -> list[int]:
    calls = []
    real = db.engine.dialect.do_ping

    def ping(dbapi_connection):
        calls.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", ping)
    return calls


def test_a_connection_in_steady_use_is_lent_without_a_ping(client, make_session, make_candidate, clock, monkeypatch):
    make_session()
    _, token = make_candidate()
    pings = _ping_count(monkeypatch)

    for _ in range(5):
        clock.now += 1
        assert client.get(f"/b/{token}").status_code == 200

    assert pings == []


def test_a_connection_that_waited_is_pinged_first(client, make_session, make_candidate, clock, monkeypatch):
    make_session()
    _, token = make_candidate()
    client.get(f"/b/{token}")
    pings = _ping_count(monkeypatch)

    clock.now += 60  # a quiet minute
    assert client.get(f"/b/{token}").status_code == 200

    assert len(pings) >= 1


def test_a_connection_that_broke_while_it_waited_is_replaced_without_an_error(
    app, client, make_session, make_candidate, clock
):
    make_session()
    _, token = make_candidate()
    db.session.rollback()
    db.engine.dispose()
    client.get(f"/b/{token}")  # the pool now holds one connection
    with db.engine.connect() as connection:
        driver_connection = connection.connection.dbapi_connection
    # Behind the pool's back, as when the database server restarts or something in between drops it.
    driver_connection.close()

    clock.now += 60
    response = client.get(f"/b/{token}")

    assert response.status_code == 200
    assert free_slot_ids(response.get_data(as_text=True))


def test_a_first_visit_to_the_booking_page_takes_one_statement(client, make_session, make_candidate, statements):
    """When the rejection e-mails have just gone out, everyone opens this page: the link with what the
    page shows of its candidate is one statement, and the free times are those the process read less
    than FREE_SLOTS_FRESH_SECONDS ago."""
    make_session()
    _, anna = make_candidate()
    _, bram = make_candidate()
    client.get(f"/b/{anna}")
    statements.clear()

    response = client.get(f"/b/{bram}")

    assert response.status_code == 200 and free_slot_ids(response.get_data(as_text=True))
    assert statements.statements == ["SELECT"]


def test_a_request_that_writes_reads_the_link_in_its_own_transaction(client, make_session, make_candidate, statements):
    """Only a request that reads takes a connection of its own for the link; one that writes reads it
    in the transaction it writes in, so that what it decides on is what that transaction sees."""
    first, second = (slot.id for slot in make_session().slots[:2])
    _, token = make_candidate()
    assert client.post(f"/b/{token}/book", data={"slot": first, "topics": ["improve"]}).status_code == 302
    page = client.get(f"/b/{token}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(booking|sequence)" type="hidden" value="(\d+)"', page))
    statements.clear()

    response = client.post(f"/b/{token}/reschedule", data={**fields, "slot": second})

    assert response.status_code == 302
    assert statements.statements[0] == "SELECT" and "UPDATE" in statements.statements
    assert all(statements.writing)
    assert statements.transactions == 1
