"""Planning the monthly feedback sessions: their layout in slots, changes that keep every booking
accounted for, publishing, closing and cancelling, and planning a series of months at once.

Views call these functions and turn their exceptions into messages."""

import re
from calendar import monthrange
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.booking import services as booking_services
from app.booking.free_times import times_changed
from app.booking.services import offer_free_slots
from app.core.errors import DomainError
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.i18n import _l
from app.mail import notifications
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    FeedbackSession,
    FeedbackSessionStatus,
    Role,
    Slot,
    User,
)
from app.timeutil import from_local, local, parse_clock
from app.tokens import keep_links_alive, valid_token

MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 120
MAX_SERIES_MONTHS = 12
HOST_ROLES = (Role.RECRUITER, Role.ADMIN)
# Which occurrence of a weekday in its month: 1..4, or -1 for the last one.
NTH_CHOICES = (1, 2, 3, 4, -1)


class SessionError(DomainError):
    """A planning rule said no; ``message`` is what the recruiter reads."""


class SessionLocked(SessionError):
    message = _l("This feedback hour has begun or is over, or it was cancelled: it can no longer be changed.")


class WrongStatus(SessionError):
    message = _l("This is not possible in the feedback hour's current state.")


class ChangedMeanwhile(SessionError):
    """Bookings changed between the confirmation page and the decision: the recruiter must look again."""

    message = _l("Bookings changed in the meantime. Please look at the list again before you decide.")

    def __init__(self, change: "LayoutChange | None" = None, message=None):
        super().__init__(message)
        self.change = change


class DecisionNeeded(SessionError):
    """The change would remove booked slots: the recruiter must choose what happens to them first."""

    message = _l("This change removes booked conversations. Please choose what happens to them.")

    def __init__(self, change: "LayoutChange"):
        super().__init__()
        self.change = change


# --- the layout: breaks, slots and their checks ----------------------------------------------------

_CLOCK = r"\d{1,2}[:.]\d{2}"
_BREAK = re.compile(rf"^\s*({_CLOCK})\s*[-–—]\s*({_CLOCK})\s*$")
_BREAK_SEPARATORS = re.compile(r"[,;\n]+")


def parse_breaks(text: str) -> list[list[str]]:
    """'17:00-17:15, 19:00-19:10' -> [["17:00", "17:15"], ["19:00", "19:10"]], sorted.

    Raises SessionError naming the part it could not read. Dots (17.00) work as well as colons.
    """
    breaks = []
    for part in _BREAK_SEPARATORS.split(text or ""):
        if not part.strip():
            continue
        match = _BREAK.match(part)
        if not match:
            raise SessionError(_('"%(part)s" is not a break. Write each break as 17:00-17:15, separated by commas.',
                                  part=part.strip()[:40]))
        try:
            start, end = (parse_clock(value.replace(".", ":")) for value in match.groups())
        except ValueError:
            raise SessionError(_('"%(part)s" contains a time that does not exist.', part=part.strip()[:40])) from None
        if end <= start:
            raise SessionError(_('In the break "%(part)s" the end must come after the start.', part=part.strip()[:40]))
        breaks.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    return sorted(breaks)


def format_breaks(breaks: list[list[str]] | None) -> str:
    """The stored breaks as the recruiter types them."""
    return ", ".join(f"{a}-{b}" for a, b in breaks or [])


