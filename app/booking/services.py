"""The booking rules. Views call these functions and turn their exceptions into messages."""

import re
import uuid
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.booking.free_times import (
    closing_delta,
    free_slots_query,
    places_left,
    slot_is_full,
    times_changed,
)
from app.core.errors import DomainError
from app.core.ids import is_id
from app.core.text import clean_text
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.i18n import _l
from app.mail import notifications
from app.models import (
    Booking,
    BookingStatus,
    CancelReason,
    Candidate,
    ConversationMode,
    FeedbackSession,
    FeedbackSessionStatus,
    PoolSource,
    Slot,
    Topic,
    User,
    WaitlistEntry,
    WaitlistStatus,
)
from app.timeutil import day_before_at
from app.tokens import Link, keep_links_alive

REMINDER_TIME = time(9, 0)
LINK_GRACE = timedelta(days=14)


class BookingError(DomainError):
    """A booking rule said no; ``message`` is what the candidate reads."""


SlotTaken = BookingError.refusal("SlotTaken", _l(
    "Sorry, this slot was just taken by someone else. Please choose another one below."))
SlotUnavailable = BookingError.refusal("SlotUnavailable", _l(
    "This slot can no longer be booked. Please choose one of the slots below."))
BookingClosed = BookingError.refusal("BookingClosed", _l(
    "Changes are no longer possible online this close to the conversation."))
SlotClosedForBooking = BookingError.refusal("SlotClosedForBooking", _l(
    "Online booking for that day has closed. Please choose a time on another day."))
SameSlot = BookingError.refusal("SameSlot", _l("That is already your time, so nothing has changed."))
AlreadyBooked = BookingError.refusal("AlreadyBooked", _l(
    "You already have a booking. You can move or cancel it below."))
BookingChanged = BookingError.refusal("BookingChanged", _l(
    "Your booking was changed in the meantime. This is how it stands now."))
InvalidTopics = BookingError.refusal("InvalidTopics", _l("Please choose what you would like to talk about."))
ModeNotOffered = BookingError.refusal("ModeNotOffered", _l(
    "That feedback hour does not offer this way of talking. Please choose one it offers."))
InvalidPhone = BookingError.refusal("InvalidPhone", _l(
    "Please give a phone number we can call, e.g. 06 12345678 or +31 6 12345678."))
InvalidCancelReason = BookingError.refusal("InvalidCancelReason", _l("Please choose one of the reasons, or none."))


# A number as people type it: digits with spaces, dashes, dots or brackets, perhaps a leading +.
_PHONE_SHAPE = re.compile(r"^\+?[\d\s().-]+$")
_PHONE_DIGITS = (8, 15)  # a Dutch number has 10 digits; international ones at most 15 (E.164)
PHONE_MAX_LENGTH = 40


def clean_phone(text: str | None) -> str:
    """The phone number as typed, trimmed, with single spaces; raises InvalidPhone for anything that is not
    a callable number."""
    phone = " ".join((text or "").split())
    digits = sum(ch.isdigit() for ch in phone)
    if (len(phone) > PHONE_MAX_LENGTH or not _PHONE_SHAPE.match(phone)
            or not _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]):
        raise InvalidPhone()
    return phone


def choose_mode(feedback_session: FeedbackSession, mode: str | None, phone: str | None) -> tuple[ConversationMode, str]:
    """The way of talking and the number to call (or "") for a booking in ``feedback_session``: ``mode`` must be one
    the session offers (none given: its only one, if it offers one); a phone call needs a valid number."""
    offered = feedback_session.modes
    if not mode and len(offered) == 1:
        mode = offered[0].value
    if mode not in {m.value for m in offered}:
        raise ModeNotOffered()
    chosen = ConversationMode(mode)
    return chosen, clean_phone(phone) if chosen == ConversationMode.PHONE else ""


def closes_at(feedback_session: FeedbackSession) -> datetime:
    """The moment online booking, moving and cancelling close for ``feedback_session``."""
    return feedback_session.starts_at - closing_delta()


def is_open(feedback_session: FeedbackSession, now: datetime) -> bool:
    return feedback_session.status == FeedbackSessionStatus.PUBLISHED and now < closes_at(feedback_session)


def free_slots(now: datetime | None = None) -> list[Slot]:
    """Slots that can be booked right now, in time order."""
    return list(db.session.scalars(free_slots_query((now or utcnow()) + closing_delta())))


