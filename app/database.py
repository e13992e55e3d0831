"""Engine set-up, the ORM session, and column types shared by the models."""

import contextlib
import functools
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import flask_sqlalchemy.session
import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event

SQLITE_BUSY_TIMEOUT_MS = 15_000
# A pooled connection that has waited this long is checked before it is lent out again (see configure_engine).
PING_AFTER_IDLE_SECONDS = 10.0


class UTCDateTime(sa.types.TypeDecorator):
    """A moment in time, stored as naive UTC and always handed back timezone-aware (UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def writes_on_get(view):
    """Mark a view that writes to the database on GET (an audit line when notes are viewed, say). Other GET
    and HEAD requests only read, and on SQLite they read without taking the write lock."""
    view.writes_on_get = True
    return view


def reads_first(view):
    """Mark a view that sends a form but mostly only reads: it starts like a page, outside a write
    transaction, and calls ``writes_from_here()`` once it knows it will write. For the booking form,
    which many send at once for the same few times: whoever is too late is told so without queueing for
    the write lock (SQLite) or for the winner's row (PostgreSQL)."""
    view.reads_first = True
    return view


class WriteInReadOnlyRequest(RuntimeError):
    """A request wrote to the database while it only reads: a GET whose view is not marked
    ``@writes_on_get``, or a ``@reads_first`` view before ``writes_from_here()``."""


def _mark_read_only_requests() -> None:
    """``before_request``: a GET or HEAD request only reads unless its view is marked ``@writes_on_get``;
    a view marked ``@reads_first`` reads until it says otherwise. Code that runs outside a dispatched
    request (commands, the worker, a test_request_context) may write."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in ("GET", "HEAD"):
        g.reads_only = not getattr(view, "writes_on_get", False)
    else:
        g.reads_only = getattr(view, "reads_first", False)


def _reads_only() -> bool:
    return has_request_context() and g.get("reads_only", False)


def only_reads_from_here() -> None:
    """End the current transaction, unsaved; the rest of this request only reads (on SQLite: without
    holding the write lock). For a request that could not write and now shows a page instead, such as a
    booking that lost the race for its slot while hundreds of others are trying too."""
    current_app.extensions["sqlalchemy"].session.rollback()
    if has_request_context():
        g.reads_only = True


def writes_from_here() -> None:
    """End the reading part of a ``@reads_first`` view: what it loaded is read again, as needed, in the
    transaction that writes, which starts now (on SQLite with the write lock)."""
    current_app.extensions["sqlalchemy"].session.rollback()
    g.reads_only = False


class Session(flask_sqlalchemy.session.Session):
    """The ORM session. A request that only reads runs its statements without a transaction
    (autocommit): each statement reads what is committed when it runs. On PostgreSQL this saves the two
    round trips of BEGIN and ROLLBACK, and is arranged here; on SQLite, where the driver's own
    transaction handling is off, it takes only not beginning one (the ``begin`` event below)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is None and isinstance(engine, sa.Engine) and _reads_only():
            return _for_reading(engine)
        return engine


def _for_reading(engine: sa.Engine) -> sa.Engine:
    """``engine`` as a request that only reads uses it: on PostgreSQL in autocommit, on SQLite as it is
    (a reading request begins no transaction there, see ``configure_engine``)."""
    return _without_transaction(engine) if engine.dialect.name == "postgresql" else engine


@functools.lru_cache(maxsize=8)
def _without_transaction(engine: sa.Engine) -> sa.Engine:
    """The same engine and connection pool, its connections in autocommit while they are lent out."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextlib.contextmanager
def connection_for_reads() -> Iterator[sa.Connection]:
    """A connection for Core statements that read. In a request that only reads (and outside a request)
    one of the pool's, as the ORM session would use (in autocommit on PostgreSQL), without the session's
    bookkeeping around it: for the personal link, which every page reached through one reads first, and
    often needs nothing else. In a request that writes, the session's own, in its transaction."""
    sqlalchemy = current_app.extensions["sqlalchemy"]
    if not _reads_only():
        yield sqlalchemy.session.connection()
        return
    with _for_reading(sqlalchemy.engine).connect() as connection:  # no Session made only to ask it this
        yield connection


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def configure_engine(app: Flask) -> None:
    """Requests that only read, on both databases, and on SQLite: WAL, a busy timeout, and transactions
    that say up front whether they will write.

    A GET or HEAD request only reads (unless its view is marked ``@writes_on_get``), and runs its
    statements without a transaction (``Session`` above). On SQLite this follows the pysqlite recipe
    from SQLAlchemy's documentation: the driver's own transaction handling is switched off and a
    transaction that may write starts with BEGIN IMMEDIATE, which takes the write lock up front instead of
    failing halfway when two transactions both want to write; a request that only reads begins no
    transaction, so each of its statements reads what is committed (WAL: without waiting for a writer)
    and no lock is held between them, and many workers show pages at once while one writes. A write in a
    request that only reads would not be one transaction; it is refused in tests, so that a view that
    writes on GET is found and marked, and logged elsewhere.
    """
    app.before_request(_mark_read_only_requests)
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        reading = _reads_only()
        if sqlite and not reading:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.info["reads_only"] = reading

    @event.listens_for(engine, "checkin")
    def _note_return(dbapi_connection, connection_record):
        connection_record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_after_a_pause(dbapi_connection, connection_record, connection_proxy):
        """A connection that waited in the pool may have been closed by the database server (a restart)
        or by something in between: it answers a ping first, and the pool replaces it if it cannot. A
        connection in steady use is lent out without one, which saves the busiest pages a round trip
        (SQLAlchemy's pool_pre_ping would ping at every checkout)."""
        returned = connection_record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError("the pooled connection no longer answers") from exc

    @event.listens_for(engine, "before_cursor_execute")
    def _no_write_in_a_reading_request(connection, cursor, statement, parameters, context, executemany):
        if connection.info.get("reads_only") and statement.lstrip()[:7].upper().startswith(_WRITES):
            where = f"{request.method} {request.path} ({request.endpoint})" if has_request_context() else "?"
            message = f"{where} writes in a request that only reads; mark its view with @writes_on_get"
            if current_app.testing:
                raise WriteInReadOnlyRequest(message)
            current_app.logger.warning(message)

    if not sqlite:
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


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