def slot_times(
    day: date, start: time, end: time, slot_minutes: int, breaks: list[list[str]] | None = None
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every slot between ``start`` and ``end`` on ``day``, skipping the breaks."""
    step = timedelta(minutes=slot_minutes)
    pauses = [(parse_clock(a), parse_clock(b)) for a, b in (breaks or [])]
    result = []
    cursor = datetime.combine(day, start)
    finish = datetime.combine(day, end)
    while cursor + step <= finish:
        slot_start, slot_end = cursor.time(), (cursor + step).time()
        overlaps = any(slot_start < pause_end and pause_start < slot_end for pause_start, pause_end in pauses)
        if not overlaps:
            result.append((from_local(day, slot_start), from_local(day, slot_end)))
        cursor += step
    return result


@dataclass(frozen=True)
class SessionPlan:
    """What the recruiter asks for: a day with local start and end times, cut into slots."""

    day: date
    start: time
    end: time
    slot_minutes: int = 15
    breaks: tuple[tuple[str, str], ...] = ()
    location: str = ""
    video_url: str = ""
    host_ids: tuple[int, ...] = ()

    @property
    def break_list(self) -> list[list[str]]:
        return [list(b) for b in self.breaks]

    def slot_times(self) -> list[tuple[datetime, datetime]]:
        return slot_times(self.day, self.start, self.end, self.slot_minutes, self.break_list)


def layout_problems(
    *, day: date | None, start: time | None, end: time | None, slot_minutes: int | None,
    breaks: list[list[str]] | None, now: datetime | None = None,
) -> list[tuple[str, str]]:
    """What is wrong with a layout, as (field name, message) pairs; empty when it is fine.

    ``day`` None skips the date checks (a series checks its own dates). Checks only what the
    form could read: a missing value is the form's own error.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    if day is not None:
        today = local(now).date()
        if day < today:
            problems.append(("day", str(_("This date is in the past. Please choose a date from today on."))))
        elif day == today and start is not None and from_local(day, start) <= now:
            problems.append(("start", str(_("This time today has passed already."))))
    if start is None or end is None:
        return problems
    if end <= start:
        problems.append(("end", str(_("The end must be after the start."))))
        return problems
    for pause_start, pause_end in (breaks or []):
        if parse_clock(pause_start) < start or parse_clock(pause_end) > end:
            problems.append(("breaks", str(_(
                "The break %(start)s-%(end)s lies outside the feedback hour (%(opens)s to %(closes)s).",
                start=pause_start, end=pause_end, opens=start.strftime("%H:%M"), closes=end.strftime("%H:%M"),
            ))))
            return problems
    slot_length_ok = slot_minutes and MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES
    if slot_length_ok and not slot_times(day or date(2000, 1, 3), start, end, slot_minutes, breaks):
        problems.append(("slot_minutes", str(_(
            "No conversation fits: make the feedback hour longer, the breaks shorter or the slots shorter."
        ))))
    return problems


def host_choices(feedback_session: FeedbackSession | None = None) -> list[User]:
    """Who may host: active recruiters and admins, plus whoever hosts ``feedback_session`` already."""
    users = list(db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.role.in_(HOST_ROLES)).order_by(User.name)
    ))
    for host in (feedback_session.hosts if feedback_session else []):
        if host not in users:
            users.append(host)
    return users


def _hosts(host_ids: tuple[int, ...]) -> list[User]:
    if not host_ids:
        return []
    return list(db.session.scalars(sa.select(User).where(User.id.in_(host_ids)).order_by(User.name)))


# --- creating --------------------------------------------------------------------------------------

def create_session(
    *, day: date, start: time, end: time, slot_minutes: int = 15, breaks: list[list[str]] | None = None,
    location: str = "", video_url: str = "", status: FeedbackSessionStatus = FeedbackSessionStatus.DRAFT,
) -> FeedbackSession:
    """A session on ``day`` from ``start`` to ``end`` (Amsterdam time) with its slots. Does not commit."""
    feedback_session = FeedbackSession(
        starts_at=from_local(day, start), ends_at=from_local(day, end), slot_minutes=slot_minutes,
        breaks=breaks or [], location=location, video_url=video_url, status=status,
    )
    feedback_session.slots = [
        Slot(starts_at=a, ends_at=b) for a, b in slot_times(day, start, end, slot_minutes, breaks)
    ]
    db.session.add(feedback_session)
    return feedback_session


def create_planned_session(
    plan: SessionPlan, *, status: FeedbackSessionStatus = FeedbackSessionStatus.DRAFT
) -> FeedbackSession:
    """Create a session from the recruiter's plan, hosts included."""
    feedback_session = _create_from_plan(plan, status)
    times_changed()
    return feedback_session


def _create_from_plan(plan: SessionPlan, status: FeedbackSessionStatus) -> FeedbackSession:
    feedback_session = create_session(
        day=plan.day, start=plan.start, end=plan.end, slot_minutes=plan.slot_minutes, breaks=plan.break_list,
        location=plan.location, video_url=plan.video_url, status=status,
    )
    feedback_session.hosts = _hosts(plan.host_ids)
    return feedback_session


def session_day(feedback_session: FeedbackSession) -> date:
    return local(feedback_session.starts_at).date()


