"""The anonymous event log behind the figures: what happened, when, to which pseudonymous candidate."""

from datetime import datetime

from app.database import utcnow
from app.extensions import db
from app.models import Candidate, Event


def record_event(kind: str, candidate: Candidate, *, session_id: int | None = None, at: datetime | None = None) -> Event:
    """Log ``kind`` for ``candidate`` by their random ``ref`` only: it survives the person's erasure."""
    event = Event(
        kind=kind,
        occurred_at=at or utcnow(),
        candidate_ref=candidate.ref,
        department=candidate.department or "",
        vacancy=candidate.vacancy or "",
        stage=str(candidate.stage.value if candidate.stage else ""),
        session_id=session_id,
    )
    db.session.add(event)
    return event
