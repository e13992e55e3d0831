"""Preparing and following up a conversation: the day agenda, the notes, the outcome and the
written summary. Views call these functions and turn their exceptions into messages."""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import checker
from app.audit.services import record_audit, record_audit_once
from app.booking.free_times import times_changed
from app.core.errors import DomainError
from app.database import utcnow
from app.events import forget_events, record_event
from app.extensions import db
from app.i18n import _l
from app.mail import notifications
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    FeedbackRule,
    FeedbackSession,
    OutboxMessage,
    PreparationNote,
    Slot,
    User,
)

NOTE_FIELDS = ("went_well", "why_not", "advice", "free_notes")
SUMMARY_FIELDS = ("went_well", "why_not", "advice")  # never the free notes
OUTCOME_STATUS = {"attended": BookingStatus.ATTENDED, "no_show": BookingStatus.NO_SHOW,
                  "cancelled_late": BookingStatus.CANCELLED}


class NotesError(DomainError):
    """A rule about notes, outcomes or summaries said no; ``message`` is what the recruiter reads."""


OutcomeTooEarly = NotesError.refusal("OutcomeTooEarly", _l(
    "The conversation has not started yet. You can record whether it took place once it has."))
CancelledByCandidate = NotesError.refusal("CancelledByCandidate", _l(
    "The candidate cancelled this conversation online, so there is no outcome to record."))
SlotTakenSince = NotesError.refusal("SlotTakenSince", _l(
    "Someone else has booked this time since the cancellation, so this booking cannot be changed back."))
SummaryNeedsConversation = NotesError.refusal("SummaryNeedsConversation", _l(
    "A summary can be sent once the conversation has taken place and is recorded as such."))
SummaryEmpty = NotesError.refusal("SummaryEmpty", _l("The summary is empty. Write at least one of the three parts."))
SummaryAlreadySent = NotesError.refusal("SummaryAlreadySent", _l("The summary has already been sent."))


# --- the day agenda ----------------------------------------------------------------------------------

@dataclass
class AgendaRow:
    """One place of the day (a slot with one host): its conversation, if booked, and any booking cancelled
    there too late."""

    slot: Slot
    host: User | None = None
    booking: Booking | None = None
    cancelled_late: list[Booking] = field(default_factory=list)


def session_agenda(feedback_session: FeedbackSession, *, host_id: int | None = None) -> list[AgendaRow]:
    """Every place of ``feedback_session`` in time order (each slot once per host) with the conversation in it (two
    queries in all); with ``host_id`` only that host's places, and conversations nobody hosts."""
    hosts = [h for h in feedback_session.hosts if host_id is None or h.id == host_id] or [None]
    rows = {
        (slot.id, host.id if host else None): AgendaRow(slot, host) for slot in feedback_session.slots for host in hosts
    }
    first_row = {slot.id: rows[(slot.id, hosts[0].id if hosts[0] else None)] for slot in feedback_session.slots}
    bookings = db.session.scalars(
        sa.select(Booking)
        .join(Booking.slot)
        .where(Slot.feedback_session_id == feedback_session.id,
               sa.or_(Booking.status != BookingStatus.CANCELLED, Booking.cancelled_late.is_(True)))
        .options(selectinload(Booking.candidate), selectinload(Booking.note))
        .order_by(Booking.created_at)
    )
    extra: list[AgendaRow] = []
    for booking in bookings:
        if host_id is not None and booking.host_id not in (host_id, None):
            continue  # another host's conversation
        row = rows.get((booking.slot_id, booking.host_id))
        if booking.status == BookingStatus.CANCELLED:
            (row or first_row[booking.slot_id]).cancelled_late.append(booking)
        elif row is None or row.booking is not None:
            # Nobody hosts it, or its host no longer hosts this session: a row of its own at that time.
            extra.append(AgendaRow(booking.slot, booking.host, booking))
        else:
            row.booking = booking
    return sorted([*rows.values(), *extra], key=lambda r: (r.slot.starts_at, r.host.name if r.host else ""))