def count_free_slots(now: datetime) -> int:
    """How many places can be booked right now: every free place at every time (one per host)."""
    free = free_slots_query(now + closing_delta(), places_left().label("left")).subquery()
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(free.c.left), 0)))


def hosts_in_turn(slot: Slot) -> list[User | None]:
    """Who could host a new booking at ``slot``, the best first: the session's hosts still free at that
    time, fewest bookings in the session first, ties in a stable order (the hosts' ids); [None] for a
    session that names no host."""
    hosts = slot.feedback_session.hosts
    if not hosts:
        return [None]
    active = Booking.status != BookingStatus.CANCELLED
    load = dict(db.session.execute(
        sa.select(Booking.host_id, sa.func.count(Booking.id)).join(Booking.slot)
        .where(Slot.feedback_session_id == slot.feedback_session_id, active, Booking.host_id.is_not(None))
        .group_by(Booking.host_id)
    ).all())
    busy = set(db.session.scalars(sa.select(Booking.host_id).where(Booking.slot_id == slot.id, active)))
    free = [host for host in hosts if host.id not in busy]
    return sorted(free, key=lambda host: (load.get(host.id, 0), host.id))


def open_booking(candidate: Candidate) -> Booking | None:
    """The candidate's booking that still lies ahead (status booked), if any."""
    return db.session.scalar(
        sa.select(Booking).where(Booking.candidate_id == candidate.id, Booking.status == BookingStatus.BOOKED)
    )


def _bookable_slot(slot_id: int | None, now: datetime) -> Slot:
    slot = db.session.get(Slot, slot_id) if is_id(slot_id) else None
    if slot is None or slot.feedback_session.status != FeedbackSessionStatus.PUBLISHED or slot.starts_at <= now:
        raise SlotUnavailable()
    if not is_open(slot.feedback_session, now):
        raise SlotClosedForBooking()
    return slot


def _clean_topics(topics: list[str]) -> list[str]:
    known = [t.value for t in Topic]
    chosen = [t for t in known if t in set(topics or [])]
    if not chosen:
        raise InvalidTopics()
    return chosen


def check_still_free(link: Link, slot_id: int | None) -> None:
    """Raises AlreadyBooked or SlotTaken when a read already shows that ``book_slot`` would. Only a
    shortcut for the many who are too late: ``book_slot`` checks again where it counts."""
    if link.has_open_booking:
        raise AlreadyBooked()
    if is_id(slot_id) and db.session.scalar(sa.select(sa.literal(True)).where(slot_is_full(slot_id))):
        raise SlotTaken()


def book_slot(
    candidate: Candidate, slot_id: int | None, topics: list[str], question: str, *, token: str,
    mode: str | None = None, phone: str | None = None,
    language: str | None = None, now: datetime | None = None, join_pool: bool = False,
) -> Booking:
    """Book ``slot_id`` for ``candidate`` with the host whose turn it is, talking the way ``mode`` says
    (``phone``: the number to call), and queue the confirmation with its invitation.

    The database decides races: its partial unique indexes allow one active booking per slot and host and
    one open booking per candidate. Who loses a host to someone faster gets the next free host at that time;
    when none is left, SlotTaken (or AlreadyBooked), never a half-written booking.
    """
    now = now or utcnow()
    existing = open_booking(candidate)
    if existing is not None:
        raise AlreadyBooked()
    slot = _bookable_slot(slot_id, now)
    chosen = _clean_topics(topics)
    question = _clean_question(question)
    how, phone = choose_mode(slot.feedback_session, mode, phone)
    if language:
        candidate.language = language
    booking = None
    for host in hosts_in_turn(slot):
        try:
            with db.session.begin_nested():  # the loser of a race loses only this, not the request's transaction
                booking = Booking(
                    candidate=candidate, slot=slot, host=host, topics=chosen, question=question, mode=how,
                    phone=phone, uid=f"{uuid.uuid4()}@feedbackspreekuur", sequence=0,
                )
                db.session.add(booking)
            break
        except IntegrityError:
            booking = None
            if open_booking(candidate) is not None:
                raise AlreadyBooked() from None
    if booking is None:
        raise SlotTaken()
    _settle_waitlist(candidate)
    keep_links_alive(candidate, slot.ends_at + LINK_GRACE)
    record_event("booked", candidate, feedback_session_id=slot.feedback_session_id, at=now)
    if join_pool:
        from app.talent import (
            services as talent,  # the talent pool builds on booking, not the other way round
        )

        try:
            talent.join_pool(candidate, now=now, source=PoolSource.BOOKING)
        except talent.AlreadyMember:
            pass  # already in the pool: the booking is what matters here
    notifications.notify_booking_confirmed(booking, token)
    times_changed()
    return booking


