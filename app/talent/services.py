"""The talent pool and what came of earlier candidates.

A member is a candidate whose consent was given, not withdrawn and not yet expired. Consent is
asked, never assumed, and lasts twelve months: the candidate joins from their link or the booking
form, or answers a recruiter's question sent by e-mail after the conversation (yes or no). A month
before it ends the member is asked once to renew, and a withdrawal ends it at once. Consent belongs to
the person, so renewing or withdrawing from one personal link acts on every membership held under the
same e-mail address.

Re-applications and hires are recorded for any earlier candidate, found by e-mail address; a hire
counts for the feedback hour only when the person attended a conversation before starting.

Views turn the exceptions here into messages. Nothing here commits.
"""

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.core.errors import DomainError
from app.core.pagination import Page, fetch_page
from app.core.text import clean_line, contains
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.i18n import _l
from app.mail import notifications
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    Hire,
    PoolMembership,
    PoolSource,
    PoolTag,
    Reapplication,
    Slot,
)
from app.timeutil import from_local, local
from app.tokens import keep_links_alive, valid_token

CONSENT_MONTHS = 12
RENEWAL_NOTICE_MONTHS = 1
PAGE_SIZE = 50
TAG_MAX_LENGTH = 100
TAG_KINDS = {"skill": _l("Skill"), "department": _l("Preferred department")}
SOURCES = {
    PoolSource.BOOKING: _l("When booking"),
    PoolSource.RECRUITER: _l("Recruiter's offer"),
    PoolSource.LINK: _l("Personal link"),
}
# How far back and ahead a recorded date may reasonably lie.
OLDEST_RECORD_YEARS = 10
HIRE_AHEAD_DAYS = 366


class TalentError(DomainError):
    """Something asked for cannot be done; ``message`` says why."""

    message = _l("This cannot be done.")


class UnknownEmail(TalentError):
    message = _l("There is no earlier candidate with this e-mail address. Check the address for typing errors.")


class UnreasonableDate(TalentError):
    message = _l("This date is not plausible. Check the day, month and year.")


class AlreadyRecorded(TalentError):
    message = _l("This is already recorded.")


class TagInvalid(TalentError):
    message = _l("Enter a tag of at most 100 characters.")


class DuplicateTag(TalentError):
    message = _l("This member already has that tag.")


class AlreadyMember(TalentError):
    message = _l("You are already in our talent pool.")


class NotMember(TalentError):
    message = _l("You are not in our talent pool (any more).")


class AlreadyAsked(TalentError):
    message = _l("The candidate has already been asked and has not answered yet.")


class NoOpenRequest(TalentError):
    message = _l("There is no open question about the talent pool (any more).")


# --- consent periods -------------------------------------------------------------------------------

def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (or earlier); the 31st becomes the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def is_current(now: datetime):
    """The SQL condition for a membership that counts: consent given, not withdrawn, not expired."""
    return sa.and_(
        PoolMembership.consented_at.is_not(None),
        PoolMembership.withdrawn_at.is_(None),
        PoolMembership.expires_at > now,
    )


def expiring_soon(membership: PoolMembership, now: datetime) -> bool:
    """Consent ends within a month."""
    return membership.expires_at is not None and membership.expires_at <= add_months(now, RENEWAL_NOTICE_MONTHS)


def _same_text(column, text: str):
    """The SQL condition that ``column`` is ``text``, whatever the case."""
    return sa.func.lower(column) == sa.func.lower(sa.literal(text))


def _same_email(email: str):
    """Candidate rows of the same person: the e-mail address, whatever its case."""
    return _same_text(Candidate.email, (email or "").strip())


def _person(email: str) -> sa.Select:
    """The ids of every candidate row of the person with this e-mail address."""
    return sa.select(Candidate.id).where(_same_email(email))


# --- the pool for recruiters -----------------------------------------------------------------------

@dataclass(frozen=True)
class MemberRow:
    membership: PoolMembership
    candidate: Candidate
    skills: list[str]
    departments: list[str]
    expiring_soon: bool