def is_prepared(note: PreparationNote | None) -> bool:
    """Prepared means at least one of the three talking points is written."""
    return note is not None and any(getattr(note, name).strip() for name in SUMMARY_FIELDS)


# --- notes -------------------------------------------------------------------------------------------

def save_note(booking: Booking, texts: dict[str, str], *, user: User) -> PreparationNote:
    """Store the four parts of the preparation at once."""
    note = booking.note
    if note is None:
        note = PreparationNote(booking=booking)
        db.session.add(note)
    for name in NOTE_FIELDS:
        setattr(note, name, texts.get(name) or "")
    note.updated_by_id = user.id
    note.updated_at = utcnow()
    db.session.flush()
    record_audit_once("note_changed", target_type="booking", target_id=booking.id, actor=user)
    return note


def checker_languages(first: str = "") -> list[str]:
    """``first`` (usually the candidate's language), then the portal's other languages."""
    return checker.languages_for(first)


def text_warnings(texts: dict[str, str], language: str) -> dict[str, list[checker.Finding]]:
    """The checker's warnings for each text, by field name, ``language`` first."""
    return checker.check_texts(texts, language)


# --- after the conversation --------------------------------------------------------------------------

def current_outcome(booking: Booking) -> str | None:
    if booking.status == BookingStatus.ATTENDED:
        return "attended"
    if booking.status == BookingStatus.NO_SHOW:
        return "no_show"
    if booking.status == BookingStatus.CANCELLED and booking.cancelled_late:
        return "cancelled_late"
    return None


def record_outcome(
    booking: Booking, outcome: str, *, suitable_after_all: bool, follow_up_action: str,
    follow_up_on: date | None, user: User | None = None, now: datetime | None = None,
) -> Booking:
    """Record how the conversation went.

    Recording again corrects the earlier record: the event log then holds the corrected outcome only,
    so that the figures count what really happened.
    """
    now = now or utcnow()
    status = OUTCOME_STATUS[outcome]
    if booking.status == BookingStatus.CANCELLED and not booking.cancelled_late:
        raise CancelledByCandidate()
    if status != BookingStatus.CANCELLED and now < booking.slot.starts_at:
        raise OutcomeTooEarly()
    if suitable_after_all and status != BookingStatus.ATTENDED:
        raise NotesError(_("Only a conversation that took place can show that someone is suitable after all."))
    previous, was_suitable = current_outcome(booking), booking.suitable_after_all
    candidate, feedback_session_id = booking.candidate, booking.slot.feedback_session_id

    try:
        with db.session.begin_nested():
            booking.status = status
            booking.cancelled_late = outcome == "cancelled_late"
            booking.cancelled_at = (booking.cancelled_at or now) if booking.cancelled_late else None
            booking.suitable_after_all = suitable_after_all
            booking.follow_up_action = follow_up_action or ""
            booking.follow_up_on = follow_up_on
            booking.outcome_recorded_at = now
    except IntegrityError:  # back from "cancelled late" while someone else booked the slot meanwhile
        raise SlotTakenSince() from None
    times_changed()  # a late cancellation frees its slot, a correction takes it again

    # A conversation (and what it showed) counts at the time it was planned; a late cancellation when recorded.
    held_at = now if outcome == "cancelled_late" else booking.slot.starts_at
    user_id = user.id if user is not None else None
    if outcome != previous:
        if previous:
            _forget_event(previous, candidate, feedback_session_id)
        record_event(outcome, candidate, feedback_session_id=feedback_session_id, at=held_at, user_id=user_id)
    if suitable_after_all and not was_suitable:
        record_event(
            "suitable", candidate, feedback_session_id=feedback_session_id, at=booking.slot.starts_at, user_id=user_id
        )
    elif was_suitable and not suitable_after_all:
        _forget_event("suitable", candidate, feedback_session_id)
    return booking


