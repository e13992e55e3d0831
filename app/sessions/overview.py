"""The recruiters' overviews of the feedback hours: places booked and offered, slots with their bookings."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, FeedbackSession, Slot
from app.sessions.changes import active_bookings


@dataclass(frozen=True)
class SessionRow:
    session: FeedbackSession
    booked: int
    offered: int


def with_place_counts() -> sa.Select:
    """(session, booked, offered) rows: each feedback hour with how many of its places are booked (not
    cancelled) and how many it offers."""
    booked = (
        sa.select(sa.func.count(Booking.id))
        .join(Slot, Booking.slot_id == Slot.id)
        .where(Slot.session_id == FeedbackSession.id, Booking.status != BookingStatus.CANCELLED)
        .scalar_subquery()
    )
    offered = sa.select(sa.func.count(Slot.id)).where(Slot.session_id == FeedbackSession.id).scalar_subquery()
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


def slot_overview(session: FeedbackSession) -> list[tuple[Slot, Booking | None]]:
    """Every slot of ``session`` with its active booking, if any."""
    booked = active_bookings(session)
    return [(slot, booked.get(slot.id)) for slot in session.slots]