def plan_of(feedback_session: FeedbackSession) -> SessionPlan:
    """The session as a plan, to fill the edit form."""
    return SessionPlan(
        day=session_day(feedback_session),
        start=local(feedback_session.starts_at).time(),
        end=local(feedback_session.ends_at).time(),
        slot_minutes=feedback_session.slot_minutes,
        breaks=tuple(tuple(b) for b in feedback_session.breaks or []),
        location=feedback_session.location,
        video_url=feedback_session.video_url,
        host_ids=tuple(h.id for h in feedback_session.hosts),
    )


def is_editable(feedback_session: FeedbackSession, now: datetime | None = None) -> bool:
    """A session can be changed until it begins, unless it was cancelled."""
    return feedback_session.status != FeedbackSessionStatus.CANCELLED and feedback_session.starts_at > (now or utcnow())


# --- changing the layout ---------------------------------------------------------------------------

def _active_bookings(feedback_session: FeedbackSession) -> dict[int, Booking]:
    """Active (not cancelled) bookings of ``feedback_session`` by slot id."""
    rows = db.session.scalars(
        sa.select(Booking).join(Booking.slot)
        .where(Slot.feedback_session_id == feedback_session.id, Booking.status != BookingStatus.CANCELLED)
    )
    return {b.slot_id: b for b in rows}


@dataclass
class Move:
    """What happens to one booking whose slot goes: moved to ``to`` (start, end), or cancelled when None."""

    booking: Booking
    to: tuple[datetime, datetime] | None


@dataclass
class LayoutChange:
    """The difference between a session's slots and a plan's."""

    times: list[tuple[datetime, datetime]]
    kept: dict[datetime, Slot]
    removed: list[Slot]
    moves: list[Move] = field(default_factory=list)

    @property
    def affected(self) -> list[Booking]:
        return [m.booking for m in self.moves]

    @property
    def fingerprint(self) -> str:
        """Which bookings in which version the recruiter decided about."""
        return ",".join(f"{b.id}:{b.sequence}" for b in sorted(self.affected, key=lambda b: b.id))

    @property
    def all_can_move(self) -> bool:
        return all(m.to is not None for m in self.moves)

    @property
    def any_can_move(self) -> bool:
        return any(m.to is not None for m in self.moves)


def plan_change(feedback_session: FeedbackSession, plan: SessionPlan) -> LayoutChange:
    """Compare the session's slots with ``plan``: slots with the same start stay, free ones that no
    longer fit go, and each booked one that no longer fits gets the nearest free slot of the new
    layout (earliest bookings first), or none when the new layout is full."""
    times = plan.slot_times()
    new_starts = {a for a, _ in times}
    booked = _active_bookings(feedback_session)
    kept = {s.starts_at: s for s in feedback_session.slots if s.starts_at in new_starts}
    removed = [s for s in feedback_session.slots if s.starts_at not in new_starts]
    free = [(a, b) for a, b in times if not (a in kept and kept[a].id in booked)]
    moves = []
    for slot in removed:
        booking = booked.get(slot.id)
        if booking is None:
            continue
        target = min(free, key=lambda t: _nearness(t[0], slot.starts_at)) if free else None
        if target is not None:
            free.remove(target)
        moves.append(Move(booking=booking, to=target))
    return LayoutChange(times=times, kept=kept, removed=removed, moves=moves)


def _nearness(candidate: datetime, original: datetime) -> tuple:
    """How close a new slot is to the booked one: first on the clock (so that moving the session to
    another day keeps the time of day), then in absolute time, then the earlier one."""
    def minutes(moment: datetime) -> int:
        clock = local(moment)
        return clock.hour * 60 + clock.minute

    return abs(minutes(candidate) - minutes(original)), abs(candidate - original), candidate


@dataclass
class UpdateReport:
    """What saving a change did, for the confirmation message."""

    moved: int = 0
    cancelled: int = 0
    informed: int = 0