def list_members(
    *, skill: str = "", department: str = "", search: str = "", page: int = 1, now: datetime | None = None,
) -> Page[MemberRow]:
    """Current members by name, filtered by a skill tag, a department (where they applied or one
    they prefer) and a piece of name or e-mail address; a page of PAGE_SIZE."""
    now = now or utcnow()
    query = sa.select(PoolMembership, Candidate).join(Candidate, PoolMembership.candidate).where(is_current(now))
    skill, department, search = clean_line(skill), clean_line(department), clean_line(search)
    if skill:
        query = query.where(sa.exists().where(
            PoolTag.membership_id == PoolMembership.id, PoolTag.kind == "skill",
            _same_text(PoolTag.value, skill),
        ))
    if department:
        query = query.where(sa.or_(
            _same_text(Candidate.department, department),
            sa.exists().where(
                PoolTag.membership_id == PoolMembership.id, PoolTag.kind == "department",
                _same_text(PoolTag.value, department),
            ),
        ))
    if search:
        query = query.where(sa.or_(contains(Candidate.name, search), contains(Candidate.email, search)))
    found = fetch_page(query.order_by(sa.func.lower(Candidate.name), PoolMembership.id), page, PAGE_SIZE)
    tags = _tags_of([membership.id for membership, _ in found.rows])
    rows = [
        MemberRow(
            membership=membership, candidate=candidate,
            skills=[t.value for t in tags.get(membership.id, []) if t.kind == "skill"],
            departments=[t.value for t in tags.get(membership.id, []) if t.kind == "department"],
            expiring_soon=expiring_soon(membership, now),
        )
        for membership, candidate in found.rows
    ]
    return replace(found, rows=rows)


def _tags_of(membership_ids: list[int]) -> dict[int, list[PoolTag]]:
    if not membership_ids:
        return {}
    tags: dict[int, list[PoolTag]] = {}
    for tag in db.session.scalars(
        sa.select(PoolTag).where(PoolTag.membership_id.in_(membership_ids))
        .order_by(PoolTag.kind, sa.func.lower(PoolTag.value))
    ):
        tags.setdefault(tag.membership_id, []).append(tag)
    return tags


def filter_choices(now: datetime | None = None) -> tuple[list[str], list[str]]:
    """The skills and the departments (applied to or preferred) that current members have."""
    now = now or utcnow()
    members = sa.select(PoolMembership.id).where(is_current(now))
    skills = db.session.scalars(
        sa.select(PoolTag.value).distinct().where(PoolTag.kind == "skill", PoolTag.membership_id.in_(members))
    )
    preferred = db.session.scalars(
        sa.select(PoolTag.value).distinct().where(PoolTag.kind == "department", PoolTag.membership_id.in_(members))
    )
    applied = db.session.scalars(
        sa.select(Candidate.department).distinct()
        .join(PoolMembership, PoolMembership.candidate_id == Candidate.id)
        .where(is_current(now), Candidate.department != "")
    )
    return _unique_sorted(skills), _unique_sorted([*preferred, *applied])


def _unique_sorted(values) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return sorted(seen.values(), key=str.lower)


def get_member(membership_id: int, now: datetime | None = None) -> PoolMembership | None:
    """A current membership, or None when it does not exist, has ended or was withdrawn."""
    return db.session.scalar(
        sa.select(PoolMembership).where(PoolMembership.id == membership_id, is_current(now or utcnow()))
    )


@dataclass(frozen=True)
class MemberHistory:
    """Everything the portal knows of the person behind a membership, found by e-mail address."""

    applications: list[Candidate]
    bookings: list[Booking]
    reapplications: list[Reapplication]
    hires: list[Hire]
    skills: list[PoolTag] = field(default_factory=list)
    departments: list[PoolTag] = field(default_factory=list)


def member_history(membership: PoolMembership) -> MemberHistory:
    """Applications (newest first), feedback conversations with their outcome, re-applications, hires and tags."""
    person = _person(membership.candidate.email)
    applications = list(db.session.scalars(
        sa.select(Candidate).where(Candidate.id.in_(person))
        .order_by(Candidate.rejected_on.desc(), Candidate.created_at.desc())
    ))
    bookings = list(db.session.scalars(
        sa.select(Booking).join(Slot, Booking.slot_id == Slot.id)
        .where(Booking.candidate_id.in_(person)).order_by(Slot.starts_at.desc())
    ))
    reapplications = list(db.session.scalars(
        sa.select(Reapplication).where(Reapplication.candidate_id.in_(person))
        .order_by(Reapplication.applied_on.desc(), Reapplication.id.desc())
    ))
    hires = list(db.session.scalars(
        sa.select(Hire).where(Hire.candidate_id.in_(person)).order_by(Hire.start_date.desc(), Hire.id.desc())
    ))
    tags = _tags_of([membership.id]).get(membership.id, [])
    return MemberHistory(
        applications=applications, bookings=bookings, reapplications=reapplications, hires=hires,
        skills=[t for t in tags if t.kind == "skill"], departments=[t for t in tags if t.kind == "department"],
    )


