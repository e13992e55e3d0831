"""The recruiters' overviews of the feedback hours: places booked and offered, slots with their bookings."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.booking.free_times import places_per_time
from app.database import utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, FeedbackSession, Slot
from app.sessions.changes import active_bookings


@dataclass(frozen=True)
class SessionRow:
    feedback_session: FeedbackSession
    booked: int
    offered: int


def with_place_counts() -> sa.Select:
    """(session, booked, offered) rows: each feedback hour with how many of its places are booked (not
    cancelled) and how many it offers."""
    booked = (
        sa.select(sa.func.count(Booking.id))
        .join(Slot, Booking.slot_id == Slot.id)
        .where(Slot.feedback_session_id == FeedbackSession.id, Booking.status != BookingStatus.CANCELLED)
        .scalar_subquery()
    )
    times = sa.select(sa.func.count(Slot.id)).where(Slot.feedback_session_id == FeedbackSession.id).scalar_subquery()
    offered = times * places_per_time(FeedbackSession.id)
    return sa.select(FeedbackSession, booked, offered)


def session_overview(now: datetime | None = None, *, past_limit: int = 24) -> tuple[list[SessionRow], list[SessionRow]]:
    """Sessions ahead (soonest first) and the most recent past ones, with booked and offered counts."""
    now = now or utcnow()
    base = with_place_counts()
    ahead = db.session.execute(
        base.where(FeedbackSession.ends_at > now).order_by(FeedbackSession.starts_at)
    ).all()
    past = db.session.execute(
        base.where(FeedbackSession.ends_at <= now).order_by(FeedbackSession.starts_at.desc()).limit(past_limit)
    ).all()
    return [SessionRow(*r) for r in ahead], [SessionRow(*r) for r in past]


def slot_overview(feedback_session: FeedbackSession) -> list[tuple[Slot, Booking | None]]:
    """Every place of ``feedback_session`` (each slot once per host) with its active booking, or None when free."""
    booked = active_bookings(feedback_session)
    rows: list[tuple[Slot, Booking | None]] = []
    for slot in feedback_session.slots:
        bookings = booked.get(slot.id, [])
        rows.extend((slot, booking) for booking in bookings)
        rows.extend((slot, None) for _ in range(feedback_session.places - len(bookings)))
    return rows
