"""Writing the synthetic history fast: removing an earlier one, deferring and rebuilding indexes, a large
cache while it runs, bulk writes (COPY on PostgreSQL, executemany on SQLite) and ids handed out here."""


import itertools
import json
import operator
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa

from app.auth.passwords import hash_password
from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models import (
    Booking,
    Candidate,
    Event,
    FeedbackSession,
    Hire,
    PoolMembership,
    PoolTag,
    Reapplication,
    Slot,
    SurveyResponse,
    User,
    WaitlistEntry,
)
from app.synthetic.rates import (
    DEFERRED_INDEX_TABLES,
    RECRUITERS,
    REF_PREFIX,
    SYNTHETIC_DOMAIN,
    SYNTHETIC_LOCATION,
    WRITE_ORDER,
)

# The tables a synthetic history fills, whose id sequences follow the rows written here.
TABLES = (FeedbackSession, Slot, Candidate, Booking, WaitlistEntry, PoolMembership, PoolTag, Reapplication, Hire,
          SurveyResponse)



def remove_synthetic_history(connection: sa.Connection) -> int:
    """Delete every row an earlier run made (its staff accounts stay). Commits; returns the candidates removed."""
    candidates = sa.select(Candidate.id).where(Candidate.email.like(f"%@{SYNTHETIC_DOMAIN}")).scalar_subquery()
    count = connection.scalar(
        sa.select(sa.func.count()).select_from(Candidate).where(Candidate.email.like(f"%@{SYNTHETIC_DOMAIN}"))
    )
    connection.execute(sa.delete(Event).where(Event.candidate_ref.like(f"{REF_PREFIX}%")))
    # Children first, so that the cascades of the candidate delete find nothing left to do.
    connection.execute(sa.delete(SurveyResponse).where(
        SurveyResponse.booking_id.in_(sa.select(Booking.id).where(Booking.candidate_id.in_(candidates)))))
    connection.execute(sa.delete(PoolTag).where(
        PoolTag.membership_id.in_(sa.select(PoolMembership.id).where(PoolMembership.candidate_id.in_(candidates)))))
    for model in (Booking, WaitlistEntry, PoolMembership, Reapplication, Hire):
        connection.execute(sa.delete(model).where(model.candidate_id.in_(candidates)))
    connection.execute(sa.delete(Candidate).where(Candidate.email.like(f"%@{SYNTHETIC_DOMAIN}")))
    # A session stays if someone booked it for real meanwhile.
    still_booked = sa.select(Slot.feedback_session_id).join(Booking, Booking.slot_id == Slot.id)
    connection.execute(sa.delete(FeedbackSession).where(
        FeedbackSession.location == SYNTHETIC_LOCATION, FeedbackSession.id.not_in(still_booked)))
    connection.commit()
    return count or 0


@contextmanager
def indexes_deferred(connection: sa.Connection, defer: bool, say: Callable[[str], None]):
    """For a large load, drop the secondary indexes of the biggest tables and build them once at the end,
    which is several times cheaper than keeping them up to date row by row. The indexes are those of the
    models (the same as the migrations'); an index missing after an interrupted run is rebuilt first."""
    indexes = [index for name in DEFERRED_INDEX_TABLES for index in db.metadata.tables[name].indexes]
    create_missing_indexes(connection, indexes)
    if not defer:
        yield
        return
    present = index_names(connection, DEFERRED_INDEX_TABLES)
    for index in indexes:
        if index.name in present:
            index.drop(connection)
    connection.commit()
    try:
        yield
    finally:
        connection.rollback()  # whatever an error left half-done; the chunks before it are committed
        say("Building the indexes ...")
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET maintenance_work_mem = '256MB'")
        create_missing_indexes(connection, indexes)


def index_names(connection: sa.Connection, tables) -> set[str]:
    """The names of the indexes on ``tables``. SQLite's reflection leaves out an index on an expression (such
    as ``lower(email)``, migration 0014), so there they are read from its catalogue."""
    if connection.dialect.name == "sqlite":
        return set(connection.scalars(
            sa.text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN :tables")
            .bindparams(sa.bindparam("tables", expanding=True)), {"tables": list(tables)}))
    inspector = sa.inspect(connection)
    return {i["name"] for name in tables for i in inspector.get_indexes(name)}


def create_missing_indexes(connection: sa.Connection, indexes: list[sa.Index]) -> None:
    present = index_names(connection, {index.table.name for index in indexes})
    for index in indexes:
        if index.dialect_options["postgresql"]["ops"] and connection.dialect.name == "postgresql":
            create_trigram_index(connection, index)
        elif index.name not in present:
            index.create(connection)
    connection.commit()


