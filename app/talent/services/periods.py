"""Consent periods, and the person behind candidate rows (found by e-mail address, whatever its case)."""

import calendar
from datetime import datetime

import sqlalchemy as sa

from app.models import Candidate, PoolMembership

CONSENT_MONTHS = 12
RENEWAL_NOTICE_MONTHS = 1


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (or earlier); the 31st becomes the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def is_current(now: datetime):
    """The SQL condition for a membership that counts: consent given, not withdrawn, not expired."""
    return sa.and_(
        PoolMembership.consented_at.is_not(None),
        PoolMembership.withdrawn_at.is_(None),
        PoolMembership.expires_at > now,
    )


def expiring_soon(membership: PoolMembership, now: datetime) -> bool:
    """Consent ends within a month."""
    return membership.expires_at is not None and membership.expires_at <= add_months(now, RENEWAL_NOTICE_MONTHS)


def same_text(column, text: str):
    """The SQL condition that ``column`` is ``text``, whatever the case."""
    return sa.func.lower(column) == sa.func.lower(sa.literal(text))


def same_email(email: str):
    """Candidate rows of the same person: the e-mail address, whatever its case."""
    return same_text(Candidate.email, (email or "").strip())


def person_ids(email: str) -> sa.Select:
    """The ids of every candidate row of the person with this e-mail address."""
    return sa.select(Candidate.id).where(same_email(email))