def update_session(
    feedback_session: FeedbackSession, plan: SessionPlan, *, resolution: str | None = None,
    expected: str | None = None, actor_id: int | None = None, now: datetime | None = None,
) -> UpdateReport:
    """Save ``plan`` into ``feedback_session`` and regenerate its slots, never dropping a booking silently.

    A change that removes booked slots raises DecisionNeeded until the recruiter chooses
    ``resolution``: "move" (each to a free slot of the new layout; cancelled where none is left)
    or "cancel". ``expected`` is the fingerprint of the bookings they saw; ``actor_id`` the recruiter,
    for the event log. Every candidate whose conversation moves, goes or changes is notified in the
    same transaction. All or nothing: a race with a candidate raises ChangedMeanwhile and changes nothing.
    """
    now = now or utcnow()
    if not is_editable(feedback_session, now):
        raise SessionLocked()
    change = plan_change(feedback_session, plan)
    if change.moves:
        if resolution not in ("move", "cancel"):
            raise DecisionNeeded(change)
        if expected != change.fingerprint:
            raise ChangedMeanwhile(change)
    details_changed = (feedback_session.location, feedback_session.video_url) != (plan.location, plan.video_url)
    try:
        with db.session.begin_nested():
            report = _apply_change(feedback_session, plan, change, resolution, details_changed, actor_id, now)
    except IntegrityError:
        # A candidate booked or moved into a slot this change touches, at the same moment.
        raise ChangedMeanwhile() from None
    times_changed()
    return report


def _apply_change(
    feedback_session: FeedbackSession, plan: SessionPlan, change: LayoutChange, resolution: str | None,
    details_changed: bool, actor_id: int | None, now: datetime,
) -> UpdateReport:
    report = UpdateReport()
    feedback_session.starts_at, feedback_session.ends_at = (
        from_local(plan.day, plan.start),
        from_local(plan.day, plan.end),
    )
    feedback_session.slot_minutes, feedback_session.breaks = plan.slot_minutes, plan.break_list
    feedback_session.location, feedback_session.video_url = plan.location, plan.video_url
    feedback_session.hosts = _hosts(plan.host_ids)

    # The new layout: kept slots take the new end, the others are added.
    by_start: dict[datetime, Slot] = {}
    resized: set[int] = set()
    for start, end in change.times:
        slot = change.kept.get(start)
        if slot is None:
            slot = Slot(feedback_session=feedback_session, starts_at=start, ends_at=end)
            db.session.add(slot)
        elif slot.ends_at != end:
            slot.ends_at = end
            resized.add(slot.id)
        by_start[start] = slot
    db.session.flush()

    dropped: list[Booking] = []
    for move in change.moves:
        booking = move.booking
        if resolution == "move" and move.to is not None:
            target = by_start[move.to[0]]
            _bump(booking, now, slot_id=target.id)
            keep_links_alive(booking.candidate, target.ends_at + booking_services.LINK_GRACE)
            record_event(
                "rescheduled", booking.candidate, feedback_session_id=feedback_session.id, at=now, user_id=actor_id
            )
            notifications.notify_booking_rescheduled(booking, valid_token(booking.candidate))
            report.moved += 1
        else:
            _bump(booking, now, status=BookingStatus.CANCELLED, cancelled_at=now)
            dropped.append(booking)
    db.session.flush()

    removed_ids = {s.id for s in change.removed}
    if dropped:
        offer = next_session_ahead(now, exclude_slot_ids=removed_ids)
        for booking in dropped:
            _tell_dropped(booking, offer, now, notifications.notify_booking_dropped, actor_id)
        report.cancelled = len(dropped)

    # The removed slots go. Cancelled bookings (history) that pointed at one keep a place in this
    # session: the first slot of the new layout, since the row needs a slot and theirs is gone.
    if removed_ids:
        first_slot = by_start[change.times[0][0]]
        db.session.execute(
            sa.update(Booking)
            .where(Booking.slot_id.in_(removed_ids), Booking.status == BookingStatus.CANCELLED)
            .values(slot_id=first_slot.id)
        )
        for slot in change.removed:
            feedback_session.slots.remove(slot)
        db.session.flush()
        db.session.expire_all()

    # Those who keep their slot get the new details when their time or the place changed.
    moved_ids = {m.booking.id for m in change.moves}
    for booking in _active_bookings(feedback_session).values():
        if booking.id in moved_ids or booking.status != BookingStatus.BOOKED:
            continue
        if details_changed or booking.slot_id in resized:
            _bump(booking, now)
            notifications.notify_session_changed(booking, valid_token(booking.candidate))
            report.informed += 1
    db.session.flush()
    if feedback_session.status == FeedbackSessionStatus.PUBLISHED:
        offer_free_slots(now=now)
    return report


def _bump(booking: Booking, now: datetime, **values) -> None:
    """Change ``booking`` with SEQUENCE+1, only if nobody changed it since it was read."""
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.BOOKED,
               Booking.sequence == booking.sequence)
        .values(sequence=Booking.sequence + 1, updated_at=now, **values)
    )
    if result.rowcount != 1:
        raise ChangedMeanwhile()  # callers run in a savepoint, which this undoes
    db.session.refresh(booking)


