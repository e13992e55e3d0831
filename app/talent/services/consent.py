"""Consent: asked by a recruiter, given, refused, renewed or withdrawn from the candidate's link."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.mail import notifications
from app.models import Candidate, PoolMembership, PoolSource, PoolTag
from app.talent.services.errors import AlreadyAsked, AlreadyMember, NoOpenRequest, NotMember
from app.talent.services.periods import CONSENT_MONTHS, add_months, is_current, person_ids
from app.tokens import keep_links_alive


def _person_memberships(candidate: Candidate):
    return sa.select(PoolMembership).where(PoolMembership.candidate_id.in_(person_ids(candidate.email)))


def _lock(candidate: Candidate) -> None:
    """Take the candidate's row lock (PostgreSQL; SQLite serialises writers anyway), so that two clicks at
    once cannot both ask, join or answer."""
    db.session.execute(sa.select(Candidate.id).where(Candidate.id == candidate.id).with_for_update())


def current_membership(candidate: Candidate, now: datetime | None = None) -> PoolMembership | None:
    """The person's membership that lasts longest, if they are in the pool now."""
    return db.session.scalar(
        _person_memberships(candidate).where(is_current(now or utcnow()))
        .order_by(PoolMembership.expires_at.desc()).limit(1)
    )


def open_request(candidate: Candidate) -> PoolMembership | None:
    """The recruiter's question to this candidate that is not yet answered either way."""
    return db.session.scalar(
        sa.select(PoolMembership)
        .where(PoolMembership.candidate_id == candidate.id, PoolMembership.consented_at.is_(None),
               PoolMembership.withdrawn_at.is_(None))
        .order_by(PoolMembership.requested_at.desc(), PoolMembership.id.desc())
        .limit(1)
    )


def last_answer(candidate: Candidate) -> PoolMembership | None:
    """This candidate's most recent membership that was answered or has ended, to say how things stand."""
    return db.session.scalar(
        sa.select(PoolMembership)
        .where(PoolMembership.candidate_id == candidate.id,
               sa.or_(PoolMembership.consented_at.is_not(None), PoolMembership.withdrawn_at.is_not(None)))
        .order_by(PoolMembership.requested_at.desc(), PoolMembership.id.desc())
        .limit(1)
    )


def request_consent(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """A recruiter asks the candidate by e-mail whether they want to join the talent pool: AlreadyMember
    or AlreadyAsked when that would ask twice."""
    now = now or utcnow()
    _lock(candidate)
    if current_membership(candidate, now) is not None:
        raise AlreadyMember(_("The candidate is already in the talent pool."))
    if open_request(candidate) is not None:
        raise AlreadyAsked()
    membership = PoolMembership(candidate=candidate, source=PoolSource.RECRUITER, requested_at=now)
    db.session.add(membership)
    db.session.flush()
    record_event("pool_requested", candidate, at=now)
    notifications.notify_pool_consent_request(membership)
    return membership


def decline(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """The candidate says no to the recruiter's question: nothing is kept for the pool. NoOpenRequest
    when there is no question (any more)."""
    _lock(candidate)
    membership = open_request(candidate)
    if membership is None:
        raise NoOpenRequest()
    # The schema has no field for a refusal: a refused question is one withdrawn before any consent.
    membership.withdrawn_at = now or utcnow()
    return membership


def join_pool(candidate: Candidate, *, now: datetime | None = None,
              source: PoolSource = PoolSource.LINK) -> PoolMembership:
    """The candidate ticked the consent box: in the pool for twelve months from now. An open request
    (a recruiter's question not yet answered) is the one that gets the consent; otherwise ``source`` says
    where they ticked it (their link, or the booking form). AlreadyMember when they are in it already."""
    now = now or utcnow()
    _lock(candidate)
    if current_membership(candidate, now) is not None:
        raise AlreadyMember()
    membership = open_request(candidate)
    if membership is None:
        membership = PoolMembership(candidate=candidate, source=source, requested_at=now)
        db.session.add(membership)
    membership.consented_at = now
    membership.expires_at = add_months(now, CONSENT_MONTHS)
    membership.renewal_requested_at = None
    keep_links_alive(candidate, membership.expires_at)  # so that the link can withdraw the consent all year
    record_event("joined_pool", candidate, at=now)
    return membership


def renew_consent(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """Twelve more months from now for the person's current membership(s); the renewal e-mail can come again."""
    now = now or utcnow()
    _lock(candidate)
    memberships = list(db.session.scalars(_person_memberships(candidate).where(is_current(now))))
    if not memberships:
        raise NotMember()
    until = add_months(now, CONSENT_MONTHS)
    for membership in memberships:
        membership.expires_at = until
        membership.renewal_requested_at = None
    keep_links_alive(candidate, until)
    return memberships[0]


def withdraw_consent(candidate: Candidate, *, now: datetime | None = None) -> int:
    """End the person's consent at once: every current membership and open request under their e-mail
    address, and the recruiters' tags on them. Returns how many memberships ended."""
    now = now or utcnow()
    _lock(candidate)
    open_ones = list(db.session.scalars(
        _person_memberships(candidate).where(
            PoolMembership.withdrawn_at.is_(None),
            sa.or_(PoolMembership.consented_at.is_(None), PoolMembership.expires_at > now),
        )
    ))
    ended = 0
    for membership in open_ones:
        if membership.consented_at is not None:
            record_event("left_pool", membership.candidate, at=now)
            ended += 1
        membership.withdrawn_at = now
    if open_ones:
        db.session.execute(sa.delete(PoolTag).where(PoolTag.membership_id.in_([m.id for m in open_ones])))
    return ended
