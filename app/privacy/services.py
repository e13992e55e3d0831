"""Retention and erasure.

Personal data of a candidate who is not in the talent pool goes RETENTION_DAYS (default 28) after the
procedure ends: at the end of the feedback conversation's time (whether or not anyone recorded how it
went), or when the personal link expired unused. A talent-pool
member's data stays while the consent runs, and goes when it ends (withdrawn or expired) and the ordinary
rule has also passed. Erasing deletes the candidate's rows and everything hanging from them (links,
bookings with their notes and survey, waitlist, pool membership, re-applications, hires, the record of the
call after an interview, e-mails in the outbox). The anonymous event log stays, so every figure stays the same.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.audit.services import record_audit
from app.booking.free_times import times_changed
from app.database import utcnow
from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    CallRecord,
    Candidate,
    Hire,
    Invitation,
    OutboxMessage,
    PoolMembership,
    PoolTag,
    PreparationNote,
    Reapplication,
    SurveyResponse,
    WaitlistEntry,
)
from app.timeutil import from_local


@dataclass(frozen=True)
class Due:
    candidate_id: int
    due_at: datetime
    reason: str


def _retention() -> timedelta:
    return timedelta(days=current_app.config["RETENTION_DAYS"])


def procedure_end(candidate: Candidate, now: datetime) -> datetime | None:
    """When the procedure ended for this candidate; None while it is still going on.

    A conversation ends the procedure at the end of its time, whatever was recorded about it: a booking
    nobody recorded an outcome for must not keep the candidate forever."""
    bookings = candidate.bookings
    if any(b.status == BookingStatus.BOOKED and b.slot.ends_at > now for b in bookings):
        return None
    held = [b.slot.ends_at for b in bookings
            if b.status in (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)]
    if held:
        return max(held)
    expiries = [i.expires_at for i in candidate.invitations if i.revoked_at is None]
    if expiries:
        latest = max(expiries)
        return latest if latest <= now else None
    created = max(candidate.created_at, from_local(candidate.rejected_on, datetime.min.time()))
    return created


def consent_end(candidate: Candidate, memberships: list[PoolMembership], now: datetime) -> datetime | None:
    """When the candidate's talent-pool consent ends (or ended); None if they never consented."""
    ends = []
    for m in memberships:
        if m.consented_at is None:
            continue
        ends.append(min(filter(None, [m.withdrawn_at, m.expires_at])) if (m.withdrawn_at or m.expires_at) else now)
    return max(ends) if ends else None


def erasure_due_at(
    candidate: Candidate, memberships: list[PoolMembership], now: datetime
) -> tuple[datetime, str] | None:
    end = procedure_end(candidate, now)
    if end is None:
        return None
    due, reason = end + _retention(), "retention"
    consent = consent_end(candidate, memberships, now)
    if consent is not None and consent > due:
        due, reason = consent, "pool consent ended"
    return due, reason


def outcome_missing_erasure(candidate: Candidate, now: datetime) -> datetime | None:
    """When a candidate whose conversation has passed without a recorded outcome will be erased."""
    memberships = list(db.session.scalars(sa.select(PoolMembership).where(PoolMembership.candidate_id == candidate.id)))
    due = erasure_due_at(candidate, memberships, now)
    return due[0] if due else None


def due_for_erasure(now: datetime | None = None, *, chunk: int = 500) -> list[Due]:
    """Every candidate whose data must go by ``now``."""
    now = now or utcnow()
    result: list[Due] = []
    last_id = 0
    while True:
        candidates = list(db.session.scalars(
            sa.select(Candidate).where(Candidate.id > last_id).order_by(Candidate.id).limit(chunk)
            .options(selectinload(Candidate.bookings).selectinload(Booking.slot),
                     selectinload(Candidate.invitations))))
        if not candidates:
            return result
        ids = [c.id for c in candidates]
        memberships: dict[int, list[PoolMembership]] = {}
        for m in db.session.scalars(sa.select(PoolMembership).where(PoolMembership.candidate_id.in_(ids))):
            memberships.setdefault(m.candidate_id, []).append(m)
        for candidate in candidates:
            due = erasure_due_at(candidate, memberships.get(candidate.id, []), now)
            if due is not None and due[0] <= now:
                result.append(Due(candidate.id, due[0], due[1]))
        last_id = ids[-1]


def erase_candidates(candidate_ids: list[int], *, reason: str, actor=None) -> int:
    """Delete these candidates and all their personal data; the event log is untouched. Does not commit."""
    if not candidate_ids:
        return 0
    booking_ids = sa.select(Booking.id).where(Booking.candidate_id.in_(candidate_ids))
    membership_ids = sa.select(PoolMembership.id).where(PoolMembership.candidate_id.in_(candidate_ids))
    # Explicit deletes, child tables first, so that it works the same whether or not the database
    # enforces ON DELETE CASCADE, and no e-mail to an erased person is ever sent afterwards.
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.candidate_id.in_(candidate_ids)))
    db.session.execute(sa.delete(SurveyResponse).where(SurveyResponse.booking_id.in_(booking_ids)))
    db.session.execute(sa.delete(PreparationNote).where(PreparationNote.booking_id.in_(booking_ids)))
    db.session.execute(sa.delete(PoolTag).where(PoolTag.membership_id.in_(membership_ids)))
    for model in (Booking, WaitlistEntry, PoolMembership, Reapplication, Hire, CallRecord):
        db.session.execute(sa.delete(model).where(model.candidate_id.in_(candidate_ids)))
    db.session.execute(sa.delete(Invitation).where(Invitation.candidate_id.in_(candidate_ids)))
    deleted = db.session.execute(sa.delete(Candidate).where(Candidate.id.in_(candidate_ids))).rowcount
    for candidate_id in candidate_ids:
        record_audit("erased", target_type="candidate", target_id=candidate_id, facts={"reason": reason},
                     actor=actor)
    db.session.expire_all()
    times_changed()  # their bookings' times are free again
    return deleted