def _clean_question(question: str | None) -> str:
    question = clean_text(question or "").strip()
    if len(question) > current_app.config["QUESTION_MAX_LENGTH"]:
        raise BookingError(_("Your question is too long."))
    return question


def change_topics(
    booking: Booking, topics: list[str], question: str, expected_sequence: int | None, *,
    now: datetime | None = None,
) -> Booking:
    """Change what the conversation is about without moving it. The time, the host and the calendar stay
    as they are (no new invitation: the calendar holds neither); a form from an older page changes nothing."""
    now = now or utcnow()
    _check_still_current(booking, expected_sequence)
    if not is_open(booking.slot.feedback_session, now):
        raise BookingClosed()
    chosen, question = _clean_topics(topics), _clean_question(question)
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.BOOKED,
               Booking.sequence == expected_sequence)
        .values(topics=chosen, question=question, updated_at=now)
    )
    if result.rowcount != 1:
        raise BookingChanged()
    db.session.refresh(booking)
    return booking


def reschedule_booking(
    booking: Booking, new_slot_id: int | None, expected_sequence: int, *, token: str,
    now: datetime | None = None,
) -> Booking:
    """Move ``booking`` to another free slot in one atomic update, and send the updated invitation.

    ``expected_sequence`` is the version the candidate saw: a form from an older page never moves
    a booking that has changed since.
    """
    now = now or utcnow()
    _check_still_current(booking, expected_sequence)
    if not is_open(booking.slot.feedback_session, now):
        raise BookingClosed()
    new_slot = _bookable_slot(new_slot_id, now)
    if new_slot.id == booking.slot_id:
        raise SameSlot()
    if booking.mode not in new_slot.feedback_session.modes:
        raise ModeNotOffered(_("That day does not offer the way of talking you chose. Please choose a time on "
                               "another day, or cancel and book again."))
    old_slot_id = booking.slot_id
    result = None
    for host in hosts_in_turn(new_slot):
        try:
            with db.session.begin_nested():  # a race for a place at the new time costs only this statement
                result = db.session.execute(
                    sa.update(Booking)
                    .where(Booking.id == booking.id, Booking.status == BookingStatus.BOOKED,
                           Booking.sequence == expected_sequence)
                    .values(slot_id=new_slot.id, host_id=host.id if host else None,
                            sequence=Booking.sequence + 1, updated_at=now)
                )
            break
        except IntegrityError:
            result = None
    if result is None:
        raise SlotTaken()
    if result.rowcount != 1:
        raise BookingChanged()
    db.session.refresh(booking)
    keep_links_alive(booking.candidate, new_slot.ends_at + LINK_GRACE)
    record_event("rescheduled", booking.candidate, feedback_session_id=new_slot.feedback_session_id, at=now)
    notifications.notify_booking_rescheduled(booking, token)
    db.session.flush()
    _offer_after_change(now, freed_slot_id=old_slot_id)
    times_changed()
    return booking


def cancel_booking(
    booking: Booking, expected_sequence: int, *, token: str, reason: str = "", now: datetime | None = None,
) -> Booking:
    """Cancel ``booking``: the place is free again and the calendar event is withdrawn. ``reason`` (a
    CancelReason value, or "" when the candidate gave none) is kept and counted without the person."""
    now = now or utcnow()
    if reason and reason not in {r.value for r in CancelReason}:
        raise InvalidCancelReason()
    _check_still_current(booking, expected_sequence)
    if not is_open(booking.slot.feedback_session, now):
        raise BookingClosed()
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.BOOKED,
               Booking.sequence == expected_sequence)
        .values(status=BookingStatus.CANCELLED, sequence=Booking.sequence + 1, cancelled_at=now, updated_at=now,
                cancel_reason=reason)
    )
    if result.rowcount != 1:
        raise BookingChanged()
    db.session.refresh(booking)
    record_event(
        "cancelled", booking.candidate, feedback_session_id=booking.slot.feedback_session_id, at=now, detail=reason
    )
    notifications.notify_booking_cancelled(booking, token)
    db.session.flush()
    _offer_after_change(now, freed_slot_id=booking.slot_id)
    times_changed()
    return booking


