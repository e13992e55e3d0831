"""A synthetic history at scale: ``flask --app wsgi demo load --scale N``.

N rejected candidates spread over the last four years, with what happened to them afterwards:
the rejection e-mail with the link (``invited``), bookings in the monthly feedback hour, cancellations,
conversations and no-shows, outcomes, the talent pool, survey answers, re-applications and hires; every
step as a row of the anonymous event log at the moment it happened, beside the rows the portal itself
would hold (candidates, sessions, slots, bookings, pool memberships, re-applications, hires, survey
answers). The rates follow the reference practice described in the portal's domain notes; see ``RATES``.

Built for a million candidates: rows are made in chronological order as plain dicts with ids handed out
here, and written in chunks of ``CHUNK`` candidates (COPY on PostgreSQL, executemany on SQLite; see
``BulkWriter``), one commit per chunk, so that memory stays bounded and no ORM object is made per row.
The same seed gives the same history for the same last day (the history ends where ``until``, by
default today, begins). Running it again first removes the earlier synthetic history (candidates on
``SYNTHETIC_DOMAIN``, events whose ref starts with ``REF_PREFIX``, sessions at ``SYNTHETIC_LOCATION``)
and leaves everything else alone. Meant for a development or benchmark database that nobody else
writes to meanwhile: the ids are counted on from the highest one in each table.
"""

import bisect
import itertools
import json
import operator
import random
import secrets
import time as clock
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.auth.passwords import hash_password
from app.calls.duty import DECIDED_AT
from app.calls.workdays import call_due_on
from app.database import UTCDateTime, utcnow
from app.events.rollup import rebuild as rebuild_statistics
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
    Stage,
    SurveyResponse,
    User,
    WaitlistEntry,
)
from app.sessions.layout import slot_times
from app.timeutil import from_local, local

YEARS = 4
CHUNK = 10_000
# From this many candidates on, the biggest tables get their secondary indexes after the load.
DEFER_INDEXES_FROM = 50_000
DEFERRED_INDEX_TABLES = ("event", "candidate", "booking", "slot")
SYNTHETIC_DOMAIN = "synthetic.example.org"
SYNTHETIC_LOCATION = "Hoofdgebouw, spreekkamer 3 (synthetic history)"
# Event refs of real candidates are uuid4 hex; no hex string starts with "s".
REF_PREFIX = "s"
RECRUITERS = ("Anouk Visser", "Bas Mulder", "Charlotte de Boer", "Daan Smit", "Esther Bos", "Fatima Ouali")


@dataclass(frozen=True)
class Rates:
    """The shape of the funnel. Booking depends on how far the candidate got; the rest on what came before."""

    invited: float = 0.90  # candidates whose rejection e-mail carried the personal link
    # Of the invited, by how far they got: the further, the more they want to know why (about 60 % overall).
    books: tuple[tuple[str, float], ...] = (("cv_screening", 0.50), ("phone", 0.65), ("interview", 0.80))
    waitlisted_first: float = 0.04  # of bookers: joined the waitlist before a seat came free
    waitlisted_left: float = 0.02  # of invited non-bookers: joined the waitlist and left it
    rescheduled: float = 0.08  # of bookers
    cancelled: float = 0.07  # of bookers
    cancelled_late: float = 0.40  # of cancellations: after the portal closed, recorded by the recruiter
    no_show: float = 0.08  # of bookers; the remaining 85 % attend
    suitable: float = 0.10  # of attended
    pool_at_booking: float = 0.08  # of bookers: consent given while booking
    pool_offer_suitable: float = 0.76  # of attended and suitable (without earlier consent): offered the pool
    pool_offer_other: float = 0.16
    pool_consents: float = 0.85  # of offers: the candidate gives consent
    pool_withdraws: float = 0.10  # of members: withdraw before the consent expires
    pool_renews: float = 0.30  # of members asked to renew: renew for another 12 months
    surveyed: float = 0.40  # of attended
    reapply_suitable: float = 0.60  # of attended
    reapply_pool: float = 0.25
    reapply_other: float = 0.0625
    hired_suitable: float = 0.55  # of those re-applying after a conversation
    hired_other: float = 0.32
    reapply_without_conversation: float = 0.03  # of invited who never had a conversation
    hired_without_conversation: float = 0.33  # of those: hired, not attributed to the feedback hour


