"""Sending a lost link again, without telling anyone whether an address is known."""

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.notifications import notify_link_resent
from app.models import Candidate, Invitation


def resend_link(email: str) -> bool:
    """Queue a fresh link for every still-valid candidate with this address; True if any was found.

    The caller must answer the same either way, so that nobody can learn who applied.
    """
    now = utcnow()
    candidates = db.session.scalars(
        sa.select(Candidate)
        .where(sa.func.lower(Candidate.email) == email.strip().lower())
        .where(
            sa.select(Invitation.id)
            .where(Invitation.candidate_id == Candidate.id, Invitation.revoked_at.is_(None),
                   Invitation.expires_at > now)
            .exists()
        )
    ).all()
    for candidate in candidates:
        notify_link_resent(candidate)
    return bool(candidates)