def _check_still_current(booking: Booking, expected_sequence: int | None) -> None:
    if booking.status != BookingStatus.BOOKED or expected_sequence != booking.sequence:
        raise BookingChanged()


def _offer_after_change(now: datetime, freed_slot_id: int) -> None:
    slot = db.session.get(Slot, freed_slot_id)
    if slot is not None and is_open(slot.feedback_session, now):
        offer_free_slots(now=now)


# --- waitlist -------------------------------------------------------------------------------------

def waitlist_entry(candidate: Candidate) -> WaitlistEntry | None:
    return db.session.scalar(
        sa.select(WaitlistEntry).where(
            WaitlistEntry.candidate_id == candidate.id,
            WaitlistEntry.status.in_([WaitlistStatus.WAITING, WaitlistStatus.OFFERED]),
        )
    )


def join_waitlist(candidate: Candidate, *, language: str | None = None, now: datetime | None = None) -> WaitlistEntry:
    """Put the candidate on the waitlist (once; joining twice changes nothing)."""
    entry = waitlist_entry(candidate)
    if entry is not None:
        return entry
    if open_booking(candidate) is not None:
        raise AlreadyBooked()
    if language:
        candidate.language = language
    now = now or utcnow()
    try:
        with db.session.begin_nested():  # joined twice at once (one open entry each): the second finds the first
            entry = WaitlistEntry(candidate=candidate, created_at=now)
            db.session.add(entry)
    except IntegrityError:
        return waitlist_entry(candidate)
    record_event("waitlisted", candidate, at=now)
    return entry


def leave_waitlist(candidate: Candidate) -> None:
    entry = waitlist_entry(candidate)
    if entry is not None:
        entry.status = WaitlistStatus.LEFT


def _settle_waitlist(candidate: Candidate) -> None:
    entry = waitlist_entry(candidate)
    if entry is not None:
        entry.status = WaitlistStatus.BOOKED


def offer_free_slots(*, now: datetime | None = None) -> int:
    """Offer free slots to waiting candidates, first come, first served.

    Each free slot is offered to one person at a time: offers younger than WAITLIST_OFFER_HOURS still
    count against the free slots, so a freed slot does not go out to the whole list at once. Called
    when a slot frees up, when a session is published, and by the mail worker. Does not commit.
    """
    now = now or utcnow()
    window = timedelta(hours=current_app.config["WAITLIST_OFFER_HOURS"])
    outstanding = db.session.scalar(
        sa.select(sa.func.count(WaitlistEntry.id)).where(
            WaitlistEntry.status == WaitlistStatus.OFFERED, WaitlistEntry.offered_at > now - window
        )
    )
    room = count_free_slots(now) - outstanding
    if room <= 0:
        return 0
    waiting = list(
        db.session.scalars(
            sa.select(WaitlistEntry)
            .where(WaitlistEntry.status == WaitlistStatus.WAITING)
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
            .limit(room)
        )
    )
    for entry in waiting:
        entry.status, entry.offered_at = WaitlistStatus.OFFERED, now
        notifications.notify_waitlist_offer(entry)
    return len(waiting)


# --- reminders ------------------------------------------------------------------------------------

def queue_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminder for every conversation tomorrow that has not had one. Does not commit."""
    now = now or utcnow()
    candidates = db.session.scalars(
        sa.select(Booking)
        .join(Booking.slot)
        .where(
            Booking.status == BookingStatus.BOOKED,
            Booking.reminder_queued_at.is_(None),
            Slot.starts_at > now,
            Slot.starts_at < now + timedelta(days=2),
        )
    )
    queued = 0
    for booking in candidates:
        due = day_before_at(booking.slot.starts_at, REMINDER_TIME)
        if now < due:
            continue
        booking.reminder_queued_at = now
        if booking.created_at < due:  # someone who booked after that moment just had the confirmation
            notifications.notify_booking_reminder(booking)
            queued += 1
    return queued
