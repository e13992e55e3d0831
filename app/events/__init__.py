"""The anonymous event log behind the figures: what happened, when, to which pseudonymous candidate.

An event keeps the candidate's random ``ref`` and the facts the figures group by (department,
vacancy, stage, rejection reason, rejection date), never a name, an address or a note, so that
every count survives the erasure of the person. Every feature writes events here; each is counted
in the monthly roll-up (``rollup``) as it is written, which the HR figures (app/stats/) read.
"""

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Flask, current_app

from app.database import utcnow
from app.events import rollup
from app.extensions import db
from app.models import Candidate, Event

# The kinds of event, in the order of the journey.
KINDS = (
    "invited", "waitlisted", "booked", "rescheduled", "cancelled", "cancelled_late", "attended", "no_show",
    "suitable", "pool_requested", "joined_pool", "left_pool", "reapplied", "hired", "surveyed", "recommended",
    # The call after an interview: owed (at the decision), and made (value 1 within two working days, else 0).
    "call_due", "called",
)


def record_event(
    kind: str, candidate: Candidate, *, feedback_session_id: int | None = None, at: datetime | None = None,
    value: int | None = None, user_id: int | None = None, detail: str = "",
) -> None:
    """Log ``kind`` for ``candidate`` by their random ``ref`` only; ``detail`` a fixed code (never free text),
    such as the reason for cancelling. Does not commit."""
    record_events(
        kind, [candidate], feedback_session_id=feedback_session_id, at=at, value=value, user_id=user_id, detail=detail
    )


def record_events(
    kind: str, candidates: Sequence[Candidate], *, feedback_session_id: int | None = None, at: datetime | None = None,
    value: int | None = None, user_id: int | None = None, first_for_all: bool = False, detail: str = "",
) -> None:
    """Log ``kind`` for each of ``candidates`` and count each person's first one in the monthly roll-up:
    one lookup, one INSERT and one roll-up statement, however many people (a selection of rejection
    e-mails, say). ``first_for_all``: the caller knows that none of them has such an event yet (they were
    never invited, say), which spares the lookup. Does not commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if not candidates:
        return
    counted_refs = set() if first_for_all else rollup.refs_with(kind, {c.ref for c in candidates})
    at = at or utcnow()
    rows, first = [], []
    for candidate in candidates:
        row = {
            "kind": kind,
            "occurred_at": at,
            "candidate_ref": candidate.ref,
            "department": candidate.department or "",
            "vacancy": candidate.vacancy or "",
            "stage": str(candidate.stage.value if candidate.stage else ""),
            "reason": candidate.rejection_reason or "",
            "rejected_on": candidate.rejected_on,
            "feedback_session_id": feedback_session_id,
            "value": value,
            "user_id": user_id,
            "detail": detail,
        }
        rows.append(row)
        if candidate.ref not in counted_refs:
            counted_refs.add(candidate.ref)
            first.append(SimpleNamespace(**row))
    db.session.execute(sa.insert(Event), rows)
    rollup.count_events(first)
    for listener in current_app.extensions.get(_LISTENERS, ()):
        listener(kind, candidates, feedback_session_id=feedback_session_id, at=at)


_LISTENERS = "events.listeners"  # key in app.extensions


def add_listener(app: Flask, listener) -> None:
    """Call ``listener(kind, candidates, feedback_session_id=…, at=…)`` after every step is recorded, in the same
    transaction (the outgoing webhooks, app/webhooks/events.py). The event log knows no feature: features
    register here."""
    listeners = app.extensions.setdefault(_LISTENERS, [])
    if listener not in listeners:
        listeners.append(listener)


def forget_events(kind: str, candidate: Candidate, *, feedback_session_id: int | None = None) -> int:
    """Remove events that a correction has overtaken (e.g. an outcome recorded wrongly) and recount
    the figures they were part of. Does not commit; returns how many went."""
    query = sa.select(Event).where(Event.kind == kind, Event.candidate_ref == candidate.ref)
    if feedback_session_id is not None:
        query = query.where(Event.feedback_session_id == feedback_session_id)
    removed = list(db.session.scalars(query))
    for event in removed:
        db.session.delete(event)
    db.session.flush()
    rollup.recount(candidate.ref, kind, removed)
    return len(removed)
