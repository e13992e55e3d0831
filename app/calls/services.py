"""The call after an interview: who is owed one and by when (two Dutch working days after the decision),
the record of each call, checked by the feedback checker like the notes, and the personal link to the
feedback hour for a candidate who wants that as well. Views call these functions and turn their
exceptions into messages; nothing here commits."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import checker
from app.audit.services import record_audit
from app.calls.duty import owes_call
from app.calls.workdays import call_due_on
from app.candidates.services import RejectionEmail, send_rejections
from app.core.errors import DomainError
from app.core.languages import offered
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.i18n import _l
from app.labels import labels_of
from app.models import CallOutcome, CallRecord, Candidate, Labelled, Stage, User
from app.timeutil import local

POINTS_MAX_LENGTH = 2000
RECENT_DAYS = 14


class CallError(DomainError):
    """A rule about calls said no; ``message`` is what the recruiter reads."""


NoCallOwed = CallError.refusal("NoCallOwed", _l("Only candidates rejected after an interview are owed a call."))
AlreadyReached = CallError.refusal("AlreadyReached", _l(
    "This candidate has been reached already; the call is recorded."))
CallBackTimeNeeded = CallError.refusal("CallBackTimeNeeded", _l("Give the day and time to call back, after now."))
PointsNeeded = CallError.refusal("PointsNeeded", _l("Write the one or two points you gave in the call."))
WishNeedsReached = CallError.refusal("WishNeedsReached", _l(
    "Only a candidate you reached can say they want the feedback hour as well."))


# --- the call list -----------------------------------------------------------------------------------

class Urgency(Labelled):
    OVERDUE = "overdue", _l("Overdue")
    TODAY = "today", _l("Due today")
    LATER = "later", _l("Due")


URGENCY_LABELS = labels_of(Urgency)
OUTCOME_LABELS = labels_of(CallOutcome)


@dataclass(frozen=True)
class CallRow:
    """One candidate owed a call: by when, how urgent, and the last attempt if any."""

    candidate: Candidate
    due_on: date
    urgency: Urgency
    last: CallRecord | None

    @property
    def attempts(self) -> int:
        return len(self.candidate.calls)


@dataclass(frozen=True)
class MadeCall:
    """A call that reached the candidate: when, and whether within two working days."""

    candidate: Candidate
    call: CallRecord
    due_on: date

    @property
    def on_time(self) -> bool:
        return local(self.call.called_at).date() <= self.due_on


def urgency(due_on: date, today: date) -> Urgency:
    if due_on < today:
        return Urgency.OVERDUE
    return Urgency.TODAY if due_on == today else Urgency.LATER


def _reached():
    return sa.exists().where(CallRecord.candidate_id == Candidate.id, CallRecord.outcome == CallOutcome.REACHED)


def call_list(now: datetime | None = None) -> list[CallRow]:
    """Everyone rejected after an interview and not reached yet: overdue first, then by the last day to call,
    then by the time they asked to be called back (two queries)."""
    now = now or utcnow()
    today = local(now).date()
    candidates = db.session.scalars(
        sa.select(Candidate).where(Candidate.stage == Stage.INTERVIEW, ~_reached())
        .options(selectinload(Candidate.calls))
    )
    rows = []
    for candidate in candidates:
        due = call_due_on(candidate.rejected_on)
        rows.append(CallRow(candidate, due, urgency(due, today), candidate.calls[-1] if candidate.calls else None))

    def order(row: CallRow):
        call_back = row.last.call_back_at if row.last and row.last.outcome == CallOutcome.CALL_BACK else None
        return (row.urgency != Urgency.OVERDUE, row.due_on, call_back is None, call_back or now, row.candidate.name,
                row.candidate.id)

    return sorted(rows, key=order)


def calls_to_make(now: datetime | None = None) -> dict[Urgency, int]:
    """How many calls are overdue, due today and due later (for the recruiter's start page)."""
    counts = dict.fromkeys(Urgency, 0)
    for row in call_list(now):
        counts[row.urgency] += 1
    return counts


def recent_calls(now: datetime | None = None, *, days: int = RECENT_DAYS) -> list[MadeCall]:
    """The calls that reached a candidate in the last ``days`` days, newest first."""
    since = (now or utcnow()) - timedelta(days=days)
    calls = db.session.scalars(
        sa.select(CallRecord).where(CallRecord.outcome == CallOutcome.REACHED, CallRecord.called_at >= since)
        .options(selectinload(CallRecord.candidate)).order_by(CallRecord.called_at.desc(), CallRecord.id.desc())
    )
    return [MadeCall(call.candidate, call, call_due_on(call.candidate.rejected_on)) for call in calls]


def due_on(candidate: Candidate) -> date:
    """The last day to call ``candidate``."""
    return call_due_on(candidate.rejected_on)


def reached_call(candidate: Candidate) -> CallRecord | None:
    return next((c for c in candidate.calls if c.outcome == CallOutcome.REACHED), None)


# --- recording a call --------------------------------------------------------------------------------

def points_warnings(points: str, language: str) -> list[checker.Finding]:
    """The checker's warnings for the points of a call, the candidate's language first."""
    return checker.check_texts({"points": points or ""}, language)["points"]


def record_call(
    candidate: Candidate, outcome: CallOutcome, *, points: str = "", call_back_at: datetime | None = None,
    wants_feedback_hour: bool = False, warnings_confirmed: bool = False, user: User | None = None,
    now: datetime | None = None,
) -> CallRecord:
    """Record one call. A call that reached the candidate ends their place on the call list, counts in the
    figures (within two working days of the decision or late) and, when they want the feedback hour as
    well, sends them their personal link at once through the rejection e-mail. The checker reads the points
    first: with warnings the call is saved only when ``warnings_confirmed`` (else checker.WarningsNotConfirmed),
    and the audit log records who saved it despite which kinds of warning (never the text)."""
    now = now or utcnow()
    if not owes_call(candidate):
        raise NoCallOwed()
    if reached_call(candidate) is not None:
        raise AlreadyReached()
    points = (points or "").strip()
    if outcome == CallOutcome.CALL_BACK:
        if call_back_at is None or call_back_at <= now:
            raise CallBackTimeNeeded()
    else:
        call_back_at = None
    if outcome == CallOutcome.REACHED and not points:
        raise PointsNeeded()
    if wants_feedback_hour and outcome != CallOutcome.REACHED:
        raise WishNeedsReached()
    if len(points) > POINTS_MAX_LENGTH:
        raise CallError(_("Please keep the points to %(limit)s characters.", limit=POINTS_MAX_LENGTH))
    warned = checker.categories_of(points_warnings(points, candidate.language))
    if warned and not warnings_confirmed:
        raise checker.WarningsNotConfirmed(_l(
            "The feedback checker has warnings for these points. Read them, then confirm that you want to save "
            "the call anyway."))

    call = CallRecord(candidate_id=candidate.id, outcome=outcome, called_at=now, call_back_at=call_back_at,
                      points=points, wants_feedback_hour=wants_feedback_hour, recorded_by_id=user.id if user else None)
    try:
        with db.session.begin_nested():  # someone else saved the reached call meanwhile: the unique index says no
            db.session.add(call)
            db.session.flush()
    except IntegrityError:
        raise AlreadyReached() from None
    db.session.refresh(candidate, ["calls"])
    record_audit("call_recorded", target_type="candidate", target_id=candidate.id, detail=outcome.value, actor=user)
    if warned:
        record_audit("warning_overridden", target_type="candidate", target_id=candidate.id, actor=user,
                     detail=f"call saved despite: {', '.join(warned)}")
    if outcome == CallOutcome.REACHED:
        on_time = local(now).date() <= due_on(candidate)
        record_event("called", candidate, at=now, value=1 if on_time else 0, user_id=user.id if user else None)
        if wants_feedback_hour:
            send_feedback_hour_link(candidate, now=now)
    return call


def send_feedback_hour_link(candidate: Candidate, *, now: datetime | None = None) -> int:
    """The personal link to the feedback hour, now, through the rejection e-mail (a link of its own, the
    invitation counted once), with a few lines that follow on from the call instead of the template's."""
    language = offered(candidate.language)
    with force_locale(language):
        subject = _("Your feedback conversation about %(vacancy)s", vacancy=candidate.vacancy)
        intro = "\n\n".join([
            _("Dear %(name)s,", name=candidate.first_name),
            _("Thank you for our phone call about your application for %(vacancy)s. As we agreed, here is your "
              "personal link to the feedback hour.", vacancy=candidate.vacancy),
        ])
    email = RejectionEmail(subject=subject, intro=intro, personal_line="", stage=candidate.stage, language=language)
    return send_rejections([candidate], {}, resend={candidate.id}, now=now, composed={candidate.id: email},
                           personal=False, warnings_confirmed=True)
