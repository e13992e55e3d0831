"""The pool for recruiters: current members found by tag, department or name, their history and tags."""

from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.core.pagination import Page, distinct_values, fetch_page
from app.core.text import clean_line, contains, is_whole_address, same_address
from app.database import utcnow
from app.extensions import db
from app.i18n import _l
from app.models import Booking, Candidate, Hire, PoolMembership, PoolSource, PoolTag, Reapplication, Slot
from app.talent.services.errors import DuplicateTag, TagInvalid
from app.talent.services.periods import expiring_soon, is_current, person_ids, same_text

PAGE_SIZE = 50
TAG_MAX_LENGTH = 100
LIST_BOUND = 1_000  # members a list counts and pages through; the filters narrow the rest
TAG_KINDS = {"skill": _l("Skill"), "department": _l("Preferred department")}
SOURCES = {
    PoolSource.BOOKING: _l("When booking"),
    PoolSource.RECRUITER: _l("Recruiter's offer"),
    PoolSource.LINK: _l("Personal link"),
}
# How far back and ahead a recorded date may reasonably lie.


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
    """Current members, the most recent consent first, filtered by a skill tag, a department (where they
    applied or one they prefer) and a piece of name or e-mail address (a whole address: that person's
    memberships, found through the address index); a page of PAGE_SIZE, counted up to LIST_BOUND. The order
    follows an index of the current memberships (migration 0011), so that a page reads about as many members
    as it shows, however large the pool."""
    now = now or utcnow()
    query = sa.select(PoolMembership).options(joinedload(PoolMembership.candidate)).where(is_current(now))
    skill, department, search = clean_line(skill), clean_line(department), clean_line(search)
    if skill:
        query = query.where(_tagged("skill", skill))
    if department:
        query = query.where(sa.or_(
            _candidate_where(same_text(Candidate.department, department)),
            _tagged("department", department),
        ))
    if is_whole_address(search):
        query = query.where(PoolMembership.candidate_id.in_(
            sa.select(Candidate.id).where(same_address(Candidate.email, search))))
    elif search:
        query = query.where(_candidate_where(
            sa.or_(contains(Candidate.name, search), contains(Candidate.email, search))))
    found = fetch_page(query.order_by(PoolMembership.consented_at.desc(), PoolMembership.id.desc()), page, PAGE_SIZE,
                       count_up_to=LIST_BOUND, scalars=True)
    found = replace(found, rows=[(membership, membership.candidate) for membership in found.rows])
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


def _candidate_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """``condition`` on the membership's candidate, checked member by member (a subquery with LIMIT that the
    database cannot turn into a scan of every candidate): the pool is a small part of all candidates."""
    return (sa.select(Candidate.id).where(Candidate.id == PoolMembership.candidate_id, condition).limit(1)
            .scalar_subquery().is_not(None))


def _tagged(kind: str, value: str) -> sa.ColumnElement[bool]:
    """Whether the membership has the tag, whatever its case: checked member by member like
    ``_candidate_where`` (an EXISTS would be turned into a scan of every tag of that kind)."""
    return (sa.select(PoolTag.id).where(PoolTag.membership_id == PoolMembership.id, PoolTag.kind == kind,
                                        same_text(PoolTag.value, value)).limit(1).scalar_subquery().is_not(None))


def _tags_of(membership_ids: list[int]) -> dict[int, list[PoolTag]]:
    tags: dict[int, list[PoolTag]] = {}
    for tag in db.session.scalars(
        sa.select(PoolTag).where(PoolTag.membership_id.in_(membership_ids))
        .order_by(PoolTag.kind, sa.func.lower(PoolTag.value))
    ):
        tags.setdefault(tag.membership_id, []).append(tag)
    return tags


def filter_choices() -> tuple[list[str], list[str]]:
    """The skills members are tagged with, and the departments (those candidates applied to and those members
    prefer), for the filters: each read from its index value by value (a skip scan), not from every member.
    Tags go when a member withdraws; a department nobody in the pool has finds no one."""
    skills = distinct_values(PoolTag.value, PoolTag.kind == "skill")
    preferred = distinct_values(PoolTag.value, PoolTag.kind == "department")
    return _unique_sorted(skills), _unique_sorted([*preferred, *distinct_values(Candidate.department)])


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
    person = person_ids(membership.candidate.email)
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
        same_text(PoolTag.value, value),
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
