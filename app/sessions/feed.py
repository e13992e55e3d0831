"""The recruiter's calendar feed: the conversations they host, at a secret address they can renew.

The address carries a random token of 256 bits; only its SHA-256 is kept (User.feed_token_hash),
so a renewed address makes the old one stop working, and a copy of the database reveals none."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.database import utcnow
from app.extensions import db
from app.mail.ics import PRODID
from app.models import (
    Booking,
    BookingStatus,
    ConversationMode,
    FeedbackSession,
    FeedbackSessionStatus,
    Role,
    Slot,
    User,
    feedback_session_host,
)
from app.tokens import external_url

TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
# How far back the feed reaches: last month's conversations stay visible, older ones drop off.
HISTORY = timedelta(days=62)
FEED_ROLES = (Role.RECRUITER, Role.ADMIN)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue_feed_token(user: User) -> str:
    """A new secret feed token for ``user``; any earlier address stops working. Does not commit."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    user.feed_token_hash = _hash(token)
    return token


def stop_feed(user: User) -> None:
    """No feed address works for ``user`` any more. Does not commit."""
    user.feed_token_hash = None


def feed_url(token: str) -> str:
    return external_url("sessions.download_feed", token=token)


def user_for_feed(token: str) -> User | None:
    """The active recruiter or admin whose feed ``token`` opens, or None."""
    if not _TOKEN_SHAPE.match(token or ""):
        return None
    user = db.session.scalar(sa.select(User).where(User.feed_token_hash == _hash(token)))
    if user is None or not user.active or user.role not in FEED_ROLES:
        return None
    return user


def hosted_bookings(user: User, *, now: datetime | None = None) -> list[Booking]:
    """The conversations (not cancelled) ``user`` holds, from a while back on, in time order: their own, and
    those nobody holds in sessions they host. Another host's conversations are theirs."""
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(Booking)
        .join(Booking.slot)
        .join(FeedbackSession, Slot.feedback_session_id == FeedbackSession.id)
        .join(feedback_session_host, feedback_session_host.c.feedback_session_id == FeedbackSession.id)
        .where(
            feedback_session_host.c.user_id == user.id,
            sa.or_(Booking.host_id == user.id, Booking.host_id.is_(None)),
            Booking.status != BookingStatus.CANCELLED,
            FeedbackSession.status != FeedbackSessionStatus.CANCELLED,
            Slot.starts_at >= now - HISTORY,
        )
        .order_by(Slot.starts_at, Booking.id)
    ))


def host_calendar(user: User, *, now: datetime | None = None) -> bytes:
    """The feed: METHOD:PUBLISH, one VEVENT per conversation with the booking's UID. The summary holds
    the candidate's first name and the vacancy; no notes, no e-mail addresses, no question."""
    now = now or utcnow()
    organisation = current_app.config["ORGANISATION_NAME"]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Feedback hour – %(organisation)s", organisation=organisation))
    calendar.add("x-published-ttl", "PT1H")
    for booking in hosted_bookings(user, now=now):
        slot, candidate = booking.slot, booking.candidate
        feedback_session = slot.feedback_session
        event = Event()
        event.add("uid", booking.uid)
        event.add("sequence", booking.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", slot.starts_at)
        event.add("dtend", slot.ends_at)
        event.add("summary", " ".join(_("Feedback conversation: %(name)s – %(vacancy)s",
                                        name=candidate.first_name, vacancy=candidate.vacancy).split()))
        # How the conversation takes place; a phone number stays in the portal (the agenda), not in calendars.
        if booking.mode == ConversationMode.PHONE:
            location = _("Phone call: you call the candidate (the number is in the agenda)")
        elif booking.mode == ConversationMode.VIDEO:
            location = feedback_session.video_url
        else:
            location = feedback_session.location
        if location:
            event.add("location", " ".join(location.split()))
        page = external_url("sessions.show_session", feedback_session_id=feedback_session.id)
        event.add("description", _("The conversation in the portal: %(url)s", url=page))
        event.add("url", page)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
