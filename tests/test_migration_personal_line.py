"""Migration 0014 (the personal line an import brings) on a database with data: candidates and what refers to
them stay (SQLite adds and drops the column in place), and existing candidates have no line."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import utcnow
from app.extensions import db


def test_the_column_comes_and_goes_in_place(empty_database):
    upgrade(revision="0013_booking_modes")
    now = utcnow()
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO candidate (id, ref, name, email, vacancy, department, stage, rejected_on, language, "
            "created_at) VALUES (1, 'r1', 'Noor', 'noor@example.org', 'V', '', 'interview', :day, 'nl', :now)"),
            {"day": now.date(), "now": now})
        connection.execute(sa.text(
            "INSERT INTO invitation (candidate_id, token_hash, nonce, created_at, expires_at) "
            "VALUES (1, 'h', 'n', :now, :now)"), {"now": now})

    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT name, personal_line FROM candidate")).all() == [("Noor", None)]
        assert connection.execute(sa.text("SELECT count(*) FROM invitation")).scalar() == 1

    downgrade(revision="0013_booking_modes")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT name FROM candidate")).scalars().all() == ["Noor"]
        assert connection.execute(sa.text("SELECT count(*) FROM invitation")).scalar() == 1
        columns = {c["name"] for c in sa.inspect(connection).get_columns("candidate")}
        assert "personal_line" not in columns