def add_tag(membership: PoolMembership, kind: str, value: str) -> PoolTag:
    """Tag a member with a skill or a preferred department: trimmed, at most 100 characters, no duplicates
    (whatever the case)."""
    value = clean_line(value)
    if kind not in TAG_KINDS:
        raise TagInvalid(_("Choose whether the tag is a skill or a preferred department."))
    if not value:
        raise TagInvalid(_("Enter a tag."))
    if len(value) > TAG_MAX_LENGTH:
        raise TagInvalid(_("Keep a tag to %(limit)s characters.", limit=TAG_MAX_LENGTH))
    duplicate = db.session.scalar(sa.select(PoolTag.id).where(
        PoolTag.membership_id == membership.id, PoolTag.kind == kind,
        _same_text(PoolTag.value, value),
    ))
    if duplicate is not None:
        raise DuplicateTag(_("This member already has the tag “%(tag)s”.", tag=value))
    tag = PoolTag(membership_id=membership.id, kind=kind, value=value)
    try:
        with db.session.begin_nested():
            db.session.add(tag)
    except IntegrityError:  # the same tag, added a moment ago from another tab
        raise DuplicateTag(_("This member already has the tag “%(tag)s”.", tag=value)) from None
    return tag


def remove_tag(membership: PoolMembership, tag_id: int) -> bool:
    """Remove one of the member's tags; False when it was not there (any more)."""
    removed = db.session.execute(
        sa.delete(PoolTag).where(PoolTag.id == tag_id, PoolTag.membership_id == membership.id)
    ).rowcount
    return bool(removed)


# --- re-applications and hires ---------------------------------------------------------------------

def today_local(now: datetime | None = None) -> date:
    return local(now or utcnow()).date()


def find_earlier_candidate(email: str) -> Candidate:
    """The most recent candidate row with this e-mail address (any case); raises UnknownEmail."""
    candidate = db.session.scalar(
        sa.select(Candidate).where(_same_email(email))
        .order_by(Candidate.rejected_on.desc(), Candidate.created_at.desc(), Candidate.id.desc())
        .limit(1)
    )
    if candidate is None:
        raise UnknownEmail()
    return candidate


def _first_rejection(email: str) -> date:
    return db.session.scalar(sa.select(sa.func.min(Candidate.rejected_on)).where(_same_email(email)))


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
                         _same_text(Reapplication.vacancy, vacancy)):
        raise AlreadyRecorded(_("This re-application is already recorded."))
    reapplication = Reapplication(candidate_id=candidate.id, vacancy=vacancy, applied_on=applied_on)
    db.session.add(reapplication)
    record_event("reapplied", candidate, at=_moment(applied_on, now))
    return reapplication


def _recorded_already(record: type[Reapplication] | type[Hire], email: str, *conditions) -> bool:
    """Whether such a re-application or hire is already recorded for the person, under any of their rows."""
    return db.session.scalar(sa.select(record.id).where(
        record.candidate_id.in_(_person(email)), *conditions).limit(1)) is not None


