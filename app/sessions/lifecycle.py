"""Publishing, closing, cancelling and deleting feedback hours."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.booking.free_times import times_changed
from app.booking.services import offer_free_slots
from app.database import utcnow
from app.extensions import db
from app.mail import notifications
from app.models import Booking, BookingStatus, FeedbackSession, FeedbackSessionStatus, Slot
from app.sessions.changes import bump_booking, next_session_ahead, tell_dropped
from app.sessions.errors import ChangedMeanwhile, SessionLocked, WrongStatus
from app.sessions.planning import is_editable


def publish_session(feedback_session: FeedbackSession, *, now: datetime | None = None) -> int:
    """Open a session for booking and offer its places to the waitlist; returns how many people
    were offered a place."""
    now = now or utcnow()
    if (
        feedback_session.status not in (FeedbackSessionStatus.DRAFT, FeedbackSessionStatus.CLOSED)
        or feedback_session.ends_at <= now
    ):
        raise WrongStatus()
    feedback_session.status = FeedbackSessionStatus.PUBLISHED
    db.session.flush()
    times_changed()
    return offer_free_slots(now=now)


def close_session(feedback_session: FeedbackSession, *, now: datetime | None = None) -> None:
    """Take a published session off the booking page; its bookings stay."""
    if feedback_session.status != FeedbackSessionStatus.PUBLISHED:
        raise WrongStatus()
    feedback_session.status = FeedbackSessionStatus.CLOSED
    times_changed()


def booked_in(feedback_session: FeedbackSession) -> list[Booking]:
    """The conversations still ahead in ``feedback_session`` (status booked), in time order."""
    return list(db.session.scalars(
        sa.select(Booking).join(Booking.slot)
        .where(Slot.feedback_session_id == feedback_session.id, Booking.status == BookingStatus.BOOKED)
        .order_by(Slot.starts_at)
    ))


def cancel_fingerprint(feedback_session: FeedbackSession) -> str:
    return ",".join(f"{b.id}:{b.sequence}" for b in sorted(booked_in(feedback_session), key=lambda b: b.id))


def cancel_session(
    feedback_session: FeedbackSession, *, expected: str | None = None, actor_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Cancel ``feedback_session``: every booked candidate gets a CANCEL invitation and the next session
    ahead, or a place on the waitlist when none is planned. ``expected`` is the fingerprint of the
    bookings the recruiter saw. Returns how many candidates are told. All or nothing, as ``update_session``."""
    now = now or utcnow()
    if not is_editable(feedback_session, now):
        raise SessionLocked()
    bookings = booked_in(feedback_session)
    if expected is not None and expected != cancel_fingerprint(feedback_session):
        raise ChangedMeanwhile()
    try:
        with db.session.begin_nested():
            for booking in bookings:
                bump_booking(booking, now, status=BookingStatus.CANCELLED, cancelled_at=now)
            feedback_session.status = FeedbackSessionStatus.CANCELLED
            db.session.flush()
            offer = next_session_ahead(now)
            for booking in bookings:
                tell_dropped(booking, offer, now, notifications.notify_session_cancelled, actor_id)
    except IntegrityError:
        raise ChangedMeanwhile() from None
    times_changed()
    return len(bookings)


def delete_draft(feedback_session: FeedbackSession) -> None:
    """Remove a draft that was never booked (e.g. one month too many in a series)."""
    has_bookings = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).join(Booking.slot).where(Slot.feedback_session_id == feedback_session.id)
    )
    if feedback_session.status != FeedbackSessionStatus.DRAFT or has_bookings:
        raise WrongStatus(_("Only a draft without bookings can be deleted."))
    db.session.delete(feedback_session)
