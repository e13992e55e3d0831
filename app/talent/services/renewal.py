"""The renewal e-mail: a member is asked once, a month before their consent ends."""

from datetime import datetime

import sqlalchemy as sa

from app.core.claims import mark_once
from app.database import utcnow
from app.extensions import db
from app.mail import notifications
from app.models import PoolMembership
from app.talent.services.periods import RENEWAL_NOTICE_MONTHS, add_months, is_current
from app.tokens import keep_links_alive, valid_token


def queue_pool_renewals(*, now: datetime | None = None) -> int:
    """Ask each member, once per consent period, to renew when the consent ends within a month.
    Each membership is claimed with a conditional update, so two workers never both ask."""
    now = now or utcnow()
    due = list(db.session.scalars(
        sa.select(PoolMembership).where(
            is_current(now),
            PoolMembership.renewal_requested_at.is_(None),
            PoolMembership.expires_at <= add_months(now, RENEWAL_NOTICE_MONTHS),
        ).order_by(PoolMembership.expires_at, PoolMembership.id)
    ))
    queued = 0
    for membership in due:
        if not mark_once(membership, "renewal_requested_at", now):
            continue
        candidate = membership.candidate
        token = valid_token(candidate)
        keep_links_alive(candidate, membership.expires_at)
        notifications.notify_pool_renewal(membership, token)
        queued += 1
    return queued
