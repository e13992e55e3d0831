"""How far each rejected candidate got, the list with its filters, and the e-mails one was sent."""

import enum
from dataclasses import dataclass, replace

import sqlalchemy as sa

from app.core.pagination import Page, distinct_values, fetch_page
from app.core.text import contains, is_whole_address, same_address
from app.extensions import db
from app.i18n import _l
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    OutboxMessage,
)

PAGE_SIZE = 50


class Progress(enum.StrEnum):
    """How far a candidate got: the furthest step only."""

    NOT_INVITED = "not_invited"
    INVITED = "invited"
    BOOKED = "booked"
    ATTENDED = "attended"


PROGRESS_LABELS = {
    Progress.NOT_INVITED: _l("Not invited yet"),
    Progress.INVITED: _l("Invited, not booked"),
    Progress.BOOKED: _l("Booked"),
    Progress.ATTENDED: _l("Attended"),
}


# Rows a list counts and pages through (20 pages): a rare filter (a few per cent of a million) then reads some
# tens of thousands of index entries at most; the filters and the search narrow the rest.
LIST_BOUND = 1_000


def _has_booking(*conditions) -> sa.ColumnElement[bool]:
    """Whether the row's candidate has a booking such as ``conditions`` say: one index lookup per candidate
    read. (Written as a subquery with LIMIT, not EXISTS, which PostgreSQL would turn into a scan of every
    booking, to hash them, before the first row of a page.)"""
    return (sa.select(Booking.id).where(Booking.candidate_id == Candidate.id, *conditions).limit(1)
            .scalar_subquery().is_not(None))


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    booked: bool
    attended: bool

    @property
    def invited(self) -> bool:
        return self.candidate.invited_at is not None

    @property
    def progress(self) -> Progress:
        if self.attended:
            return Progress.ATTENDED
        if self.booked:
            return Progress.BOOKED
        return Progress.INVITED if self.invited else Progress.NOT_INVITED


def list_conditions(
    *, progress: Progress | None = None, vacancy: str = "", department: str = "", search: str = ""
) -> list[sa.ColumnElement[bool]]:
    """The list's filters as conditions on Candidate: by progress, vacancy, department and a piece of a name or
    address; a whole address finds the candidates with exactly that address (through its index)."""
    booked = _has_booking(Booking.status != BookingStatus.CANCELLED)
    attended = _has_booking(Booking.status == BookingStatus.ATTENDED)
    conditions = []
    if progress == Progress.NOT_INVITED:
        conditions += [Candidate.invited_at.is_(None), ~booked]
    elif progress == Progress.INVITED:
        conditions += [Candidate.invited_at.is_not(None), ~booked]
    elif progress == Progress.BOOKED:
        conditions += [_has_booking(Booking.status.in_((BookingStatus.BOOKED, BookingStatus.NO_SHOW))), ~attended]
    elif progress == Progress.ATTENDED:
        conditions.append(attended)
    if vacancy:
        conditions.append(Candidate.vacancy == vacancy)
    if department:
        conditions.append(Candidate.department == department)
    search = search.strip()
    if is_whole_address(search):
        conditions.append(same_address(Candidate.email, search))
    elif search:
        conditions.append(sa.or_(contains(Candidate.name, search), contains(Candidate.email, search)))
    return conditions


def list_candidates(
    *, progress: Progress | None = None, vacancy: str = "", department: str = "", search: str = "", page: int = 1
) -> Page[CandidateRow]:
    """Candidates, newest rejection first, filtered as ``list_conditions`` says."""
    booked = _has_booking(Booking.status != BookingStatus.CANCELLED)
    attended = _has_booking(Booking.status == BookingStatus.ATTENDED)
    conditions = list_conditions(progress=progress, vacancy=vacancy, department=department, search=search)
    found = fetch_page(
        sa.select(Candidate, booked.label("booked"), attended.label("attended"))
        .where(*conditions)
        .order_by(Candidate.rejected_on.desc(), Candidate.id.desc()),
        page, PAGE_SIZE, count_up_to=LIST_BOUND,
    )
    return replace(found, rows=[CandidateRow(candidate, bool(b), bool(a)) for candidate, b, a in found.rows])


def candidate_row(candidate: Candidate) -> CandidateRow:
    statuses = {b.status for b in candidate.bookings}
    booked = bool(statuses - {BookingStatus.CANCELLED})
    return CandidateRow(candidate, booked, BookingStatus.ATTENDED in statuses)


def filter_choices() -> tuple[list[str], list[str]]:
    """The vacancies and departments that occur, for the filters: read from their indexes value by value
    (a skip scan), not from every candidate."""
    return distinct_values(Candidate.vacancy), distinct_values(Candidate.department)


def get_candidates(ids: list[int]) -> list[Candidate]:
    """The candidates with these ids, in the order given; unknown ids are left out."""
    if not ids:
        return []
    found = {c.id: c for c in db.session.scalars(sa.select(Candidate).where(Candidate.id.in_(ids)))}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def sent_messages(candidate: Candidate) -> list[OutboxMessage]:
    """The e-mails the outbox holds for this candidate, newest first."""
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.candidate_id == candidate.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    ))