def same_person(candidate: Candidate) -> list[Candidate]:
    """Every application of the person behind ``candidate`` (matched by e-mail address)."""
    return list(db.session.scalars(
        sa.select(Candidate).where(sa.func.lower(Candidate.email) == candidate.email.lower()).order_by(Candidate.id)))


def erase_person(candidate: Candidate, *, reason: str, actor=None) -> int:
    """Erase every application of this person."""
    ids = [c.id for c in same_person(candidate)]
    return erase_candidates(ids, reason=reason, actor=actor)


def purge(now: datetime | None = None, *, dry_run: bool = False, limit: int | None = None) -> list[Due]:
    """Erase everyone whose retention has run out (at most ``limit`` of them), and uploaded files that
    waited too long; returns who was (or, with ``dry_run``, would be) erased. Idempotent: a second run
    finds nothing. The caller commits (``flask privacy purge`` after each batch)."""
    due = due_for_erasure(now)[:limit]
    if not dry_run:
        for start in range(0, len(due), 500):
            batch = due[start:start + 500]
            erase_candidates([d.candidate_id for d in batch], reason="retention")
        from app.candidates.services import remove_stale_uploads  # candidates builds on privacy

        remove_stale_uploads(now)
    return due


def export_person(candidate: Candidate) -> dict:
    """Everything the portal keeps about the person behind ``candidate``, as plain JSON-ready data."""
    applications = []
    for c in same_person(candidate):
        memberships = list(db.session.scalars(sa.select(PoolMembership).where(PoolMembership.candidate_id == c.id)))
        mails = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.candidate_id == c.id)
                                        .order_by(OutboxMessage.id)))
        applications.append({
            "name": c.name, "email": c.email, "vacancy": c.vacancy, "department": c.department,
            "stage": c.stage.value, "rejected_on": c.rejected_on.isoformat(),
            "rejection_reason": c.rejection_reason, "language": c.language, "phone": c.phone,
            "personal_line": c.personal_line, "added_at": c.created_at.isoformat(),
            "invited_at": c.invited_at.isoformat() if c.invited_at else None,
            "personal_links": [{"created_at": i.created_at.isoformat(), "expires_at": i.expires_at.isoformat(),
                                "revoked": i.revoked_at is not None} for i in c.invitations],
            "bookings": [_booking(b) for b in c.bookings],
            "waitlist": [{"status": w.status.value, "since": w.created_at.isoformat()} for w in db.session.scalars(
                sa.select(WaitlistEntry).where(WaitlistEntry.candidate_id == c.id))],
            "talent_pool": [{"source": m.source.value, "requested_at": m.requested_at.isoformat(),
                             "consented_at": m.consented_at.isoformat() if m.consented_at else None,
                             "expires_at": m.expires_at.isoformat() if m.expires_at else None,
                             "withdrawn_at": m.withdrawn_at.isoformat() if m.withdrawn_at else None,
                             "tags": [f"{t.kind}: {t.value}" for t in db.session.scalars(
                                 sa.select(PoolTag).where(PoolTag.membership_id == m.id))]}
                            for m in memberships],
            "reapplications": [{"vacancy": r.vacancy, "applied_on": r.applied_on.isoformat()} for r in
                               db.session.scalars(sa.select(Reapplication).where(Reapplication.candidate_id == c.id))],
            "hires": [{"role": h.role, "department": h.department, "start_date": h.start_date.isoformat()} for h in
                      db.session.scalars(sa.select(Hire).where(Hire.candidate_id == c.id))],
            "calls": [{"called_at": call.called_at.isoformat(), "outcome": call.outcome.value,
                       "call_back_at": call.call_back_at.isoformat() if call.call_back_at else None,
                       "points": call.points, "wants_feedback_hour": call.wants_feedback_hour} for call in c.calls],
            "emails": [{"subject": m.subject, "created_at": m.created_at.isoformat(), "status": m.status.value}
                       for m in mails],
        })
    return {"exported_at": utcnow().isoformat(), "applications": applications}


def _booking(b: Booking) -> dict:
    note = b.note
    survey = db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.booking_id == b.id))
    return {
        "starts_at": b.slot.starts_at.isoformat(), "status": b.status.value, "topics": b.topics,
        "question": b.question, "how": b.mode.value, "phone": b.phone, "cancel_reason": b.cancel_reason,
        "cancelled_late": b.cancelled_late, "suitable_after_all": b.suitable_after_all,
        "follow_up_action": b.follow_up_action,
        "preparation_notes": None if note is None else {
            "what_went_well": note.went_well, "why_not_this_role": note.why_not, "advice": note.advice,
            "other_notes": note.free_notes},
        "survey": None if survey is None else {"useful": survey.useful, "recommend": survey.recommend,
                                               "comment": survey.comment},
    }