RATES = Rates()

# (department, weight, vacancies): a general hospital.
DEPARTMENTS = (
    ("Intensive Care", 8, ("Verpleegkundige IC", "IC-verpleegkundige in opleiding", "Intensivist")),
    ("Spoedeisende Hulp", 8, ("SEH-verpleegkundige", "SEH-arts", "Triagist")),
    ("Cardiologie", 7, ("Verpleegkundige cardiologie", "Hartfunctielaborant", "Cardioloog")),
    ("Oncologie", 6, ("Oncologieverpleegkundige", "Research nurse", "Verpleegkundig specialist oncologie")),
    ("Operatiekamers", 7, ("Operatieassistent", "Anesthesiemedewerker", "OK-planner")),
    ("Radiologie", 5, ("Radiodiagnostisch laborant", "Radioloog", "Echografist")),
    ("Kindergeneeskunde", 5, ("Kinderverpleegkundige", "Kinderarts", "Pedagogisch medewerker")),
    ("Verloskunde", 4, ("Klinisch verloskundige", "Obstetrieverpleegkundige", "Kraamverzorgende")),
    ("Polikliniek Interne", 6, ("Doktersassistent", "Poliklinisch medewerker", "Internist")),
    ("Klinisch Chemisch Lab", 4, ("Analist klinische chemie", "Laboratoriummedewerker")),
    ("Apotheek", 3, ("Apothekersassistent", "Ziekenhuisapotheker")),
    ("Geriatrie", 4, ("Verpleegkundige geriatrie", "Specialist ouderengeneeskunde")),
    ("Neurologie", 4, ("Verpleegkundige neurologie", "Neuroloog", "Klinisch neurofysioloog")),
    ("ICT", 5, ("Projectleider ICT", "Applicatiebeheerder", "Servicedeskmedewerker", "Informatieanalist")),
    ("Bedrijfsbureau", 4, ("Data-analist", "Business controller", "Planner")),
    ("HR", 3, ("HR-adviseur", "Recruiter", "Salarisadministrateur")),
    ("Facilitair Bedrijf", 5, ("Medewerker schoonmaak", "Beveiliger", "Medewerker voeding")),
)
STAGES = (("cv_screening", 65), ("phone", 15), ("interview", 20))
REASONS = {
    "cv_screening": (("experience", 35), ("qualifications", 30), ("skills", 20), ("team_fit", 5), ("other", 10)),
    "phone": (("experience", 30), ("qualifications", 15), ("skills", 30), ("team_fit", 15), ("other", 10)),
    "interview": (("experience", 25), ("qualifications", 10), ("skills", 30), ("team_fit", 25), ("other", 10)),
}
FIRST_NAMES = (
    "Sanne", "Lotte", "Emma", "Julia", "Fleur", "Anouk", "Iris", "Noor", "Fatima", "Aylin", "Sara", "Lisa",
    "Daan", "Sem", "Lucas", "Milan", "Thijs", "Ruben", "Mohammed", "Youssef", "Bram", "Jesse", "Kevin", "Tim",
    "Emily", "James", "Olivia", "Priya", "Mateusz", "Ana",
)
LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "El Amrani", "Yilmaz", "Kaya", "Nowak", "Clarke", "Santos", "Pinas", "Nguyen", "Haddou", "Kok",
)
SKILLS = ("IC-ervaring", "BIG-registratie", "Leidinggeven", "Plannen", "HiX", "SQL", "Triage", "Engels", "Coaching")
TOPIC_SETS = (["went_well", "improve"], ["improve"], ["improve", "cv_profile"], ["cv_profile"],
              ["went_well", "improve", "cv_profile"], ["other"])
# Month factors: fewer rejections in the summer and in December.
SEASON = {1: 1.2, 2: 1.1, 3: 1.1, 4: 1.0, 5: 1.0, 6: 1.0, 7: 0.75, 8: 0.7, 9: 1.15, 10: 1.1, 11: 1.05, 12: 0.8}
# Session layouts as (start, end, breaks): the evening hour of the reference practice, and a whole day
# for scales at which the evening would need dozens of sessions side by side (it still needs many).
EVENING = (time(16, 0), time(18, 0), [["17:00", "17:15"]])
WHOLE_DAY = (time(9, 0), time(17, 0), [["12:30", "13:00"]])

