"""The embedded SQLite database: pages (GET) read without a transaction and without the write lock, so
that many workers can show the booking page while one books. These tests run on SQLite of their own in
every run, since SQLite is the default whatever database the suite uses; tests/test_reading_requests.py
checks the rest (a GET that writes must say so) on the suite's database."""

import sqlite3
from datetime import date, time, timedelta

import pytest
from flask_migrate import upgrade

from app import create_app
from app.database import utcnow
from app.extensions import db
from app.models import Candidate, FeedbackSessionStatus, Stage
from app.sessions.planning import create_session
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
                       location="Spreekkamer 3", status=FeedbackSessionStatus.PUBLISHED)
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
