"""What the recruiter's start page shows: the coming feedback sessions, mail that failed, and past
conversations whose outcome nobody recorded (their candidates' data goes with the retention period)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    FeedbackSession,
    FeedbackSessionStatus,
    OutboxMessage,
    OutboxStatus,
    Slot,
)
from app.privacy.services import outcome_missing_erasure
from app.sessions.overview import with_place_counts

COMING = 6  # feedback sessions on the start page
MISSING_SHOWN = 20  # past conversations without an outcome listed by name (the count covers all)


@dataclass(frozen=True)
class ComingSession:
    feedback_session: FeedbackSession
    booked: int
    offered: int


@dataclass(frozen=True)
class MissingOutcome:
    booking: Booking
    erased_from: datetime | None  # when the candidate's data goes unless something keeps it longer


def coming_sessions(now: datetime) -> list[ComingSession]:
    """The next feedback sessions with how many of their places are booked."""
    rows = db.session.execute(
        with_place_counts()
        .where(FeedbackSession.ends_at > now, FeedbackSession.status != FeedbackSessionStatus.CANCELLED)
        .order_by(FeedbackSession.starts_at)
        .limit(COMING)
    ).all()
    return [ComingSession(*row) for row in rows]


def failed_mail_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.FAILED))


def _missing_outcome(now: datetime):
    return sa.and_(Booking.status == BookingStatus.BOOKED, Slot.ends_at <= now)


def missing_outcomes(now: datetime) -> tuple[int, list[MissingOutcome]]:
    """Conversations whose time has passed with no outcome recorded: how many, and the oldest of them
    with the moment their candidate's data will be erased."""
    total = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).join(Booking.slot).where(_missing_outcome(now)))
    if not total:
        return 0, []
    bookings = db.session.scalars(
        sa.select(Booking).join(Booking.slot).where(_missing_outcome(now))
        .order_by(Slot.starts_at, Booking.id).limit(MISSING_SHOWN)
        .options(selectinload(Booking.candidate).selectinload(Candidate.bookings).selectinload(Booking.slot),
                 selectinload(Booking.candidate).selectinload(Candidate.invitations))
    ).all()
    return total, [MissingOutcome(b, outcome_missing_erasure(b.candidate, now)) for b in bookings]
