"""Re-applications and hires of earlier candidates, found by e-mail address; a hire counts for the feedback
hour only when the person attended a conversation before starting."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.core.text import clean_line
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.models import Booking, BookingStatus, Candidate, Hire, Reapplication, Slot
from app.talent.services.errors import AlreadyRecorded, UnknownEmail, UnreasonableDate
from app.talent.services.periods import person_ids, same_email, same_text
from app.timeutil import from_local, local

# How far back and ahead a recorded date may reasonably lie.
OLDEST_RECORD_YEARS = 10
HIRE_AHEAD_DAYS = 366


def today_local(now: datetime | None = None) -> date:
    return local(now or utcnow()).date()


def find_earlier_candidate(email: str) -> Candidate:
    """The most recent candidate row with this e-mail address (any case); raises UnknownEmail."""
    candidate = db.session.scalar(
        sa.select(Candidate).where(same_email(email))
        .order_by(Candidate.rejected_on.desc(), Candidate.created_at.desc(), Candidate.id.desc())
        .limit(1)
    )
    if candidate is None:
        raise UnknownEmail()
    return candidate


def _first_rejection(email: str) -> date:
    return db.session.scalar(sa.select(sa.func.min(Candidate.rejected_on)).where(same_email(email)))


def _check_record_date(day: date, email: str, today: date, *, ahead: int) -> None:
    if day > today + timedelta(days=ahead):
        if ahead == 0:
            raise UnreasonableDate(_("The date cannot be in the future."))
        raise UnreasonableDate(_("The date is more than a year ahead. Check the year."))
    if day.year < today.year - OLDEST_RECORD_YEARS:
        raise UnreasonableDate(_("The date is more than %(years)s years ago. Check the year.",
                                  years=OLDEST_RECORD_YEARS))
    first = _first_rejection(email)
    if first is not None and day < first:
        raise UnreasonableDate(_("This person was first rejected on %(day)s; the date cannot be earlier.",
                                  day=format_date(first, format="long")))


def _moment(day: date, now: datetime) -> datetime:
    """When a dated event counts for the figures: noon (Amsterdam) on the day, never later than now."""
    return min(from_local(day, time(12, 0)), now)


def record_reapplication(email: str, vacancy: str, applied_on: date, *, now: datetime | None = None) -> Reapplication:
    """An earlier candidate applied again; attached to their most recent candidate row."""
    now = now or utcnow()
    candidate = find_earlier_candidate(email)
    vacancy = clean_line(vacancy)
    _check_record_date(applied_on, email, today_local(now), ahead=0)
    if _recorded_already(Reapplication, email, Reapplication.applied_on == applied_on,
                         same_text(Reapplication.vacancy, vacancy)):
        raise AlreadyRecorded(_("This re-application is already recorded."))
    reapplication = Reapplication(candidate_id=candidate.id, vacancy=vacancy, applied_on=applied_on)
    db.session.add(reapplication)
    record_event("reapplied", candidate, at=_moment(applied_on, now))
    return reapplication


def _recorded_already(record: type[Reapplication] | type[Hire], email: str, *conditions) -> bool:
    """Whether such a re-application or hire is already recorded for the person, under any of their rows."""
    return db.session.scalar(sa.select(record.id).where(
        record.candidate_id.in_(person_ids(email)), *conditions).limit(1)) is not None


def attended_before(email: str, start_date: date) -> bool:
    """Whether the person (any of their candidate rows) attended a feedback conversation before ``start_date``."""
    return db.session.scalar(sa.select(sa.exists().where(
        Booking.candidate_id.in_(person_ids(email)),
        Booking.status == BookingStatus.ATTENDED,
        Booking.slot_id == Slot.id,
        Slot.starts_at < from_local(start_date, time(0, 0)),
    ))) or False


def record_hire(
    email: str, role: str, department: str, start_date: date, *, now: datetime | None = None,
) -> Hire:
    """An earlier candidate was hired; attributed to the feedback hour when they attended a
    conversation before the start date. The event's value says which: 1 attributed, 0 not."""
    now = now or utcnow()
    candidate = find_earlier_candidate(email)
    role, department = clean_line(role), clean_line(department)
    _check_record_date(start_date, email, today_local(now), ahead=HIRE_AHEAD_DAYS)
    if _recorded_already(Hire, email, Hire.start_date == start_date, same_text(Hire.role, role)):
        raise AlreadyRecorded(_("This hire is already recorded."))
    attributed = attended_before(email, start_date)
    hire = Hire(candidate_id=candidate.id, role=role, department=department, start_date=start_date,
                attributed=attributed)
    db.session.add(hire)
    record_event("hired", candidate, value=1 if attributed else 0, at=_moment(start_date, now))
    return hire


@dataclass(frozen=True)
class RecordRow:
    record: Reapplication | Hire
    candidate: Candidate


def recent_records(limit: int = 50) -> tuple[list[RecordRow], list[RecordRow]]:
    """The latest re-applications and hires, newest first, with the candidate they belong to."""
    reapplications = db.session.execute(
        sa.select(Reapplication, Candidate).join(Candidate, Reapplication.candidate_id == Candidate.id)
        .order_by(Reapplication.created_at.desc(), Reapplication.id.desc()).limit(limit)
    ).all()
    hires = db.session.execute(
        sa.select(Hire, Candidate).join(Candidate, Hire.candidate_id == Candidate.id)
        .order_by(Hire.created_at.desc(), Hire.id.desc()).limit(limit)
    ).all()
    return [RecordRow(r, c) for r, c in reapplications], [RecordRow(h, c) for h, c in hires]
