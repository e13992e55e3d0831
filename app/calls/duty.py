"""Which candidates are owed a call: everyone rejected after an interview. Every way a candidate comes in
(by hand, a CSV file, an integration, the demo) tells the event log here, so that the HR figures count the
calls due even after the person is erased. Imports no feature: the candidates feature builds on it."""

from collections.abc import Sequence
from datetime import time

from app.events import record_events
from app.models import Candidate, Stage
from app.timeutil import from_local

DECIDED_AT = time(12, 0)  # the decision has a day, not a time: it counts at midday, Amsterdam


def owes_call(candidate: Candidate) -> bool:
    """A candidate rejected after an interview is owed a phone call."""
    return candidate.stage == Stage.INTERVIEW


def record_calls_due(candidates: Sequence[Candidate]) -> None:
    """Log a "call_due" event, in the month of the decision, for each of ``candidates`` owed a call (objects
    with the fields the event log copies: ``ref``, ``stage``, ``rejected_on``, ...). Does not commit."""
    owed = [c for c in candidates if owes_call(c)]
    by_day: dict = {}
    for candidate in owed:
        by_day.setdefault(candidate.rejected_on, []).append(candidate)
    for day, group in by_day.items():
        record_events("call_due", group, at=from_local(day, DECIDED_AT))
