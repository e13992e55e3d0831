"""Engine set-up and column types shared by the models."""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000


class UTCDateTime(sa.types.TypeDecorator):
    """A moment in time, stored as naive UTC and always handed back timezone-aware (UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware datetimes only")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def configure_engine(app: Flask) -> None:
    """On SQLite: WAL, a busy timeout and BEGIN IMMEDIATE, so that concurrent writers wait in turn.

    This is the pysqlite recipe from SQLAlchemy's documentation: the driver's own transaction
    handling is switched off and every transaction starts with BEGIN IMMEDIATE, which takes the
    write lock up front instead of failing halfway when two transactions both want to write.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, connection_record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(sa.orm.Session, "before_flush")
def _drop_nul_characters(session, flush_context, instances) -> None:
    """PostgreSQL refuses text with a NUL character (SQLite stores it): no typed text ever needs one,
    so it is dropped from every string before it reaches the database."""
    for obj in list(session.new) + list(session.dirty):
        state = sa.inspect(obj)
        for attr in state.mapper.column_attrs:
            value = getattr(obj, attr.key, None)
            if isinstance(value, str) and "\x00" in value:
                setattr(obj, attr.key, value.replace("\x00", ""))
