"""Changing a feedback hour's layout while keeping every booking accounted for: each booking whose slot
goes is moved or cancelled as the recruiter decides, and every candidate concerned is told."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.booking import services as booking_services
from app.booking.free_times import times_changed
from app.booking.services import offer_free_slots
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.mail import notifications
from app.models import Booking, BookingStatus, Candidate, FeedbackSession, FeedbackSessionStatus, Slot
from app.sessions.errors import ChangedMeanwhile, DecisionNeeded, SessionLocked
from app.sessions.hosts import hosts_by_id
from app.sessions.layout import SessionPlan
from app.sessions.planning import is_editable, set_modes
from app.timeutil import from_local, local
from app.tokens import keep_links_alive, valid_token


def active_bookings(feedback_session: FeedbackSession) -> dict[int, list[Booking]]:
    """Active (not cancelled) bookings of ``feedback_session`` by slot id, the earliest first at each time."""
    rows = db.session.scalars(
        sa.select(Booking).join(Booking.slot)
        .where(Slot.feedback_session_id == feedback_session.id, Booking.status != BookingStatus.CANCELLED)
        .order_by(Booking.created_at, Booking.id)
    )
    by_slot: dict[int, list[Booking]] = {}
    for booking in rows:
        by_slot.setdefault(booking.slot_id, []).append(booking)
    return by_slot


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
    longer fit go, and each booking at a time that no longer fits gets a free place at the nearest time of
    the new layout (earliest bookings first), or none when the new layout is full. The plan's hosts say how
    many places each time has."""
    times = plan.slot_times()
    new_starts = {a for a, _ in times}
    booked = active_bookings(feedback_session)
    kept = {s.starts_at: s for s in feedback_session.slots if s.starts_at in new_starts}
    removed = [s for s in feedback_session.slots if s.starts_at not in new_starts]
    places = max(1, len(plan.host_ids))
    free = []  # one entry per free place
    for a, b in times:
        taken = len(booked.get(kept[a].id, [])) if a in kept else 0
        free.extend([(a, b)] * max(0, places - taken))
    moves = []
    for slot in removed:
        for booking in booked.get(slot.id, []):
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
    set_modes(feedback_session, plan.modes)
    feedback_session.hosts = hosts_by_id(plan.host_ids)

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
            # The same recruiter where they are free at the new time, else whose turn it is there.
            hosts = booking_services.hosts_in_turn(target)
            if not hosts:
                raise ChangedMeanwhile()  # a candidate took the last place there a moment ago
            host = booking.host if booking.host in hosts else hosts[0]
            bump_booking(booking, now, slot_id=target.id, host_id=host.id if host else None)
            keep_links_alive(booking.candidate, target.ends_at + booking_services.LINK_GRACE)
            record_event(
                "rescheduled", booking.candidate, feedback_session_id=feedback_session.id, at=now, user_id=actor_id
            )
            notifications.notify_booking_rescheduled(booking, valid_token(booking.candidate))
            report.moved += 1
        else:
            bump_booking(booking, now, status=BookingStatus.CANCELLED, cancelled_at=now)
            dropped.append(booking)
    db.session.flush()

    removed_ids = {s.id for s in change.removed}
    if dropped:
        offer = next_session_ahead(now, exclude_slot_ids=removed_ids)
        for booking in dropped:
            tell_dropped(booking, offer, now, notifications.notify_booking_dropped, actor_id)
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

    # Those who keep their slot get the new details when their time, the place or their host changed: a
    # host who no longer hosts hands their conversations to one free at that time (where there is one).
    moved_ids = {m.booking.id for m in change.moves}
    host_ids = {h.id for h in feedback_session.hosts}
    for booking in (b for bookings in active_bookings(feedback_session).values() for b in bookings):
        if booking.id in moved_ids or booking.status != BookingStatus.BOOKED:
            continue
        new_host = None
        if booking.host_id is not None and booking.host_id not in host_ids:
            new_host = next(iter(booking_services.hosts_in_turn(booking.slot)), None)
        if details_changed or booking.slot_id in resized or new_host is not None:
            bump_booking(booking, now, **({"host_id": new_host.id} if new_host is not None else {}))
            notifications.notify_session_changed(booking, valid_token(booking.candidate))
            report.informed += 1
    db.session.flush()
    if feedback_session.status == FeedbackSessionStatus.PUBLISHED:
        offer_free_slots(now=now)
    return report


def bump_booking(booking: Booking, now: datetime, **values) -> None:
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


def tell_dropped(
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
