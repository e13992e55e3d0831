"""Engine set-up, the ORM session, and column types shared by the models."""

import contextlib
import enum
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


class Mode(enum.Enum):
    """How a request uses the database (chosen before the view runs, see ``choose_mode``)."""

    WRITE = "write"  # one transaction that may write (on SQLite: BEGIN IMMEDIATE, the write lock up front)
    READ = "read"  # one transaction that only reads (on SQLite: a plain BEGIN, a snapshot without the lock)
    NO_TRANSACTION = "none"  # the fast path: each statement on its own (autocommit), and it only reads


def writes_on_get(view):
    """Mark a GET view that writes (an audit line when notes are viewed, say): it runs in a transaction that
    may write. Every other GET runs in a transaction that only reads; a write there fails the request."""
    view.writes_on_get = True
    return view


def reads_without_transaction(view):
    """The fast path, for the few candidate pages that hundreds open at once: the page's statements run
    without a transaction (no BEGIN and ROLLBACK round trips on PostgreSQL, no transaction on SQLite), each
    reading what is committed when it runs. Only for pages that read; a write there fails the request.
    The booking benchmark (bench/booking_burst.py) measures what it buys."""
    view.reads_without_transaction = True
    return view


def reads_first(view):
    """Mark a view that sends a form but mostly only reads: it starts like the fast path, outside a
    transaction, and calls ``writes_from_here()`` once it knows it will write. For the booking form,
    which many send at once for the same few times: whoever is too late is told so without queueing for
    the write lock (SQLite) or for the winner's row (PostgreSQL)."""
    view.reads_first = True
    return view


class WriteInReadOnlyRequest(RuntimeError):
    """A request wrote to the database where it declared it only reads: a GET whose view is not marked
    ``@writes_on_get``, a ``@reads_without_transaction`` page, or a ``@reads_first`` view before
    ``writes_from_here()``. The statement is refused before it runs, and the request fails."""


def choose_mode() -> None:
    """``before_request``: the request's ``Mode``, from its method and what its view declares. Code that runs
    outside a dispatched request (commands, the worker, a test_request_context) writes."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in ("GET", "HEAD"):
        if getattr(view, "writes_on_get", False):
            g.db_mode = Mode.WRITE
        elif getattr(view, "reads_without_transaction", False):
            g.db_mode = Mode.NO_TRANSACTION
        else:
            g.db_mode = Mode.READ
    else:
        g.db_mode = Mode.NO_TRANSACTION if getattr(view, "reads_first", False) else Mode.WRITE


def current_mode() -> Mode:
    return g.get("db_mode", Mode.WRITE) if has_request_context() else Mode.WRITE


def only_reads_from_here() -> None:
    """End the current transaction, unsaved; the rest of this request only reads, outside a transaction.
    For a request that could not write and now shows a page instead, such as a booking that lost the race
    for its slot while hundreds of others are trying too."""
    current_app.extensions["sqlalchemy"].session.rollback()
    if has_request_context():
        g.db_mode = Mode.NO_TRANSACTION


def writes_from_here() -> None:
    """End the reading part of a ``@reads_first`` view: what it loaded is read again, as needed, in the
    transaction that writes, which starts now (on SQLite with the write lock)."""
    current_app.extensions["sqlalchemy"].session.rollback()
    g.db_mode = Mode.WRITE


def end_request_transaction() -> None:
    """The unit of work at the request's edge: the view returned, so what it did is committed. (An exception
    rolls back instead: ``Portal.handle_user_exception`` in app/__init__.py.)"""
    session = current_app.extensions["sqlalchemy"].session
    if current_mode() is Mode.WRITE:
        session.commit()
    else:
        session.rollback()  # nothing to keep; on PostgreSQL as cheap as a COMMIT, and it writes nothing


class Session(flask_sqlalchemy.session.Session):
    """The ORM session. In a request on the fast path (``Mode.NO_TRANSACTION``) its statements run without
    a transaction: on PostgreSQL on a connection in autocommit, arranged here; on SQLite, where the driver's
    own transaction handling is off, by not beginning one (the ``begin`` event in ``configure_engine``)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is None and isinstance(engine, sa.Engine) and current_mode() is Mode.NO_TRANSACTION:
            return _for_reading(engine)
        return engine

    def commit(self) -> None:
        super().commit()
        for callback in self.info.pop(_ON_COMMIT, ()):
            callback()

    def rollback(self) -> None:
        self.info.pop(_ON_COMMIT, None)
        super().rollback()


