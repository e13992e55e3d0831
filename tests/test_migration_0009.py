"""Migration 0009 renames the feedback hour's columns and host table: every row, link between rows and
roll-up figure stays, on SQLite and PostgreSQL, and the way back restores the old names."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import utcnow
from app.extensions import db

BEFORE = "0007_integrations"


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def _fill_at_revision_0007(connection, now):
    run = lambda sql, **values: connection.execute(sa.text(sql), values)  # noqa: E731
    run("INSERT INTO user_account (id, email, name, password_hash, role, active, session_version, created_at) "
        "VALUES (1, 'r@example.org', 'R', 'x', 'recruiter', :yes, 0, :now)", yes=True, now=now)
    run("INSERT INTO feedback_session (id, starts_at, ends_at, slot_minutes, breaks, location, video_url, status, "
        "created_at, updated_at) VALUES (7, :start, :end, 15, '[]', 'Kamer 1', '', 'published', :now, :now)",
        start=now + timedelta(days=3), end=now + timedelta(days=3, hours=1), now=now)
    run("INSERT INTO session_host (session_id, user_id) VALUES (7, 1)")
    run("INSERT INTO slot (id, session_id, starts_at, ends_at) VALUES (70, 7, :start, :end)",
        start=now + timedelta(days=3), end=now + timedelta(days=3, minutes=15))
    run("INSERT INTO event (kind, occurred_at, candidate_ref, department, vacancy, stage, reason, session_id) "
        "VALUES ('attended', :now, 'ref1', '', 'V', 'interview', '', 7)", now=now)
    run("INSERT INTO stat_month (month, kind, dimension, dim_value, people, value_sum, value_n) "
        "VALUES (:month, 'attended', 'session', '7', 1, 15, 1)", month=date.today().replace(day=1))


def test_the_rename_keeps_every_row_and_goes_back(empty_database):
    upgrade(revision=BEFORE)
    with db.engine.begin() as connection:
        _fill_at_revision_0007(connection, utcnow())

    upgrade(revision="0009_feedback_session_names")
    with db.engine.connect() as connection:
        one = lambda sql: connection.execute(sa.text(sql)).all()  # noqa: E731
        assert one("SELECT feedback_session_id, user_id FROM feedback_session_host") == [(7, 1)]
        assert one("SELECT id, feedback_session_id FROM slot") == [(70, 7)]
        assert one("SELECT feedback_session_id FROM event") == [(7,)]
        assert one("SELECT dimension, dim_value FROM stat_month") == [("feedback_session", "7")]
    assert "session_host" not in sa.inspect(db.engine).get_table_names()
    assert "session_id" not in _columns("slot") | _columns("event")
    # The foreign key still guards the slot: deleting the hour takes its slots and hosts with it.
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            connection.execute(sa.text("PRAGMA foreign_keys=ON"))
        connection.execute(sa.text("DELETE FROM feedback_session WHERE id = 7"))
        assert connection.execute(sa.text("SELECT count(*) FROM slot")).scalar() == 0
        assert connection.execute(sa.text("SELECT count(*) FROM feedback_session_host")).scalar() == 0
        connection.execute(sa.text("UPDATE stat_month SET people = 2"))

    db.session.remove()
    downgrade(revision=BEFORE)
    assert {"session_id", "user_id"} == _columns("session_host")
    assert "session_id" in _columns("slot") and "session_id" in _columns("event")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT dimension, people FROM stat_month")).all() == [("session", 2)]
    upgrade()