def attended_before(email: str, start_date: date) -> bool:
    """Whether the person (any of their candidate rows) attended a feedback conversation before ``start_date``."""
    return db.session.scalar(sa.select(sa.exists().where(
        Booking.candidate_id.in_(_person(email)),
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
    if _recorded_already(Hire, email, Hire.start_date == start_date, _same_text(Hire.role, role)):
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


# --- consent: asked by a recruiter, given, refused, renewed or withdrawn from the candidate's link --

def _person_memberships(candidate: Candidate):
    return sa.select(PoolMembership).where(PoolMembership.candidate_id.in_(_person(candidate.email)))


def _lock(candidate: Candidate) -> None:
    """Take the candidate's row lock (PostgreSQL; SQLite serialises writers anyway), so that two clicks at
    once cannot both ask, join or answer."""
    db.session.execute(sa.select(Candidate.id).where(Candidate.id == candidate.id).with_for_update())


def current_membership(candidate: Candidate, now: datetime | None = None) -> PoolMembership | None:
    """The person's membership that lasts longest, if they are in the pool now."""
    return db.session.scalar(
        _person_memberships(candidate).where(is_current(now or utcnow()))
        .order_by(PoolMembership.expires_at.desc()).limit(1)
    )


def open_request(candidate: Candidate) -> PoolMembership | None:
    """The recruiter's question to this candidate that is not yet answered either way."""
    return db.session.scalar(
        sa.select(PoolMembership)
        .where(PoolMembership.candidate_id == candidate.id, PoolMembership.consented_at.is_(None),
               PoolMembership.withdrawn_at.is_(None))
        .order_by(PoolMembership.requested_at.desc(), PoolMembership.id.desc())
        .limit(1)
    )


def last_answer(candidate: Candidate) -> PoolMembership | None:
    """This candidate's most recent membership that was answered or has ended, to say how things stand."""
    return db.session.scalar(
        sa.select(PoolMembership)
        .where(PoolMembership.candidate_id == candidate.id,
               sa.or_(PoolMembership.consented_at.is_not(None), PoolMembership.withdrawn_at.is_not(None)))
        .order_by(PoolMembership.requested_at.desc(), PoolMembership.id.desc())
        .limit(1)
    )


def request_consent(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """A recruiter asks the candidate by e-mail whether they want to join the talent pool: AlreadyMember
    or AlreadyAsked when that would ask twice."""
    now = now or utcnow()
    _lock(candidate)
    if current_membership(candidate, now) is not None:
        raise AlreadyMember(_("The candidate is already in the talent pool."))
    if open_request(candidate) is not None:
        raise AlreadyAsked()
    membership = PoolMembership(candidate=candidate, source=PoolSource.RECRUITER, requested_at=now)
    db.session.add(membership)
    db.session.flush()
    record_event("pool_requested", candidate, at=now)
    notifications.notify_pool_consent_request(membership)
    return membership


def decline(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """The candidate says no to the recruiter's question: nothing is kept for the pool. NoOpenRequest
    when there is no question (any more)."""
    _lock(candidate)
    membership = open_request(candidate)
    if membership is None:
        raise NoOpenRequest()
    # The schema has no field for a refusal: a refused question is one withdrawn before any consent.
    membership.withdrawn_at = now or utcnow()
    return membership


def join_pool(candidate: Candidate, *, now: datetime | None = None,
              source: PoolSource = PoolSource.LINK) -> PoolMembership:
    """The candidate ticked the consent box: in the pool for twelve months from now. An open request
    (a recruiter's question not yet answered) is the one that gets the consent; otherwise ``source`` says
    where they ticked it (their link, or the booking form). AlreadyMember when they are in it already."""
    now = now or utcnow()
    _lock(candidate)
    if current_membership(candidate, now) is not None:
        raise AlreadyMember()
    membership = open_request(candidate)
    if membership is None:
        membership = PoolMembership(candidate=candidate, source=source, requested_at=now)
        db.session.add(membership)
    membership.consented_at = now
    membership.expires_at = add_months(now, CONSENT_MONTHS)
    membership.renewal_requested_at = None
    keep_links_alive(candidate, membership.expires_at)  # so that the link can withdraw the consent all year
    record_event("joined_pool", candidate, at=now)
    return membership


def renew_consent(candidate: Candidate, *, now: datetime | None = None) -> PoolMembership:
    """Twelve more months from now for the person's current membership(s); the renewal e-mail can come again."""
    now = now or utcnow()
    _lock(candidate)
    memberships = list(db.session.scalars(_person_memberships(candidate).where(is_current(now))))
    if not memberships:
        raise NotMember()
    until = add_months(now, CONSENT_MONTHS)
    for membership in memberships:
        membership.expires_at = until
        membership.renewal_requested_at = None
    keep_links_alive(candidate, until)
    return memberships[0]


def withdraw_consent(candidate: Candidate, *, now: datetime | None = None) -> int:
    """End the person's consent at once: every current membership and open request under their e-mail
    address, and the recruiters' tags on them. Returns how many memberships ended."""
    now = now or utcnow()
    _lock(candidate)
    open_ones = list(db.session.scalars(
        _person_memberships(candidate).where(
            PoolMembership.withdrawn_at.is_(None),
            sa.or_(PoolMembership.consented_at.is_(None), PoolMembership.expires_at > now),
        )
    ))
    ended = 0
    for membership in open_ones:
        if membership.consented_at is not None:
            record_event("left_pool", membership.candidate, at=now)
            ended += 1
        membership.withdrawn_at = now
    if open_ones:
        db.session.execute(sa.delete(PoolTag).where(PoolTag.membership_id.in_([m.id for m in open_ones])))
    return ended


# --- the renewal e-mail ----------------------------------------------------------------------------

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
        claimed = db.session.execute(
            sa.update(PoolMembership)
            .where(PoolMembership.id == membership.id, PoolMembership.renewal_requested_at.is_(None))
            .values(renewal_requested_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        db.session.refresh(membership, ["renewal_requested_at"])
        candidate = membership.candidate
        token = valid_token(candidate)
        keep_links_alive(candidate, membership.expires_at)
        notifications.notify_pool_renewal(membership, token)
        queued += 1
    return queued
