"""Configuration: settings from the environment, the schema from the migrations."""

import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db


def test_settings_come_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_BOOKING_CLOSES_HOURS", "48")
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["BOOKING_CLOSES_HOURS"] == 48
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite3")


def test_production_without_secret_key_refuses_to_start(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEPLOYMENT", "production")
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app()


def test_production_hardens_the_session_cookie(monkeypatch):
    monkeypatch.setenv("FLASK_DEPLOYMENT", "production")
    app = create_app({"SECRET_KEY": "x" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"


def test_development_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEPLOYMENT", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert first == second and len(first) == 64


def test_models_and_migrations_agree(app):
    """Autogenerate against the migrated database finds nothing to do (an index declared for the other
    database only, pg_trgm's, is none of this one's). SQLite's reflection leaves out the indexes on an
    expression (``lower(email)``, migration 0014), and so does the comparison there: they are checked by name
    and definition from SQLite's catalogue instead. PostgreSQL compares them."""
    from app.models import on_this_database

    with db.engine.connect() as connection, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": on_this_database(connection.dialect.name)})
        diff = compare_metadata(context, db.metadata)
        if connection.dialect.name == "sqlite":
            made = dict(connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").all())
            for table in db.metadata.tables.values():
                for index in table.indexes:
                    if any(not isinstance(e, sa.Column) for e in index.expressions):
                        declared = str(sa.schema.CreateIndex(index).compile(dialect=connection.dialect))
                        assert " ".join(made.get(index.name, "").split()) == " ".join(declared.split())
    assert diff == []


def test_database_is_set_up_for_concurrent_writers(app):
    """SQLite: WAL and a busy timeout so writers wait in turn; PostgreSQL needs neither."""
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        else:
            assert db.engine.dialect.name == "postgresql"
            assert connection.exec_driver_sql("SHOW server_version_num").scalar() >= "130000"


def test_sessions_survive_a_key_rotation_and_not_a_key_change(app):
    """The session cookie's signer is kept per key (app/security.py): a new key with the old one as a
    fallback still reads the cookies already out there, and a new key without it does not."""
    from flask import session

    @app.get("/probe/session/<value>")
    def remember(value):
        session["probe"] = value
        return "kept"

    @app.get("/probe/session")
    def recall():
        return session.get("probe", "nothing")

    client = app.test_client()
    assert client.get("/probe/session/sanne").get_data(as_text=True) == "kept"
    assert client.get("/probe/session").get_data(as_text=True) == "sanne"

    old = app.secret_key
    app.config.update(SECRET_KEY="rotated-key", SECRET_KEY_FALLBACKS=[old])
    assert client.get("/probe/session").get_data(as_text=True) == "sanne"

    app.config.update(SECRET_KEY="another-key", SECRET_KEY_FALLBACKS=[])
    assert client.get("/probe/session").get_data(as_text=True) == "nothing"