WRITE_ORDER = (
    "feedback_session",
    "feedback_session_host",
    "slot",
    "candidate",
    "booking",
    "waitlist_entry",
    "pool_membership",
    "pool_tag",
    "reapplication",
    "hire",
    "survey_response",
    "event",
)
TABLES = (FeedbackSession, Slot, Candidate, Booking, WaitlistEntry, PoolMembership, PoolTag, Reapplication, Hire,
          SurveyResponse)


@dataclass
class ScaleReport:
    """What was generated, and how long it took."""

    candidates: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


def _utc(day: date, clock: time) -> datetime:
    """An Amsterdam wall-clock time as naive UTC: the generator's datetimes are naive UTC throughout."""
    return from_local(day, clock).replace(tzinfo=None)


def second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def generate_history(
    n: int, *, seed: int = 1, until: date | None = None, progress: Callable[[str], None] | None = None,
) -> ScaleReport:
    """Replace the synthetic history by ``n`` new candidates over the ``YEARS`` years before the day ``until``
    (default today; nothing happens from that day on except bookings for the coming sessions).

    Commits once per chunk; reports progress through ``progress``.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    started = clock.perf_counter()
    say = progress or (lambda message: None)
    until = until or local(utcnow()).date()
    db.session.commit()  # nothing of the caller's may hold a lock while we write
    with db.engine.connect() as connection, _large_cache(connection):
        removed = remove_synthetic_history(connection)
        if removed:
            say(f"Removed the earlier synthetic history ({removed:,} candidates).")
        with _indexes_deferred(connection, n >= DEFER_INDEXES_FROM, say):
            generator = _Generator(connection, n, seed=seed, until=until, say=say)
            report = generator.run()
        say("Updating the query planner's statistics ...")
        _analyze(connection)
    say("Rolling the event log up into the monthly figures ...")
    rebuild_statistics()
    report.seconds = clock.perf_counter() - started
    return report


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
def _indexes_deferred(connection: sa.Connection, defer: bool, say: Callable[[str], None]):
    """For a large load, drop the secondary indexes of the biggest tables and build them once at the end,
    which is several times cheaper than keeping them up to date row by row. The indexes are those of the
    models (the same as the migrations'); an index missing after an interrupted run is rebuilt first."""
    indexes = [index for name in DEFERRED_INDEX_TABLES for index in db.metadata.tables[name].indexes]
    _create_missing(connection, indexes)
    if not defer:
        yield
        return
    inspector = sa.inspect(connection)
    present = {i["name"] for name in DEFERRED_INDEX_TABLES for i in inspector.get_indexes(name)}
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
        _create_missing(connection, indexes)


def _create_missing(connection: sa.Connection, indexes: list[sa.Index]) -> None:
    for index in indexes:
        if index.dialect_options["postgresql"]["ops"] and connection.dialect.name == "postgresql":
            _create_trigram_index(connection, index)
        else:
            index.create(connection, checkfirst=True)
    connection.commit()


def _create_trigram_index(connection: sa.Connection, index: sa.Index) -> None:
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
def _large_cache(connection: sa.Connection):
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


def _analyze(connection: sa.Connection) -> None:
    """Fresh statistics for the tables written, so that the planner knows their new size."""
    quote = connection.dialect.identifier_preparer.quote
    for name in WRITE_ORDER:
        connection.exec_driver_sql(f"ANALYZE {quote(name)}")
    connection.commit()


def _next_ids(connection: sa.Connection) -> dict[str, itertools.count]:
    return {
        model.__tablename__: itertools.count(
            (connection.scalar(sa.select(sa.func.max(model.__table__.c.id))) or 0) + 1)
        for model in TABLES
    }


def _reset_sequences(connection: sa.Connection) -> None:
    """PostgreSQL hands out ids from sequences that knew nothing of ours: move them past the highest id."""
    if connection.dialect.name != "postgresql":
        return
    for model in TABLES:
        table = model.__tablename__
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def _ensure_recruiters(connection: sa.Connection) -> list[int]:
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


@dataclass
class _SessionDay:
    """The feedback hour of one month: its sessions side by side, filled one after the other."""

    day: date
    starts_at: datetime
    slots: list[tuple[datetime, datetime]]
    # (session id, host id, slot ids), in the order they were opened.
    sessions: list[tuple[int, int, list[int]]] = field(default_factory=list)
    taken: int = 0


class _Generator:
    def __init__(self, connection: sa.Connection, n: int, *, seed: int, until: date, say: Callable[[str], None]):
        self.connection, self.n, self.say = connection, n, say
        self.rng = random.Random(seed)
        self.today = until
        self.now = _utc(until, time(0, 0))  # the history ends where that day begins
        self.first_day = until - timedelta(days=round(365.25 * YEARS))
        self.report = ScaleReport()
        # In the order of the foreign keys: parents first.
        self.buffers: dict[str, list[dict]] = {name: [] for name in WRITE_ORDER}
        self.candidates, self.events = self.buffers["candidate"], self.buffers["event"]
        self.writer = BulkWriter(connection)
        self.hosts = _ensure_recruiters(connection)
        self.ids = _next_ids(connection)
        self.host_turn = itertools.count()
        self._vacancies = {name: vacancies for name, _, vacancies in DEPARTMENTS}
        # (department, vacancy) and (stage, reason) pairs with cumulative weights, to draw each pair at once.
        jobs = [((d, v), w / len(vs)) for d, w, vs in DEPARTMENTS for v in vs]
        self._jobs = ([j for j, _ in jobs], list(itertools.accumulate(w for _, w in jobs)))
        stage_weight = dict(STAGES)
        stage_reasons = [((s, r), stage_weight[s] * w / sum(x for _, x in rs))
                         for s, rs in REASONS.items() for r, w in rs]
        self._stage_reasons = ([p for p, _ in stage_reasons], list(itertools.accumulate(w for _, w in stage_reasons)))
        self._names = [(f"{first} {last}", f"{first}.{last}".replace(" ", "").lower())
                       for first in FIRST_NAMES for last in LAST_NAMES]
        self._books = dict(RATES.books)
        self._session_days = self._plan_session_days()
        self._session_starts = [d.starts_at for d in self._session_days]

    # --- the calendar ----------------------------------------------------------------------------------

    def _plan_session_days(self) -> list[_SessionDay]:
        booking_share = sum(self._books[s] * w for s, w in STAGES) / sum(w for _, w in STAGES)
        expected_per_month = self.n * RATES.invited * booking_share / (12 * YEARS)
        start, end, breaks = EVENING if expected_per_month <= 40 else WHOLE_DAY
        self.layout = (start, end, breaks)
        days, year, month = [], self.first_day.year, self.first_day.month
        last = self.today + timedelta(days=100)
        while (year, month) <= (last.year, last.month):
            day = second_tuesday(year, month)
            if day >= self.first_day:
                slots = [(a.replace(tzinfo=None), b.replace(tzinfo=None))
                         for a, b in slot_times(day, start, end, 15, breaks)]
                days.append(_SessionDay(day, _utc(day, start), slots))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return days

    def _rejections_per_day(self) -> list[tuple[date, int]]:
        """Spread the candidates over the working days: seasons, and a slowly growing organisation."""
        days = [self.first_day + timedelta(days=i) for i in range((self.today - self.first_day).days)]
        days = [d for d in days if d.weekday() < 5]
        span = max(len(days) - 1, 1)
        weights = [SEASON[d.month] * (1 + 0.3 * i / span) for i, d in enumerate(days)]
        total, cumulative, placed, result = sum(weights), 0.0, 0, []
        for day, weight in zip(days, weights, strict=False):
            cumulative += weight
            upto = round(self.n * cumulative / total)
            result.append((day, upto - placed))
            placed = upto
        return result

    # --- writing ---------------------------------------------------------------------------------------

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)

    def flush(self) -> None:
        """Write what the buffers hold, parents before children, and commit."""
        for name, rows in self.buffers.items():
            if rows:
                self.writer.write(name, rows)
                self.report.count(name, len(rows))
                rows.clear()
        self.connection.commit()

    def run(self) -> ScaleReport:
        rng, done = self.rng, 0
        step = max(self.n // 10, CHUNK)
        next_report = step
        for session_day in self._session_days:  # at least one session every month
            self._open_session(session_day)
        candidate_ids = self.ids["candidate"]
        for day, count in self._rejections_per_day():
            day_start = _utc(day, time(0, 0))
            for _ in range(count):
                rejected_at = day_start + timedelta(minutes=480 + int(rng.random() * 600))
                self._candidate(next(candidate_ids), day, rejected_at)
                done += 1
                if done % CHUNK == 0:
                    self.flush()
                    if done >= next_report:
                        self.say(f"  {done:,} of {self.n:,} candidates")
                        next_report += step
        self.flush()
        _reset_sequences(self.connection)
        self.connection.commit()
        self.report.candidates = done
        return self.report

    # --- sessions --------------------------------------------------------------------------------------

    def _open_session(self, session_day: _SessionDay) -> None:
        feedback_session_id = next(self.ids["feedback_session"])
        host = self.hosts[next(self.host_turn) % len(self.hosts)]
        start, end, breaks = self.layout
        ends_at = _utc(session_day.day, end)
        self.add("feedback_session", {
            "id": feedback_session_id, "starts_at": session_day.starts_at, "ends_at": ends_at, "slot_minutes": 15,
            "breaks": breaks, "location": SYNTHETIC_LOCATION, "video_url": "",
            "status": "closed" if ends_at <= self.now else "published",
            "created_at": session_day.starts_at - timedelta(days=60), "updated_at": session_day.starts_at,
        })
        self.add("feedback_session_host", {"feedback_session_id": feedback_session_id, "user_id": host})
        slot_ids = []
        for a, b in session_day.slots:
            slot_id = next(self.ids["slot"])
            slot_ids.append(slot_id)
            self.add("slot", {"id": slot_id, "feedback_session_id": feedback_session_id, "starts_at": a, "ends_at": b})
        session_day.sessions.append((feedback_session_id, host, slot_ids))

    def _take_slot(self, booked_at: datetime) -> tuple[int, int, int, datetime, datetime] | None:
        """The next free seat in the first feedback hour that still takes bookings (it closes 24 h before)."""
        index = bisect.bisect_left(self._session_starts, booked_at + timedelta(hours=24))
        if index >= len(self._session_days):
            return None
        session_day = self._session_days[index]
        per_session = len(session_day.slots)
        session_index, slot_index = divmod(session_day.taken, per_session)
        if session_index >= len(session_day.sessions):
            self._open_session(session_day)
        session_day.taken += 1
        feedback_session_id, host, slot_ids = session_day.sessions[session_index]
        starts_at, ends_at = session_day.slots[slot_index]
        return feedback_session_id, host, slot_ids[slot_index], starts_at, ends_at

    # --- one candidate ---------------------------------------------------------------------------------

    def _pick(self, values, cumulative):
        return values[bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])]

    def _one_of(self, values):
        return values[int(self.rng.random() * len(values))]

    def _candidate(self, candidate_id: int, day: date, rejected_at: datetime) -> None:
        rng, now, random = self.rng, self.now, self.rng.random
        department, vacancy = self._pick(*self._jobs)
        stage, reason = self._pick(*self._stage_reasons)
        name, mailbox = self._names[int(random() * len(self._names))]
        ref = f"{REF_PREFIX}{rng.getrandbits(124):031x}"
        candidate = {
            "id": candidate_id, "ref": ref, "name": name, "email": f"{mailbox}.{candidate_id}@{SYNTHETIC_DOMAIN}",
            "vacancy": vacancy, "department": department, "stage": stage, "rejected_on": day,
            "rejection_reason": reason, "language": "nl" if random() < 0.85 else "en",
            "created_at": rejected_at - timedelta(days=7 + 33 * random()), "invited_at": None,
            "invite_reminder_at": None,
        }
        self.candidates.append(candidate)
        if stage == Stage.INTERVIEW.value:
            self._call(_EventMaker(self, ref, department, vacancy, stage, reason, day), day)
        if random() >= RATES.invited:
            return
        r = random()
        hours = rng.uniform(0.1, 24) if r < 0.70 else rng.uniform(24, 168) if r < 0.93 else rng.uniform(168, 504)
        invited_at = rejected_at + timedelta(hours=hours)
        if invited_at > now:
            return
        candidate["invited_at"] = invited_at
        event = _EventMaker(self, ref, department, vacancy, stage, reason, day)
        event("invited", invited_at)

        booked_at, slot = None, None
        if rng.random() < self._books[stage]:
            r = rng.random()
            lag = rng.uniform(0.1, 72) if r < 0.6 else rng.uniform(72, 336) if r < 0.9 else rng.uniform(336, 960)
            booked_at = invited_at + timedelta(hours=lag)
            slot = self._take_slot(booked_at) if booked_at <= now else None
        reminder_at = invited_at + timedelta(days=7)
        if reminder_at <= now and (slot is None or booked_at > reminder_at):
            candidate["invite_reminder_at"] = reminder_at
        if slot is None:
            self._without_conversation(candidate_id, event, invited_at, waitlist=True)
        elif self._booking(candidate_id, event, booked_at, slot) is None:
            self._without_conversation(candidate_id, event, invited_at, waitlist=False)

    def _call(self, event: "_EventMaker", day: date) -> None:
        """The call after an interview: owed at the decision, mostly made within two working days."""
        rng = self.rng
        event("call_due", _utc(day, DECIDED_AT))
        if rng.random() < 0.9:
            called_at = _utc(day, time(10, 0)) + timedelta(hours=rng.uniform(1, 24) if rng.random() < 0.7
                                                           else rng.uniform(24, 140))
            if called_at <= self.now:
                on_time = local(called_at.replace(tzinfo=UTC)).date() <= call_due_on(day)
                event("called", called_at, value=1 if on_time else 0)

    def _booking(self, candidate_id: int, event: "_EventMaker", booked_at: datetime,
                 slot: tuple[int, int, int, datetime, datetime]) -> datetime | None:
        """The booking and what became of it; the moment of the conversation if it took place."""
        rng, now = self.rng, self.now
        feedback_session_id, host, slot_id, starts_at, ends_at = slot
        booking_id = next(self.ids["booking"])
        booking = {
            "id": booking_id, "candidate_id": candidate_id, "slot_id": slot_id, "status": "booked",
            "topics": self._one_of(TOPIC_SETS), "question": "",
            "uid": f"synthetic-{booking_id}@feedbackspreekuur", "sequence": 0, "created_at": booked_at,
            "updated_at": booked_at, "cancelled_at": None, "reminder_queued_at": None, "cancelled_late": False,
            "suitable_after_all": False, "follow_up_action": "", "follow_up_on": None,
            "outcome_recorded_at": None, "summary_sent_at": None, "survey_requested_at": None,
        }
        self.add("booking", booking)
        if rng.random() < RATES.waitlisted_first:
            joined = max(event.invited_at, booked_at - timedelta(days=rng.uniform(1, 10)))
            event("waitlisted", joined)
            self.add("waitlist_entry", {"id": next(self.ids["waitlist_entry"]), "candidate_id": candidate_id,
                                        "status": "booked", "created_at": joined,
                                        "offered_at": booked_at - timedelta(hours=rng.uniform(0.5, 40))})
        event("booked", booked_at, feedback_session_id=feedback_session_id)
        closes = starts_at - timedelta(hours=24)
        if rng.random() < RATES.pool_at_booking:
            self._pool(candidate_id, event, "booking", booked_at, booked_at)
        if rng.random() < RATES.rescheduled:
            moved = booked_at + (closes - booked_at) * rng.random()
            if moved <= now:
                event("rescheduled", moved, feedback_session_id=feedback_session_id)
                booking["sequence"] += 1
                booking["updated_at"] = moved
        reminder = starts_at - timedelta(days=1)
        r = rng.random()
        if r < RATES.cancelled and rng.random() >= RATES.cancelled_late:
            # Through the portal, which closes 24 hours before the session.
            at = booked_at + (closes - booked_at) * rng.random()
            if at > now:
                return None
            booking.update(status="cancelled", cancelled_at=at, updated_at=at, sequence=booking["sequence"] + 1)
            event("cancelled", at, feedback_session_id=feedback_session_id)
            return None
        if reminder <= now:
            booking["reminder_queued_at"] = reminder
        # The recruiter records the outcome after the session; a conversation counts when it was planned
        # and a late cancellation when it was recorded (as app/notes/services.py does).
        recorded_at = ends_at + timedelta(minutes=rng.uniform(1, 120))
        if recorded_at > now:
            return None  # still to come, or not recorded yet
        booking.update(outcome_recorded_at=recorded_at, updated_at=recorded_at)
        if r < RATES.cancelled:
            booking.update(status="cancelled", cancelled_late=True, cancelled_at=recorded_at)
            event("cancelled_late", recorded_at, feedback_session_id=feedback_session_id, user_id=host)
            return None
        if r < RATES.cancelled + RATES.no_show:
            booking["status"] = "no_show"
            event("no_show", starts_at, feedback_session_id=feedback_session_id, user_id=host)
            return None
        booking["status"] = "attended"
        event("attended", starts_at, feedback_session_id=feedback_session_id, user_id=host)
        self._after_conversation(candidate_id, booking, event, starts_at, recorded_at, feedback_session_id, host)
        return starts_at

    def _after_conversation(self, candidate_id: int, booking: dict, event: "_EventMaker", held_at: datetime,
                            recorded_at: datetime, feedback_session_id: int, host: int) -> None:
        rng, now = self.rng, self.now
        suitable = rng.random() < RATES.suitable
        if suitable:
            booking["suitable_after_all"] = True
            event("suitable", held_at, feedback_session_id=feedback_session_id, user_id=host)
        if rng.random() < 0.5:
            booking["summary_sent_at"] = recorded_at + timedelta(minutes=rng.uniform(5, 600))
        booking["survey_requested_at"] = recorded_at + timedelta(minutes=rng.uniform(1, 10))
        if rng.random() < RATES.surveyed:
            answered = recorded_at + timedelta(hours=rng.uniform(1, 120))
            if answered <= now:
                useful = self._pick((1, 2, 3, 4, 5), (2, 6, 18, 55, 100))
                recommend = max(0, min(10, useful * 2 + self._one_of((-2, -1, 0, 1))))
                self.add("survey_response", {"id": next(self.ids["survey_response"]), "booking_id": booking["id"],
                                             "useful": useful, "recommend": recommend, "comment": "",
                                             "created_at": answered})
                event("surveyed", answered, feedback_session_id=feedback_session_id, value=useful)
                event("recommended", answered, feedback_session_id=feedback_session_id, value=recommend)
        in_pool = event.in_pool
        offer = RATES.pool_offer_suitable if suitable else RATES.pool_offer_other
        if not in_pool and rng.random() < offer:
            source = "recruiter" if rng.random() < 0.7 else "link"
            requested = recorded_at + timedelta(minutes=rng.uniform(1, 60)) if source == "recruiter" \
                else recorded_at + timedelta(hours=rng.uniform(2, 200))
            consented = requested + timedelta(hours=rng.uniform(0.2, 120)) if rng.random() < RATES.pool_consents \
                else None
            if requested <= now:
                in_pool = self._pool(candidate_id, event, source, requested, consented)
        chance = RATES.reapply_suitable if suitable else RATES.reapply_pool if in_pool else RATES.reapply_other
        if rng.random() < chance:
            hired = RATES.hired_suitable if suitable else RATES.hired_other
            self._reapply(candidate_id, event, held_at + timedelta(days=rng.uniform(20, 400)), hired, attributed=True)

    def _without_conversation(self, candidate_id: int, event: "_EventMaker", invited_at: datetime, *,
                              waitlist: bool) -> None:
        """Invited, but no conversation: perhaps a waitlist left, perhaps hired anyway (not attributed)."""
        rng = self.rng
        if waitlist and rng.random() < RATES.waitlisted_left:
            joined = invited_at + timedelta(hours=rng.uniform(1, 200))
            if joined <= self.now:
                event("waitlisted", joined)
                left = joined + timedelta(days=rng.uniform(3, 40))
                self.add("waitlist_entry", {"id": next(self.ids["waitlist_entry"]), "candidate_id": candidate_id,
                                            "status": "left" if left <= self.now else "waiting",
                                            "created_at": joined, "offered_at": None})
        if rng.random() < RATES.reapply_without_conversation:
            self._reapply(candidate_id, event, invited_at + timedelta(days=rng.uniform(30, 500)),
                          RATES.hired_without_conversation, attributed=False)

    def _pool(self, candidate_id: int, event: "_EventMaker", source: str, requested: datetime,
              consented: datetime | None) -> bool:
        """A pool membership: asked, perhaps consented, then renewed, withdrawn or left to expire.
        True if consent was given. Only a withdrawal is a ``left_pool`` event, as in app/talent/services.py."""
        rng, now = self.rng, self.now
        if consented is not None and consented > now:
            consented = None
        membership_id = next(self.ids["pool_membership"])
        row = {"id": membership_id, "candidate_id": candidate_id, "source": source, "requested_at": requested,
               "consented_at": consented, "expires_at": None, "withdrawn_at": None, "renewal_requested_at": None}
        self.add("pool_membership", row)
        event("pool_requested", requested)
        if consented is None:
            return False
        event("joined_pool", consented)
        event.in_pool = True
        expires = consented + timedelta(days=365)
        renewal = expires - timedelta(days=30)
        withdrawn = consented + (expires - consented) * rng.random() if rng.random() < RATES.pool_withdraws else None
        if withdrawn is not None and withdrawn <= now:
            row.update(expires_at=expires, withdrawn_at=withdrawn,
                       renewal_requested_at=renewal if renewal <= withdrawn else None)
            event("left_pool", withdrawn)
            return True  # the recruiters' tags went with the withdrawal
        row["expires_at"] = expires
        if renewal <= now:
            renewed = renewal + timedelta(days=rng.uniform(0, 25))
            if rng.random() < RATES.pool_renews and renewed <= now:
                row["expires_at"] = renewed + timedelta(days=365)
            else:
                row["renewal_requested_at"] = renewal
        self.add("pool_tag", {"id": next(self.ids["pool_tag"]), "membership_id": membership_id, "kind": "skill",
                              "value": self._one_of(SKILLS)})
        self.add("pool_tag", {"id": next(self.ids["pool_tag"]), "membership_id": membership_id,
                              "kind": "department", "value": event.department})
        return True

    def _reapply(self, candidate_id: int, event: "_EventMaker", applied_at: datetime, hire_chance: float,
                 *, attributed: bool) -> None:
        """A re-application and perhaps a hire, both dated events that count at noon on their day."""
        rng, now = self.rng, self.now
        applied_on = applied_at.date()
        recorded = _utc(applied_on, time(9, 0)) + timedelta(days=rng.uniform(0, 10))
        if recorded > now:
            return
        vacancies = self._vacancies[event.department]
        vacancy = event.vacancy if rng.random() < 0.4 else self._one_of(vacancies)
        self.add("reapplication", {"id": next(self.ids["reapplication"]), "candidate_id": candidate_id,
                                   "vacancy": vacancy, "applied_on": applied_on, "created_at": recorded})
        event("reapplied", min(_utc(applied_on, time(12, 0)), recorded))
        if rng.random() >= hire_chance:
            return
        start_date = applied_on + timedelta(days=30 + int(rng.random() * 70))
        recorded = _utc(start_date, time(9, 0)) - timedelta(days=rng.uniform(0, 20))
        if recorded > now:
            return
        self.add("hire", {"id": next(self.ids["hire"]), "candidate_id": candidate_id, "role": vacancy,
                          "department": event.department, "start_date": start_date, "attributed": attributed,
                          "created_at": recorded})
        event("hired", min(_utc(start_date, time(12, 0)), recorded), value=1 if attributed else 0)


class _EventMaker:
    """Writes the events of one candidate, with the facts the figures group by copied in (as record_event does)."""

    __slots__ = ("generator", "ref", "department", "vacancy", "stage", "reason", "rejected_on", "invited_at",
                 "in_pool")

    def __init__(self, generator: _Generator, ref: str, department: str, vacancy: str, stage: str, reason: str,
                 rejected_on: date):
        self.generator, self.ref, self.department, self.vacancy = generator, ref, department, vacancy
        self.stage, self.reason, self.rejected_on = stage, reason, rejected_on
        self.invited_at: datetime | None = None
        self.in_pool = False

    def __call__(self, kind: str, at: datetime, *, feedback_session_id: int | None = None, value: int | None = None,
                 user_id: int | None = None) -> None:
        if kind == "invited":
            self.invited_at = at
        self.generator.events.append({
            "kind": kind, "occurred_at": at, "candidate_ref": self.ref, "department": self.department,
            "vacancy": self.vacancy, "stage": self.stage, "reason": self.reason, "rejected_on": self.rejected_on,
            "feedback_session_id": feedback_session_id, "value": value, "user_id": user_id,
        })
