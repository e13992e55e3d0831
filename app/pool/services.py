"""A recruiter's offer of the talent pool, and the candidate's answer to it.

Membership itself (what counts as a member, how long consent lasts, withdrawing) is the talent pool's
business, in app.talent.services; this module adds the question a recruiter asks after a conversation
and the candidate's yes or no to it.
"""

from datetime import datetime

import sqlalchemy as sa

from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.i18n import _l
from app.mail import notifications
from app.models import Candidate, PoolMembership, PoolSource
from app.talent import services as talent


class PoolError(Exception):
    """A rule said no. ``message`` is what the person reads."""

    message = _l("That did not work. Please try again.")

    def __init__(self, message=None):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message


class AlreadyAsked(PoolError):
    message = _l("The candidate has already been asked and has not answered yet.")


class AlreadyMember(PoolError):
    message = _l("The candidate is already in the talent pool.")


class NoOpenRequest(PoolError):
    message = _l("There is no open question about the talent pool (any more).")


def _lock(candidate: Candidate) -> None:
    """Take the candidate's row lock (PostgreSQL), so that two clicks at once cannot both ask or answer."""
    db.session.execute(sa.select(Candidate.id).where(Candidate.id == candidate.id).with_for_update())


def current_membership(candidate: Candidate, now: datetime | None = None) -> PoolMembership | None:
    """The person's membership if they are in the pool now."""
    return talent.current_membership(candidate, now)


def open_request(candidate: Candidate) -> PoolMembership | None:
    """The question that is asked and not yet answered either way."""
    return db.session.scalar(
        sa.select(PoolMembership)
        .where(PoolMembership.candidate_id == candidate.id, PoolMembership.consented_at.is_(None),
               PoolMembership.withdrawn_at.is_(None))
        .order_by(PoolMembership.requested_at.desc(), PoolMembership.id.desc())
        .limit(1)
    )


def last_answer(candidate: Candidate) -> PoolMembership | None:
    """The most recent membership that was answered or has ended, to say how things stand."""
    return db.session.scalar(
        sa.select(PoolMembership)
        .where(PoolMembership.candidate_id == candidate.id,
               sa.or_(PoolMembership.consented_at.is_not(None), PoolMembership.withdrawn_at.is_not(None)))
        .order_by(PoolMembership.requested_at.desc(), PoolMembership.id.desc())
        .limit(1)
    )


def request_consent(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """Ask the candidate by e-mail whether they want to join the talent pool."""
    now = now or utcnow()
    _lock(candidate)
    if current_membership(candidate, now) is not None:
        raise AlreadyMember()
    if open_request(candidate) is not None:
        raise AlreadyAsked()
    membership = PoolMembership(candidate=candidate, source=PoolSource.RECRUITER, requested_at=now)
    db.session.add(membership)
    db.session.flush()
    record_event("pool_requested", candidate, at=now)
    notifications.notify_pool_consent_request(membership)
    return membership


def give_consent(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """The candidate ticked the box and said yes to the open question."""
    _lock(candidate)
    if open_request(candidate) is None:
        raise NoOpenRequest()
    try:
        membership = talent.join_pool(candidate, now=now)  # consents the open request, for 12 months
    except talent.AlreadyMember:
        raise AlreadyMember() from None
    return membership


def decline(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """The candidate says no: nothing is kept for the pool."""
    _lock(candidate)
    membership = open_request(candidate)
    if membership is None:
        raise NoOpenRequest()
    # The schema has no field for a refusal: a refused question is one withdrawn before any consent.
    membership.withdrawn_at = now or utcnow()
    return membership
