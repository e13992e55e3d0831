"""Engine set-up and column types shared by the models."""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
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


def writes_on_get(view):
    """Mark a view that writes to the database on GET (an audit line when notes are viewed, say). Other GET
    and HEAD requests only read, and on SQLite they read without taking the write lock."""
    view.writes_on_get = True
    return view


class WriteInReadOnlyRequest(RuntimeError):
    """A GET request wrote to the database without its view being marked ``@writes_on_get``."""


def _mark_read_only_requests() -> None:
    """``before_request``: a GET or HEAD request only reads unless its view is marked ``@writes_on_get``.
    Code that runs outside a dispatched request (commands, the worker, a test_request_context) may write."""
    view = current_app.view_functions.get(request.endpoint or "")
    g.reads_only = request.method in ("GET", "HEAD") and not getattr(view, "writes_on_get", False)


def _reads_only() -> bool:
    return has_request_context() and g.get("reads_only", False)


def only_reads_from_here() -> None:
    """End the current transaction, unsaved; the rest of this request only reads (on SQLite: without
    holding the write lock). For a request that could not write and now shows a page instead, such as a
    booking that lost the race for its slot while hundreds of others are trying too."""
    db.session.rollback()
    if has_request_context():
        g.reads_only = True


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def configure_engine(app: Flask) -> None:
    """On SQLite: WAL, a busy timeout, and transactions that say up front whether they will write.

    This is the pysqlite recipe from SQLAlchemy's documentation: the driver's own transaction handling
    is switched off and a transaction that may write starts with BEGIN IMMEDIATE, which takes the write
    lock up front instead of failing halfway when two transactions both want to write. A GET or HEAD
    request only reads (unless its view is marked ``@writes_on_get``): it starts with a plain BEGIN, which
    reads from a snapshot and takes no lock, so that many workers can show pages at once while one
    writes. A write in such a transaction could not wait its turn; it is refused in tests, so that a
    view that writes on GET is found and marked, and logged elsewhere.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    app.before_request(_mark_read_only_requests)
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
            reading = _reads_only()
            connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
            connection.info["reads_only"] = reading

        @event.listens_for(engine, "before_cursor_execute")
        def _no_write_without_the_lock(connection, cursor, statement, parameters, context, executemany):
            if connection.info.get("reads_only") and statement.lstrip()[:7].upper().startswith(_WRITES):
                where = f"{request.method} {request.path} ({request.endpoint})" if has_request_context() else "?"
                message = f"{where} writes in a read-only transaction; mark its view with @writes_on_get"
                if current_app.testing:
                    raise WriteInReadOnlyRequest(message)
                current_app.logger.warning(message)


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
