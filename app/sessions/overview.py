"""The recruiters' overviews of the feedback hours: places booked and offered, slots with their bookings."""

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.booking.free_times import places_per_time
from app.core.pagination import Page, fetch_page
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


AHEAD_LIMIT = 24  # the sessions ahead a list shows; a series reaches two years at most
PAST_PAGE_SIZE = 24


def session_overview(now: datetime | None = None, *, past_page: int = 1) -> tuple[Page[SessionRow], Page[SessionRow]]:
    """Sessions ahead (the AHEAD_LIMIT soonest) and a page of past ones (newest first), with booked and offered
    counts and their hosts: four statements however many sessions there are (hosts loaded for all at once)."""
    now = now or utcnow()
    base = with_place_counts().options(selectinload(FeedbackSession.hosts))
    ahead = db.session.execute(
        base.where(FeedbackSession.ends_at > now).order_by(FeedbackSession.starts_at, FeedbackSession.id)
        .limit(AHEAD_LIMIT + 1)
    ).all()
    past = fetch_page(
        base.where(FeedbackSession.ends_at <= now)
        .order_by(FeedbackSession.starts_at.desc(), FeedbackSession.id.desc()),
        past_page, PAST_PAGE_SIZE, counted=False,
    )
    return (Page([SessionRow(*r) for r in ahead[:AHEAD_LIMIT]], 1, has_next=len(ahead) > AHEAD_LIMIT),
            replace(past, rows=[SessionRow(*r) for r in past.rows]))


def slot_overview(feedback_session: FeedbackSession) -> list[tuple[Slot, Booking | None]]:
    """Every place of ``feedback_session`` (each slot once per host) with its active booking, or None when free."""
    booked = active_bookings(feedback_session)
    rows: list[tuple[Slot, Booking | None]] = []
    for slot in feedback_session.slots:
        bookings = booked.get(slot.id, [])
        rows.extend((slot, booking) for booking in bookings)
        rows.extend((slot, None) for _ in range(feedback_session.places - len(bookings)))
    return rows
