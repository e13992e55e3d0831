"""Failure paths: every request is one unit of work (all of it is kept, or none), a write where a request
declared it only reads fails the request, and a database that cannot be reached is answered with a 503 and
recovers on the next request. On the database the suite runs on (SQLite or PostgreSQL)."""

import sqlalchemy as sa

from app import create_app
from app.audit.services import record_audit
from app.database import reads_without_transaction, writes_on_get
from app.extensions import db
from app.models import AuditEntry
from tests.helpers import free_slot_ids
from tests.test_reading_requests import StatementLog

TOKEN_SHAPED = "A" * 43  # looks like a personal link, so the page asks the database


def _probes() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.target_type == "probe"))


def test_an_unmarked_get_that_writes_fails_and_keeps_nothing_in_production(app, client):
    """In production too (not only in tests): a GET that writes without saying so is refused before its
    statement runs, and the request fails instead of committing half of what it meant to do."""
    app.testing = False

    @app.get("/probe/unmarked")
    def unmarked():
        record_audit("export", target_type="probe")
        db.session.flush()
        return "written"

    response = client.get("/probe/unmarked")

    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in response.get_data(as_text=True)
    assert _probes() == 0


def test_a_get_that_writes_and_then_fails_keeps_none_of_its_writes(app, client):
    app.testing = False

    @app.get("/probe/marked")
    @writes_on_get
    def marked():
        record_audit("export", target_type="probe")
        db.session.flush()
        raise RuntimeError("fails after writing")

    assert client.get("/probe/marked").status_code == 500
    assert _probes() == 0


def test_a_form_that_writes_and_then_fails_keeps_none_of_its_writes(app, client):
    app.testing = False

    @app.post("/probe/form")
    def form():
        record_audit("export", target_type="probe")
        db.session.flush()
        record_audit("export", target_type="probe")
        raise RuntimeError("fails halfway")

    assert client.post("/probe/form").status_code == 500
    assert _probes() == 0


def test_what_a_view_did_is_committed_when_it_returns_without_committing_itself(app, client):
    """Services and views flush; the request's edge commits."""

    @app.post("/probe/write")
    def write():
        record_audit("export", target_type="probe")
        return "written"

    assert client.post("/probe/write").get_data(as_text=True) == "written"
    assert _probes() == 1


def test_the_fast_path_refuses_a_write_too(app, client):
    @app.get("/probe/fast")
    @reads_without_transaction
    def fast():
        record_audit("export", target_type="probe")
        db.session.flush()
        return "written"

    app.testing = False
    assert client.get("/probe/fast").status_code == 500
    assert _probes() == 0


def test_a_staff_page_reads_in_one_transaction(app, client, auth):
    """Every request is a transaction by default: a page's statements see one snapshot, not each its own
    (the fast path is the booking page's explicit opt-in, tests/test_reading_requests.py)."""
    auth.login("recruiter")
    log = StatementLog()
    sa.event.listen(db.engine, "before_cursor_execute", log)
    try:
        assert client.get("/recruiter/").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", log)
    assert log.statements and all(log.writing)  # each statement inside the request's transaction


def test_services_never_commit():
    """STYLE.md: services flush and never commit; the edge (a request, a command, the worker) does."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app"
    offenders = [str(path.relative_to(root)) for path in root.glob("*/services.py") if "commit()" in path.read_text()]
    assert offenders == []


# --- the database cannot be reached ------------------------------------------------------------------

def _unreachable(database_url: str, tmp_path) -> str:
    if database_url.startswith("postgresql"):
        return "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"  # nothing listens on port 1
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.sqlite3'}"  # cannot be opened


def test_a_database_that_cannot_be_reached_is_answered_with_503_and_a_friendly_page(database_url, tmp_path):
    from tests.fixtures.app import app_settings

    app = create_app({**app_settings(_unreachable(database_url, tmp_path), tmp_path), "TESTING": False})
    client = app.test_client()

    response = client.get(f"/b/{TOKEN_SHAPED}")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    text = response.get_data(as_text=True)
    assert "Het portaal is even niet bereikbaar" in text and "Er is niets veranderd" in text
    assert "Traceback" not in text
    english = client.get(f"/b/{TOKEN_SHAPED}", headers={"Accept-Language": "en"})
    assert english.status_code == 503


def _break_pooled_connections(app) -> None:
    """Behind the pool's back, as when the database server restarts: every connection in the pool is
    dead, and the pool does not know."""
    if db.engine.dialect.name == "postgresql":
        with sa.create_engine(db.engine.url).connect() as admin:
            admin.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND datname = current_database() AND application_name = :name"),
                {"name": app.config["probe_application_name"]})
    else:
        for record in list(db.engine.pool._pool.queue):
            record.dbapi_connection.close()


def test_a_page_whose_pooled_connection_broke_is_read_again_on_a_fresh_one(
    app, client, make_session, make_candidate, monkeypatch
):
    """The first request after the database restarted gets its page, read on a new connection; no ping
    before every request is needed for that (app/database.py pings only after a pause)."""
    make_session()
    _, token = make_candidate()
    _tag_connections(app)
    db.session.remove()
    db.engine.dispose()
    for _ in range(2):  # the pool now holds the connections the pages use
        assert client.get(f"/b/{token}").status_code == 200
        assert client.get("/recruiter/").status_code in (200, 302)
    _break_pooled_connections(app)

    response = client.get(f"/b/{token}")

    assert response.status_code == 200
    assert free_slot_ids(response.get_data(as_text=True))


def test_a_form_whose_connection_broke_is_not_sent_twice_but_answered_with_503(
    app, client, make_session, make_candidate
):
    """A request that writes is never repeated behind the visitor's back; nothing of it is kept."""
    app.testing = False
    slot_id = make_session().slots[0].id
    _, token = make_candidate()
    _tag_connections(app)
    db.session.remove()
    db.engine.dispose()
    assert client.get(f"/b/{token}").status_code == 200
    _break_pooled_connections(app)

    response = client.post(f"/b/{token}/book", data={"slot": slot_id, "topics": ["improve"]})

    assert response.status_code == 503
    assert response.headers["Retry-After"]
    # The next request works again, and shows that nothing was booked.
    again = client.get(f"/b/{token}")
    assert again.status_code == 200 and slot_id in free_slot_ids(again.get_data(as_text=True))


def _tag_connections(app) -> None:
    """On PostgreSQL, name this test's connections so that only they are terminated."""
    if db.engine.dialect.name != "postgresql":
        return
    name = f"probe{id(app)}"
    app.config["probe_application_name"] = name

    @sa.event.listens_for(db.engine, "connect")
    def _name(dbapi_connection, record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET application_name = '{name}'")
        dbapi_connection.commit()
