"""The monthly roll-up of the event log (table ``stat_month``) that the HR figures read.

Every event adds one to the rows of its month for each breakdown it belongs to, but only the FIRST
event of its kind for that candidate counts: months then add up to distinct people over any period.
The event log stays the source of truth: ``rebuild()`` recomputes the roll-up from it, and a correction
that removes an event recounts the months it touched.
"""

import functools
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Event, FeedbackSession, StatMonth
from app.timeutil import local

BREAKDOWNS = ("department", "vacancy", "stage", "reason")


def month_of(moment: datetime) -> date:
    day = local(moment).date()
    return day.replace(day=1)


def invite_speed(occurred_at: datetime, rejected_on: date | None) -> str | None:
    """"day" (invited the day of the rejection or the next), "week", or "later"."""
    if rejected_on is None:
        return None
    days = (local(occurred_at).date() - rejected_on).days
    return "day" if days <= 1 else "week" if days <= 7 else "later"


def nps_group(score: int | None) -> str | None:
    if score is None:
        return None
    return "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"


def contributions(event, slot_minutes: int | None) -> Iterable[tuple[str, str, int, int]]:
    """(dimension, value, value_sum, value_n) rows that one first event adds to its month."""
    value = event.value
    if event.kind in ("surveyed", "recommended") and value is not None:
        yield "all", "", value, 1  # scores: their sum and how many, for the average
    else:
        yield "all", "", 0, 0
    for dimension in BREAKDOWNS:
        yield dimension, getattr(event, dimension) or "", 0, 0
    if event.kind == "hired":
        yield "attributed", "1" if value == 1 else "0", 0, 0
    elif event.kind == "called":
        yield "call_speed", "on_time" if value == 1 else "late", 0, 0
    elif event.kind == "invited":
        speed = invite_speed(event.occurred_at, event.rejected_on)
        if speed:
            yield "invite_speed", speed, 0, 0
    elif event.kind == "recommended":
        group = nps_group(value)
        if group:
            yield "nps", group, 0, 0
    if event.kind == "cancelled" and event.detail:
        yield "cancel_reason", event.detail, 0, 0  # the reason a candidate gave, counted without the person
    if event.kind in ("attended", "no_show") and event.feedback_session_id is not None:
        yield "feedback_session", str(event.feedback_session_id), 0, 0
    if event.kind == "attended" and event.user_id is not None:
        yield "recruiter", str(event.user_id), slot_minutes or 0, 1


def _slot_minutes(feedback_session_id: int | None) -> int | None:
    if feedback_session_id is None:
        return None
    return db.session.scalar(sa.select(FeedbackSession.slot_minutes).where(FeedbackSession.id == feedback_session_id))


Totals = dict[tuple[date, str, str, str], list[int]]


def _add(totals: Totals, event, slot_minutes: int | None, sign: int = 1) -> None:
    """Add one first event's contributions to ``totals`` keyed by (month, kind, dimension, value)."""
    month = month_of(event.occurred_at)
    for dimension, value, value_sum, value_n in contributions(event, slot_minutes):
        row = totals.setdefault((month, event.kind, dimension, value[:200]), [0, 0, 0])
        row[0] += sign
        row[1] += sign * value_sum
        row[2] += sign * value_n


def _upsert(totals: Totals) -> None:
    """Add the totals to the roll-up: one INSERT ... ON CONFLICT for all keys (one row per key, as
    PostgreSQL requires), sent as one batch with the statement compiled once per database."""
    if not totals:
        return
    values = [{"month": month, "kind": kind, "dimension": dimension, "dim_value": value,
               "people": people, "value_sum": value_sum, "value_n": value_n}
              for (month, kind, dimension, value), (people, value_sum, value_n) in totals.items()]
    db.session.execute(_upsert_statement(db.engine.dialect.name), values)


@functools.cache
def _upsert_statement(dialect_name: str):
    dialect = sqlite if dialect_name == "sqlite" else postgresql
    statement = dialect.insert(StatMonth)
    return statement.on_conflict_do_update(
        index_elements=["month", "kind", "dimension", "dim_value"],
        set_={"people": StatMonth.people + statement.excluded.people,
              "value_sum": StatMonth.value_sum + statement.excluded.value_sum,
              "value_n": StatMonth.value_n + statement.excluded.value_n},
    )


def refs_with(kind: str, refs: Iterable[str], *, chunk: int = 500) -> set[str]:
    """Which of these people already have an event of this kind (checked before the new ones are written)."""
    refs, found = list(refs), set()
    for start in range(0, len(refs), chunk):
        found.update(db.session.scalars(
            sa.select(Event.candidate_ref).distinct()
            .where(Event.kind == kind, Event.candidate_ref.in_(refs[start:start + chunk]))))
    return found


def count_events(events: Iterable[Event]) -> None:
    """Add people's first events of a kind to their months, all in one statement. Does not commit."""
    totals: Totals = {}
    minutes: dict[int | None, int | None] = {}
    for event in events:
        if event.feedback_session_id not in minutes:
            minutes[event.feedback_session_id] = _slot_minutes(event.feedback_session_id)
        _add(totals, event, minutes[event.feedback_session_id])
    _upsert(totals)


def recount(candidate_ref: str, kind: str, removed: list[Event]) -> None:
    """After events were removed: take the old first one out of the roll-up and put the new first in."""
    if not removed:
        return
    remaining = db.session.scalar(
        sa.select(Event).where(Event.candidate_ref == candidate_ref, Event.kind == kind)
        .order_by(Event.occurred_at, Event.id).limit(1))
    old_first = min(removed, key=lambda e: (e.occurred_at, e.id))
    if remaining is not None and (remaining.occurred_at, remaining.id) < (old_first.occurred_at, old_first.id):
        return  # the removed events were not the one that counted
    totals: Totals = {}
    _add(totals, old_first, _slot_minutes(old_first.feedback_session_id), -1)
    if remaining is not None:
        _add(totals, remaining, _slot_minutes(remaining.feedback_session_id))
    _upsert(totals)


def rebuild(*, chunk: int = 20_000) -> int:
    """Recompute the whole roll-up from the event log (first event per person and kind). Commits."""
    db.session.commit()  # the session holds no transaction (on SQLite: no lock) while the log is read
    totals: Totals = {}
    columns = (Event.id, Event.kind, Event.occurred_at, Event.candidate_ref, Event.department, Event.vacancy,
               Event.stage, Event.reason, Event.rejected_on, Event.feedback_session_id, Event.value, Event.user_id,
               Event.detail)
    query = sa.select(*columns).order_by(Event.candidate_ref, Event.kind, Event.occurred_at, Event.id)
    previous = None
    with db.engine.connect() as connection:
        minutes = dict(connection.execute(sa.select(FeedbackSession.id, FeedbackSession.slot_minutes)).all())
        result = connection.execution_options(yield_per=chunk).execute(query)
        for event in result:
            key = (event.candidate_ref, event.kind)
            if key == previous:
                continue  # only the first event of a kind counts
            previous = key
            _add(totals, event, minutes.get(event.feedback_session_id))
    db.session.execute(sa.delete(StatMonth))
    rows = [{"month": m, "kind": k, "dimension": d, "dim_value": v, "people": p, "value_sum": s, "value_n": n}
            for (m, k, d, v), (p, s, n) in totals.items()]
    for start in range(0, len(rows), 5_000):
        db.session.execute(sa.insert(StatMonth), rows[start:start + 5_000])
    db.session.commit()
    return len(rows)