def _forget_event(kind: str, candidate: Candidate, feedback_session_id: int) -> None:
    """Remove an outcome event that a correction has overtaken (the figures are recounted)."""
    forget_events(kind, candidate, feedback_session_id=feedback_session_id)


# --- the written summary -----------------------------------------------------------------------------

def summary_defaults(booking: Booking) -> dict[str, str]:
    """The summary's starting text: the three talking points of the notes, never the free notes."""
    note = booking.note
    return {name: (getattr(note, name) if note else "") for name in SUMMARY_FIELDS}


def summary_preview(booking: Booking, texts: dict[str, str]) -> str:
    """The summary e-mail's text as the candidate will read it, in their language."""
    candidate = booking.candidate
    with force_locale(candidate.language):
        return render_template(
            "email/feedback_summary.txt", candidate=candidate, booking=booking,
            organisation=current_app.config["ORGANISATION_NAME"],
            **{name: (texts.get(name) or "").strip() for name in SUMMARY_FIELDS},
        )


def check_summary_possible(booking: Booking) -> None:
    if booking.status != BookingStatus.ATTENDED:
        raise SummaryNeedsConversation()
    if booking.summary_sent_at is not None:
        raise SummaryAlreadySent()


def send_summary(booking: Booking, texts: dict[str, str], *, warnings_confirmed: bool = False,
                 now: datetime | None = None) -> OutboxMessage:
    """Queue the summary e-mail to the candidate and note when it went.

    The checker reads it first: with warnings it is sent only when ``warnings_confirmed`` (else
    checker.WarningsNotConfirmed), and the audit log records who sent it despite which kinds of warning.
    A second click (or a second tab) never sends it twice: only the request that marks the booking
    as sent queues the e-mail.
    """
    now = now or utcnow()
    check_summary_possible(booking)
    parts = {name: (texts.get(name) or "").strip() for name in SUMMARY_FIELDS}
    if not any(parts.values()):
        raise SummaryEmpty()
    warned = checker.warned_categories(text_warnings(parts, booking.candidate.language))
    if warned and not warnings_confirmed:
        raise checker.WarningsNotConfirmed(_l(
            "The feedback checker has warnings for this summary. Read them, then confirm that you want to send "
            "it anyway."))
    marked = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.summary_sent_at.is_(None),
               Booking.status == BookingStatus.ATTENDED)
        .values(summary_sent_at=now)
    )
    if marked.rowcount != 1:
        raise SummaryAlreadySent()
    message = notifications.notify_feedback_summary(booking, **parts)
    record_audit("summary_sent", target_type="booking", target_id=booking.id)
    if warned:
        record_audit("warning_overridden", target_type="booking", target_id=booking.id,
                     facts={"sent": "summary", "warnings": list(warned)})
    return message


# --- the checker's rules -----------------------------------------------------------------------------

def add_rule(*, language: str, category: str, pattern: str, suggestion: str, syntax: str = "words") -> FeedbackRule:
    """Add a rule on top of the shipped ones: a word pattern, or (``syntax="regex"``) a regular expression
    as before. Raises checker.PatternError / InvalidPattern when it does not read."""
    if syntax == "regex":
        checker.validate_pattern(pattern)
    else:
        checker.validate_words(pattern, language)
    rule = FeedbackRule(language=language, category=category, pattern=pattern, suggestion=suggestion, syntax=syntax)
    db.session.add(rule)
    db.session.flush()
    record_audit("feedback_rule_changed", target_type="feedback_rule", target_id=rule.id, facts={"added": pattern})
    return rule


def delete_rule(rule: FeedbackRule) -> None:
    record_audit("feedback_rule_changed", target_type="feedback_rule", target_id=rule.id,
                 facts={"removed": rule.pattern})
    db.session.delete(rule)
