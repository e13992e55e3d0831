"""Which times are free, and the one cache of them: the free times a process read a moment ago.

When the rejection e-mails go out, hundreds of candidates open their page within seconds and all see the
same list of free times. A process reuses the list it read less than ``FREE_SLOTS_FRESH_SECONDS`` ago (by
the request's own ``now``), and forgets it when a change it made itself commits (``times_changed()``,
called by every writer of bookings and feedback sessions), so that its own bookings, moves and
cancellations show at once; those of other processes show within that time. A time shown that was just
taken is answered like any race: "just taken", with the list read afresh (``fresh``).

The list is kept as frozen values under one object while it stays the same, so that the rendered picker
is found by identity (``{% cache %}`` in app/fragments.py). bench/booking_burst.py measures what this buys.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager

from app.database import on_commit, utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, FeedbackSession, FeedbackSessionStatus, Slot, feedback_session_host
from app.timeutil import local


def closing_delta() -> timedelta:
    """How long before a feedback session online booking, moving and cancelling close."""
    return timedelta(hours=current_app.config["BOOKING_CLOSES_HOURS"])


def booked_places(slot=Slot.id):
    """How many active (not cancelled) bookings ``slot`` has: a slot's id, or by default the slot of the
    enclosing query."""
    return (
        sa.select(sa.func.count(Booking.id))
        .where(Booking.slot_id == slot, Booking.status != BookingStatus.CANCELLED)
        .scalar_subquery()
    )


def places_per_time(feedback_session_id=Slot.feedback_session_id):
    """How many conversations a feedback session holds at each time: one per host, one when it names none
    (``FeedbackSession.places`` in SQL)."""
    hosts = (
        sa.select(sa.func.count()).select_from(feedback_session_host)
        .where(feedback_session_host.c.feedback_session_id == feedback_session_id).scalar_subquery()
    )
    return sa.case((hosts > 0, hosts), else_=1)


def places_left(slot=Slot.id, feedback_session_id=Slot.feedback_session_id):
    """The free places at ``slot`` (by default the slot of the enclosing query)."""
    return places_per_time(feedback_session_id) - booked_places(slot)


def slot_is_full(slot_id: int):
    """Whether every place at the slot ``slot_id`` is booked (false for a slot that does not exist)."""
    feedback_session_id = sa.select(Slot.feedback_session_id).where(Slot.id == slot_id).scalar_subquery()
    return sa.and_(feedback_session_id.is_not(None), places_left(slot_id, feedback_session_id) <= 0)


def free_slots_query(opens_after, *columns):
    """Slots with a free place in time order, in feedback sessions that start after ``opens_after`` (a moment
    or a bound parameter): as Slot objects with their feedback session, or, given ``columns``, as rows of those
    (``places_left()`` among them, if wanted)."""
    query = (
        sa.select(*(columns or (Slot,)))
        .join(Slot.feedback_session)
        .where(
            FeedbackSession.status == FeedbackSessionStatus.PUBLISHED,
            FeedbackSession.starts_at > opens_after,
            places_left() > 0,
        )
        .order_by(FeedbackSession.starts_at, FeedbackSession.id, Slot.starts_at)
    )
    # The join already has the feedback session: no query per slot.
    return query if columns else query.options(contains_eager(Slot.feedback_session))


@dataclass(frozen=True)
class FreeSlot:
    """A time the picker offers: read as plain columns, since the page only shows it."""

    id: int
    starts_at: datetime
    ends_at: datetime
    places: int = 1  # free places at this time: one per host not yet booked

    @property
    def label(self) -> str:
        """'16:15 – 16:30' on an Amsterdam clock."""
        return f"{local(self.starts_at):%H:%M} – {local(self.ends_at):%H:%M}"


@dataclass(frozen=True)
class Place:
    location: str | None
    video_url: str | None
    # The ways of talking the day's feedback session offers (ConversationMode values), in a fixed order.
    modes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DaySlots:
    """The free slots of one day of one feedback session, for the picker."""

    day: date
    place: Place
    slots: tuple[FreeSlot, ...]

    @property
    def places(self) -> int:
        """How many conversations can still be booked on this day (every host's free places)."""
        return sum(slot.places for slot in self.slots)


class FreeDays(tuple):
    """The picker's days (``DaySlots`` in time order): the key under which every page view finds the
    rendered picker. Its hash is computed once, not over every time at every view, and a process keeps one
    object for as long as the times stay the same, so that the key is found by identity instead of by
    comparing each time."""

    def __hash__(self) -> int:
        return self._hash

    @functools.cached_property
    def _hash(self) -> int:
        return tuple.__hash__(self)

    @functools.cached_property
    def default_choice(self) -> "PickerChoice":
        """What a page opened from the link shows as chosen: the day, if there is only one to choose."""
        offered = {group.day for group in self}
        return PickerChoice(None, next(iter(offered))) if len(offered) == 1 else NO_CHOICE

    @functools.cached_property
    def modes(self) -> tuple[str, ...]:
        """The ways of talking any of these days offers, in a fixed order."""
        offered = {mode for day in self for mode in day.place.modes}
        return tuple(mode for mode in ("on_site", "video", "phone") if mode in offered)


@functools.cache
def _free_slot_rows() -> sa.Select:
    """What the picker needs of each free slot, as plain columns. Built once: everyone opens this page."""
    return free_slots_query(
        sa.bindparam("opens_after"), Slot.id, Slot.starts_at, Slot.ends_at, Slot.feedback_session_id,
        FeedbackSession.location, FeedbackSession.video_url, FeedbackSession.offers_on_site,
        FeedbackSession.offers_video, FeedbackSession.offers_phone, places_left().label("places"))


def free_slots_by_day(now: datetime | None = None, *, exclude_slot_id: int | None = None,
                      fresh: bool = False) -> FreeDays:
    """What the picker shows, grouped by day and feedback session, as frozen values; the list this process
    read a moment ago unless ``fresh`` (see the module's docstring)."""
    days = _free_days(now or utcnow(), fresh)
    if exclude_slot_id is None:
        return days
    without = (DaySlots(d.day, d.place, tuple(s for s in d.slots if s.id != exclude_slot_id)) for d in days)
    return FreeDays(d for d in without if d.slots)


@dataclass(frozen=True)
class _Remembered:
    read_at: datetime | None  # None: forgotten after a change, kept only to reuse ``days`` if they stay the same
    days: FreeDays


_REMEMBERED = "booking.free_days"  # key in app.extensions


def _free_days(now: datetime, fresh: bool) -> FreeDays:
    keep_for = current_app.config["FREE_SLOTS_FRESH_SECONDS"]
    remembered: _Remembered | None = current_app.extensions.get(_REMEMBERED)
    if (not fresh and remembered is not None and remembered.read_at is not None
            and timedelta(0) <= now - remembered.read_at < timedelta(seconds=keep_for)):
        return remembered.days
    rows = db.session.execute(_free_slot_rows(), {"opens_after": now + closing_delta()})
    days = []
    for (day, _session_id), group in groupby(
        rows, key=lambda row: (local(row.starts_at).date(), row.feedback_session_id)
    ):
        group = list(group)
        first = group[0]
        modes = tuple(mode for mode, on in (("on_site", first.offers_on_site), ("video", first.offers_video),
                                            ("phone", first.offers_phone)) if on)
        days.append(DaySlots(day=day, place=Place(first.location, first.video_url, modes),
                             slots=tuple(FreeSlot(row.id, row.starts_at, row.ends_at, row.places) for row in group)))
    days = FreeDays(days)
    if remembered is not None and remembered.days == days:
        days = remembered.days  # the same times as before: the same object, the same key
    current_app.extensions[_REMEMBERED] = _Remembered(now, days)
    return days


def times_changed() -> None:
    """Say that the current transaction books, frees, moves, opens or closes times: once it commits, this
    process reads the free times again for the next page."""
    on_commit(_forget)


def _forget() -> None:
    remembered = current_app.extensions.get(_REMEMBERED)
    if remembered is not None:
        current_app.extensions[_REMEMBERED] = _Remembered(None, remembered.days)


@dataclass(frozen=True)
class PickerChoice:
    """What the picker shows as chosen: a time and its day, each only if the picker still offers it, so that
    a page that comes back with an error shows the candidate's choice and the rendered picker has few keys."""

    slot_id: int | None = None
    day: date | None = None


NO_CHOICE = PickerChoice()


def picker_choice(days: FreeDays, slot_id: int | None = None, day: date | None = None) -> PickerChoice:
    """The choice sent back (a slot's id and the day chosen), reduced to what ``days`` still offers: the day
    of the chosen time, else the day chosen, else the only day there is."""
    if slot_id is None and day is None:
        return days.default_choice
    for group in days:
        if slot_id is not None and any(slot.id == slot_id for slot in group.slots):
            return PickerChoice(slot_id, group.day)
    if any(group.day == day for group in days):
        return PickerChoice(None, day)
    return days.default_choice