def next_session_ahead(now: datetime, *, exclude_slot_ids: set[int] = frozenset()) -> FeedbackSession | None:
    """The first published session ahead that candidates can still book a free slot in."""
    for slot in booking_services.free_slots(now):
        if slot.id not in exclude_slot_ids:
            return slot.feedback_session
    return None


def _tell_dropped(
    booking: Booking, offer: FeedbackSession | None, now: datetime, notify, actor_id: int | None,
) -> None:
    """Record, notify and, when nothing is planned ahead, put the candidate on the waitlist."""
    candidate = booking.candidate
    # "cancelled" with the recruiter as user_id: the event log tells it apart from a candidate's own.
    record_event("cancelled", candidate, feedback_session_id=booking.slot.feedback_session_id, at=now, user_id=actor_id)
    if offer is None:
        _put_on_waitlist(candidate, now)
    notify(booking, valid_token(candidate), offer)


def _put_on_waitlist(candidate: Candidate, now: datetime) -> None:
    """The candidate waits for a place (``join_waitlist``), joined as of ``now``."""
    booking_services.join_waitlist(candidate, now=now)


# --- publishing, closing, cancelling ---------------------------------------------------------------

def publish_session(feedback_session: FeedbackSession, *, now: datetime | None = None) -> int:
    """Open a session for booking and offer its places to the waitlist; returns how many people
    were offered a place."""
    now = now or utcnow()
    if (
        feedback_session.status not in (FeedbackSessionStatus.DRAFT, FeedbackSessionStatus.CLOSED)
        or feedback_session.ends_at <= now
    ):
        raise WrongStatus()
    feedback_session.status = FeedbackSessionStatus.PUBLISHED
    db.session.flush()
    times_changed()
    return offer_free_slots(now=now)


def close_session(feedback_session: FeedbackSession, *, now: datetime | None = None) -> None:
    """Take a published session off the booking page; its bookings stay."""
    if feedback_session.status != FeedbackSessionStatus.PUBLISHED:
        raise WrongStatus()
    feedback_session.status = FeedbackSessionStatus.CLOSED
    times_changed()


def booked_in(feedback_session: FeedbackSession) -> list[Booking]:
    """The conversations still ahead in ``feedback_session`` (status booked), in time order."""
    return list(db.session.scalars(
        sa.select(Booking).join(Booking.slot)
        .where(Slot.feedback_session_id == feedback_session.id, Booking.status == BookingStatus.BOOKED)
        .order_by(Slot.starts_at)
    ))


def cancel_fingerprint(feedback_session: FeedbackSession) -> str:
    return ",".join(f"{b.id}:{b.sequence}" for b in sorted(booked_in(feedback_session), key=lambda b: b.id))