def create_trigram_index(connection: sa.Connection, index: sa.Index) -> None:
    """A pg_trgm index as migration 0011 makes it: its operator class named with the extension's schema,
    which need not be on the search path; none where the extension is not installed."""
    schema = connection.scalar(sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"))
    if schema is None:
        return
    (column,) = index.columns
    connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {index.name} ON {index.table.name} "
                               f"USING gin ({column.name} {schema}.gin_trgm_ops)")


@contextmanager
def large_cache(connection: sa.Connection):
    """On SQLite, a page cache of 256 MB while loading: the indexes on random refs touch pages all over."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def analyze(connection: sa.Connection) -> None:
    """Fresh statistics for the tables written, so that the planner knows their new size."""
    quote = connection.dialect.identifier_preparer.quote
    for name in WRITE_ORDER:
        connection.exec_driver_sql(f"ANALYZE {quote(name)}")
    connection.commit()


def next_ids(connection: sa.Connection) -> dict[str, itertools.count]:
    return {
        model.__tablename__: itertools.count(
            (connection.scalar(sa.select(sa.func.max(model.__table__.c.id))) or 0) + 1)
        for model in TABLES
    }


def reset_sequences(connection: sa.Connection) -> None:
    """PostgreSQL hands out ids from sequences that knew nothing of ours: move them past the highest id."""
    if connection.dialect.name != "postgresql":
        return
    for model in TABLES:
        table = model.__tablename__
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def ensure_recruiters(connection: sa.Connection) -> list[int]:
    """Six recruiter accounts that host the synthetic sessions. Their password is random and never shown."""
    emails = [f"recruiter{i}@{SYNTHETIC_DOMAIN}" for i in range(1, len(RECRUITERS) + 1)]
    existing = dict(connection.execute(sa.select(User.email, User.id).where(User.email.in_(emails))).all())
    missing = [(email, name) for email, name in zip(emails, RECRUITERS, strict=False) if email not in existing]
    if missing:
        password_hash = hash_password(secrets.token_urlsafe(24))
        connection.execute(sa.insert(User), [
            {"email": email, "name": name, "password_hash": password_hash, "role": "recruiter", "active": True,
             "session_version": 0, "created_at": utcnow()}
            for email, name in missing
        ])
        connection.commit()
        existing = dict(connection.execute(sa.select(User.email, User.id).where(User.email.in_(emails))).all())
    return [existing[email] for email in emails]


class BulkWriter:
    """Many rows into one table, fast: COPY on PostgreSQL, executemany on SQLite, in the current transaction.

    SQLAlchemy's per-row parameter processing costs more than the database's work at this size, so the
    values are converted here into what the column types would have bound. Datetimes must be given as
    naive UTC (what ``UTCDateTime`` stores); SQLite gets them, and dates, in SQLAlchemy's text format.
    """

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self.quote = connection.dialect.identifier_preparer.quote
        self.tables = {table.name: table for table in db.metadata.sorted_tables}
        self._plans: dict[str, tuple[str, Callable, list[tuple[int, Callable]]]] = {}

    def write(self, name: str, rows: list[dict]) -> None:
        sql, getter, conversions = self._plan(name, rows[0])

        def converted(row: dict) -> list:
            value = list(getter(row))
            for index, convert in conversions:
                if value[index] is not None:
                    value[index] = convert(value[index])
            return value

        values = map(converted, rows) if conversions else map(getter, rows)
        if not self.connection.in_transaction():
            self.connection.begin()
        # The driver's own cursor, inside the transaction SQLAlchemy began.
        cursor = self.connection.connection.dbapi_connection.cursor()
        try:
            if self.postgresql:
                with cursor.copy(sql) as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                cursor.executemany(sql, values)
        finally:
            cursor.close()

    def _plan(self, name: str, sample: dict):
        if name not in self._plans:
            table, columns = self.tables[name], list(sample)
            names = ", ".join(self.quote(c) for c in columns)
            if self.postgresql:
                sql = f"COPY {self.quote(name)} ({names}) FROM STDIN"
            else:
                sql = f"INSERT INTO {self.quote(name)} ({names}) VALUES ({', '.join('?' for _ in columns)})"
            conversions = [(i, f) for i, c in enumerate(columns) if (f := self._conversion(table.c[c].type))]
            self._plans[name] = (sql, operator.itemgetter(*columns), conversions)
        return self._plans[name]

    def _conversion(self, column_type: sa.types.TypeEngine) -> Callable | None:
        if isinstance(column_type, UTCDateTime) and not self.postgresql:
            return lambda v: v.isoformat(" ", "microseconds")
        if isinstance(column_type, sa.JSON):
            return json.dumps
        if isinstance(column_type, sa.Date) and not self.postgresql:
            return date.isoformat
        return None


