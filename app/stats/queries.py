"""Read-only queries over the event log. They return plain data and never touch personal data."""

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Event

FUNNEL = ["invited", "booked", "attended", "no_show", "suitable", "joined_pool", "reapplied", "hired"]


def funnel_counts(start: datetime, end: datetime) -> dict[str, int]:
    """How many distinct candidates reached each step in [start, end): one aggregate query."""
    rows = db.session.execute(
        sa.select(Event.kind, sa.func.count(sa.distinct(Event.candidate_ref)))
        .where(Event.occurred_at >= start, Event.occurred_at < end, Event.kind.in_(FUNNEL))
        .group_by(Event.kind)
    ).all()
    counts = dict.fromkeys(FUNNEL, 0)
    counts.update({kind: n for kind, n in rows})
    return counts
