"""Building a talent-pool history by hand: members, tags and conversations that took place."""

import uuid
from datetime import datetime, timedelta

from app.database import utcnow
from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    PoolMembership,
    PoolSource,
    PoolTag,
)
from tests.booking.helpers import session_at

TALENT = "/recruiter/talent"


def add_member(candidate: Candidate, *, consented_at: datetime | None = None, expires_at: datetime | None = None,
               source: PoolSource = PoolSource.LINK, tags: dict[str, list[str]] | None = None,
               **fields) -> PoolMembership:
    """A membership with consent given (by default a month ago, for twelve months). Commits."""
    consented_at = consented_at or utcnow() - timedelta(days=30)
    membership = PoolMembership(
        candidate=candidate, source=source, requested_at=consented_at, consented_at=consented_at,
        expires_at=expires_at or consented_at + timedelta(days=365), **fields,
    )
    db.session.add(membership)
    db.session.flush()
    for kind, values in (tags or {}).items():
        for value in values:
            db.session.add(PoolTag(membership_id=membership.id, kind=kind, value=value))
    db.session.commit()
    return membership


def held_conversation(candidate: Candidate, starts_at: datetime, *, status: BookingStatus = BookingStatus.ATTENDED,
                      outcome_recorded_at: datetime | None = None, suitable_after_all: bool = False) -> Booking:
    """A conversation in a session of its own at ``starts_at``, with its outcome recorded (by default
    right after it). Commits."""
    slot = session_at(starts_at, slots=1).slots[0]
    booking = Booking(
        candidate=candidate, slot=slot, status=status, topics=["went_well"], uid=f"{uuid.uuid4()}@test",
        suitable_after_all=suitable_after_all,
        outcome_recorded_at=outcome_recorded_at or starts_at + timedelta(minutes=20),
    )
    db.session.add(booking)
    db.session.commit()
    return booking
