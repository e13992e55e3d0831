"""Planning a series of months at once: one feedback hour on the same weekday of each month."""

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.booking.free_times import times_changed
from app.booking.services import offer_free_slots
from app.database import utcnow
from app.extensions import db
from app.models import FeedbackSession, FeedbackSessionStatus
from app.sessions.errors import SessionError
from app.sessions.layout import SessionPlan
from app.sessions.planning import create_from_plan
from app.timeutil import from_local, local

MAX_SERIES_MONTHS = 12
# Which occurrence of a weekday in its month: 1..4, or -1 for the last one.
NTH_CHOICES = (1, 2, 3, 4, -1)


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The ``nth`` (1..4, or -1 for the last) ``weekday`` (0 = Monday) of a month."""
    if nth == -1:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def series_dates(nth: int, weekday: int, months: int, *, today: date) -> list[date]:
    """The dates of a series: one per month for ``months`` months, the first still ahead of ``today``."""
    days, year, month = [], today.year, today.month
    while len(days) < months:
        day = nth_weekday(year, month, nth, weekday)
        if day > today:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def sessions_on(day: date) -> list[FeedbackSession]:
    """Sessions (not cancelled) on ``day``, Amsterdam calendar."""
    return list(db.session.scalars(
        sa.select(FeedbackSession).where(
            FeedbackSession.starts_at >= from_local(day, time(0)),
            FeedbackSession.starts_at < from_local(day + timedelta(days=1), time(0)),
            FeedbackSession.status != FeedbackSessionStatus.CANCELLED,
        )
    ))


@dataclass(frozen=True)
class SeriesDate:
    day: date
    existing: FeedbackSession | None

    @property
    def skipped(self) -> bool:
        return self.existing is not None


def preview_series(nth: int, weekday: int, months: int, *, now: datetime | None = None) -> list[SeriesDate]:
    """The dates a series would get, each with the session already on that day (then it is skipped)."""
    today = local(now or utcnow()).date()
    result = []
    for day in series_dates(nth, weekday, months, today=today):
        existing = sessions_on(day)
        result.append(SeriesDate(day, existing[0] if existing else None))
    return result


def plan_series(
    nth: int, weekday: int, months: int, layout: SessionPlan, *, publish: bool = False,
    now: datetime | None = None,
) -> tuple[list[FeedbackSession], list[date]]:
    """Create a session on every date of the series that has none yet; returns (created, skipped days).

    ``layout`` gives times, slots, breaks, place and hosts (its ``day`` is ignored). Drafts unless
    ``publish``, in which case the waitlist is offered the new places.
    """
    now = now or utcnow()
    if not 1 <= months <= MAX_SERIES_MONTHS or nth not in NTH_CHOICES or not 0 <= weekday <= 6:
        raise SessionError()
    status = FeedbackSessionStatus.PUBLISHED if publish else FeedbackSessionStatus.DRAFT
    created, skipped = [], []
    for item in preview_series(nth, weekday, months, now=now):
        if item.skipped:
            skipped.append(item.day)
            continue
        created.append(create_from_plan(replace(layout, day=item.day), status))
    db.session.flush()
    if publish and created:
        offer_free_slots(now=now)
    times_changed()
    return created, skipped