_ON_COMMIT = "on_commit"  # key in Session.info: what to do once the current transaction has committed


def on_commit(callback) -> None:
    """Call ``callback()`` once the current transaction of ``db.session`` has committed (never if it rolls
    back): for a cache that must forget what the transaction changes only when others can read it."""
    callbacks = current_app.extensions["sqlalchemy"].session.info.setdefault(_ON_COMMIT, [])
    if callback not in callbacks:
        callbacks.append(callback)


def _for_reading(engine: sa.Engine) -> sa.Engine:
    """``engine`` as the fast path uses it: on PostgreSQL in autocommit, on SQLite as it is (no BEGIN is
    sent there, see ``configure_engine``)."""
    return _without_transaction(engine) if engine.dialect.name == "postgresql" else engine


@functools.lru_cache(maxsize=8)
def _without_transaction(engine: sa.Engine) -> sa.Engine:
    """The same engine and connection pool, its connections in autocommit while they are lent out."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextlib.contextmanager
def connection_for_reads() -> Iterator[sa.Connection]:
    """A connection for Core statements that read. On the fast path one of the pool's, as the ORM session
    would use it (in autocommit on PostgreSQL), without the session's bookkeeping around it: for the
    personal link, which every page reached through one reads first, and often needs nothing else.
    Otherwise the session's own, in the request's transaction."""
    sqlalchemy = current_app.extensions["sqlalchemy"]
    if current_mode() is not Mode.NO_TRANSACTION:
        yield sqlalchemy.session.connection()
        return
    with _for_reading(sqlalchemy.engine).connect() as connection:  # no Session made only to ask it this
        yield connection


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def configure_engine(app: Flask) -> None:
    """Every request in a transaction of the kind it declared (``Mode``), and on SQLite: WAL, a busy timeout,
    and transactions that say up front whether they will write.

    On SQLite this follows the pysqlite recipe from SQLAlchemy's documentation: the driver's own transaction
    handling is switched off, a transaction that may write starts with BEGIN IMMEDIATE, which takes the write
    lock up front instead of failing halfway when two transactions both want to write, and one that only reads
    with a plain BEGIN (in WAL it reads a snapshot without waiting for a writer). The fast path begins no
    transaction at all. A write where the request declared it only reads is refused before it runs
    (``WriteInReadOnlyRequest``), on every database and in production too: it fails the request, which
    rolls back, instead of committing half of what it meant to do.
    """
    app.before_request(choose_mode)
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = current_mode()
        if sqlite and mode is Mode.WRITE:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif sqlite and mode is Mode.READ:
            connection.exec_driver_sql("BEGIN")
        connection.info["db_mode"] = mode

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
        mode = connection.info.get("db_mode", Mode.WRITE)
        if mode is not Mode.WRITE and statement.lstrip()[:7].upper().startswith(_WRITES):
            where = f"{request.method} {request.path} ({request.endpoint})" if has_request_context() else "?"
            raise WriteInReadOnlyRequest(
                f"{where} writes in a request that declared it only reads ({mode.value}); "
                "a GET view that writes is marked @writes_on_get")

    if not sqlite:
        @event.listens_for(engine, "connect")
        def _without_jit(dbapi_connection, connection_record):
            """No JIT compilation on PostgreSQL: it pays off for long analytical queries, while the portal's
            take milliseconds, and the lists' per-row subqueries cut short by LIMIT have a high estimated cost
            that made the server compile them for 100 ms and more before reading a page (bench/lists.py)."""
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            dbapi_connection.autocommit = autocommit

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