def cancel_session(
    feedback_session: FeedbackSession, *, expected: str | None = None, actor_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Cancel ``feedback_session``: every booked candidate gets a CANCEL invitation and the next session
    ahead, or a place on the waitlist when none is planned. ``expected`` is the fingerprint of the
    bookings the recruiter saw. Returns how many candidates are told. All or nothing, as ``update_session``."""
    now = now or utcnow()
    if not is_editable(feedback_session, now):
        raise SessionLocked()
    bookings = booked_in(feedback_session)
    if expected is not None and expected != cancel_fingerprint(feedback_session):
        raise ChangedMeanwhile()
    try:
        with db.session.begin_nested():
            for booking in bookings:
                _bump(booking, now, status=BookingStatus.CANCELLED, cancelled_at=now)
            feedback_session.status = FeedbackSessionStatus.CANCELLED
            db.session.flush()
            offer = next_session_ahead(now)
            for booking in bookings:
                _tell_dropped(booking, offer, now, notifications.notify_session_cancelled, actor_id)
    except IntegrityError:
        raise ChangedMeanwhile() from None
    times_changed()
    return len(bookings)


def delete_draft(feedback_session: FeedbackSession) -> None:
    """Remove a draft that was never booked (e.g. one month too many in a series)."""
    has_bookings = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).join(Booking.slot).where(Slot.feedback_session_id == feedback_session.id)
    )
    if feedback_session.status != FeedbackSessionStatus.DRAFT or has_bookings:
        raise WrongStatus(_("Only a draft without bookings can be deleted."))
    db.session.delete(feedback_session)


# --- overviews -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionRow:
    feedback_session: FeedbackSession
    booked: int
    offered: int


def with_place_counts() -> sa.Select:
    """(session, booked, offered) rows: each feedback hour with how many of its places are booked (not
    cancelled) and how many it offers."""
    booked = (
        sa.select(sa.func.count(Booking.id))
        .join(Slot, Booking.slot_id == Slot.id)
        .where(Slot.feedback_session_id == FeedbackSession.id, Booking.status != BookingStatus.CANCELLED)
        .scalar_subquery()
    )
    offered = sa.select(sa.func.count(Slot.id)).where(Slot.feedback_session_id == FeedbackSession.id).scalar_subquery()
    return sa.select(FeedbackSession, booked, offered)


def session_overview(now: datetime | None = None, *, past_limit: int = 24) -> tuple[list[SessionRow], list[SessionRow]]:
    """Sessions ahead (soonest first) and the most recent past ones, with booked and offered counts."""
    now = now or utcnow()
    base = with_place_counts()
    ahead = db.session.execute(
        base.where(FeedbackSession.ends_at > now).order_by(FeedbackSession.starts_at)
    ).all()
    past = db.session.execute(
        base.where(FeedbackSession.ends_at <= now).order_by(FeedbackSession.starts_at.desc()).limit(past_limit)
    ).all()
    return [SessionRow(*r) for r in ahead], [SessionRow(*r) for r in past]


def slot_overview(feedback_session: FeedbackSession) -> list[tuple[Slot, Booking | None]]:
    """Every slot of ``feedback_session`` with its active booking, if any."""
    booked = _active_bookings(feedback_session)
    return [(slot, booked.get(slot.id)) for slot in feedback_session.slots]


# --- a series of months ----------------------------------------------------------------------------

def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The ``nth`` (1..4, or -1 for the last) ``weekday`` (0 = Monday) of a month."""
    if nth == -1:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def series_dates(nth: int, weekday: int, months: int, *, today: date) -> list[date]:
    """The dates of a series: one per month for ``months`` months, the first still ahead of ``today``."""
    days, year, month = [], today.year, today.month
    while len(days) < months:
        day = nth_weekday(year, month, nth, weekday)
        if day > today:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def sessions_on(day: date) -> list[FeedbackSession]:
    """Sessions (not cancelled) on ``day``, Amsterdam calendar."""
    return list(db.session.scalars(
        sa.select(FeedbackSession).where(
            FeedbackSession.starts_at >= from_local(day, time(0)),
            FeedbackSession.starts_at < from_local(day + timedelta(days=1), time(0)),
            FeedbackSession.status != FeedbackSessionStatus.CANCELLED,
        )
    ))


@dataclass(frozen=True)
class SeriesDate:
    day: date
    existing: FeedbackSession | None

    @property
    def skipped(self) -> bool:
        return self.existing is not None


def preview_series(nth: int, weekday: int, months: int, *, now: datetime | None = None) -> list[SeriesDate]:
    """The dates a series would get, each with the session already on that day (then it is skipped)."""
    today = local(now or utcnow()).date()
    result = []
    for day in series_dates(nth, weekday, months, today=today):
        existing = sessions_on(day)
        result.append(SeriesDate(day, existing[0] if existing else None))
    return result


def plan_series(
    nth: int, weekday: int, months: int, layout: SessionPlan, *, publish: bool = False,
    now: datetime | None = None,
) -> tuple[list[FeedbackSession], list[date]]:
    """Create a session on every date of the series that has none yet; returns (created, skipped days).

    ``layout`` gives times, slots, breaks, place and hosts (its ``day`` is ignored). Drafts unless
    ``publish``, in which case the waitlist is offered the new places.
    """
    now = now or utcnow()
    if not 1 <= months <= MAX_SERIES_MONTHS or nth not in NTH_CHOICES or not 0 <= weekday <= 6:
        raise SessionError()
    status = FeedbackSessionStatus.PUBLISHED if publish else FeedbackSessionStatus.DRAFT
    created, skipped = [], []
    for item in preview_series(nth, weekday, months, now=now):
        if item.skipped:
            skipped.append(item.day)
            continue
        created.append(_create_from_plan(replace(layout, day=item.day), status))
    db.session.flush()
    if publish and created:
        offer_free_slots(now=now)
    times_changed()
    return created, skipped
