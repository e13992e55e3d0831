"""The embedded SQLite database: pages (GET) read without a transaction and without the write lock, so that many
workers can show the booking page while one books; a GET that writes must say so. These tests run on
SQLite of their own in every run, since SQLite is the default whatever database the suite uses."""

import sqlite3
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.audit.services import record_audit
from app.database import WriteInReadOnlyRequest, utcnow, writes_on_get
from app.extensions import db
from app.models import AuditEntry, Candidate, SessionStatus, Stage
from app.sessions.services import create_session
from app.tokens import issue_invitation


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "portal.sqlite3"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
        "MAIL_FOLDER": str(tmp_path / "mail"), "PORTAL_URL": "http://portal.test",
    })
    with app.app_context():
        upgrade()
        create_session(day=date.today() + timedelta(days=14), start=time(16), end=time(17), slot_minutes=15,
                       location="Spreekkamer 3", status=SessionStatus.PUBLISHED)
        candidate = Candidate(name="Anna de Vries", email="anna@example.org", vacancy="Verpleegkundige",
                              stage=Stage.INTERVIEW, rejected_on=date.today(), language="en", invited_at=utcnow())
        db.session.add(candidate)
        db.session.flush()
        app.config["test_token"] = issue_invitation(candidate)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    app.config["test_path"] = path
    return app


def test_the_booking_page_answers_while_another_connection_holds_the_write_lock(sqlite_app):
    token = sqlite_app.config["test_token"]
    writer = sqlite3.connect(sqlite_app.config["test_path"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # e.g. a worker in the middle of a booking
    writer.execute("UPDATE candidate SET name = name")
    try:
        page = sqlite_app.test_client().get(f"/b/{token}")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert page.status_code == 200
    assert "Book this conversation" in page.get_data(as_text=True)


def test_a_get_that_writes_must_be_marked(sqlite_app):
    @sqlite_app.get("/probe/unmarked")
    def unmarked():
        record_audit("export", target_type="probe")
        db.session.commit()
        return "written"

    @sqlite_app.get("/probe/marked")
    @writes_on_get
    def marked():
        record_audit("export", target_type="probe")
        db.session.commit()
        return "written"

    @sqlite_app.errorhandler(WriteInReadOnlyRequest)
    def refused(error):
        return str(error), 500

    client = sqlite_app.test_client()
    response = client.get("/probe/unmarked")
    assert response.status_code == 500
    assert "GET /probe/unmarked" in response.get_data(as_text=True)
    assert "@writes_on_get" in response.get_data(as_text=True)
    assert client.get("/probe/marked").get_data(as_text=True) == "written"
    with sqlite_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.target_type == "probe")) == 1
        db.engine.dispose()
