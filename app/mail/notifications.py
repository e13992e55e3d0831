"""One function per event that mails a candidate. Each checks the state it relies on and writes
to the outbox in the caller's transaction."""

from flask import current_app
from flask_babel import force_locale, gettext as _

from app.mail.ics import booking_invitation
from app.mail.outbox import queue_email
from app.models import Booking, BookingStatus, Candidate, OutboxMessage, WaitlistEntry, WaitlistStatus
from app.tokens import booking_url, fresh_token


def booking_ics(booking: Booking, method: str, link: str) -> bytes:
    candidate, slot = booking.candidate, booking.slot
    session = slot.session
    config = current_app.config
    with force_locale(candidate.language):
        summary = _("Feedback conversation – %(organisation)s", organisation=config["ORGANISATION_NAME"])
        lines = [
            _("Your 15-minute feedback conversation about the vacancy %(vacancy)s.", vacancy=candidate.vacancy),
        ]
        if session.video_url:
            lines.append(_("Video link: %(url)s", url=session.video_url))
        lines.append(_("View, move or cancel your appointment: %(link)s", link=link))
        description = "\n\n".join(lines)
    location = ", ".join(part for part in (session.location, session.video_url) if part)
    return booking_invitation(
        uid=booking.uid,
        sequence=booking.sequence,
        method=method,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=summary,
        description=description,
        location=location,
        url=link,
        organizer_email=config["RECRUITER_CONTACT_EMAIL"],
        organizer_name=config["ORGANISATION_NAME"],
        attendee_email=candidate.email,
        attendee_name=candidate.name,
    )


def notify_booking_confirmed(booking: Booking, token: str) -> OutboxMessage:
    """The confirmation with a calendar invitation (METHOD:REQUEST)."""
    assert booking.status == BookingStatus.BOOKED
    link = booking_url(token)
    with force_locale(booking.candidate.language):
        subject = _("Your feedback conversation is booked")
    return queue_email(
        kind="booking_confirmed", candidate=booking.candidate, subject=subject, template="booking_confirmed",
        context={"booking": booking, "link": link},
        ics=booking_ics(booking, "REQUEST", link), ics_method="REQUEST",
    )


def notify_booking_rescheduled(booking: Booking, token: str) -> OutboxMessage:
    """The moved appointment: the same UID with a higher SEQUENCE, so calendars update it in place."""
    assert booking.status == BookingStatus.BOOKED and booking.sequence > 0
    link = booking_url(token)
    with force_locale(booking.candidate.language):
        subject = _("Your feedback conversation has moved")
    return queue_email(
        kind="booking_rescheduled", candidate=booking.candidate, subject=subject, template="booking_rescheduled",
        context={"booking": booking, "link": link},
        ics=booking_ics(booking, "REQUEST", link), ics_method="REQUEST",
    )


def notify_booking_cancelled(booking: Booking, token: str) -> OutboxMessage:
    """The cancellation (METHOD:CANCEL, STATUS:CANCELLED), which removes the event from the calendar."""
    assert booking.status == BookingStatus.CANCELLED
    link = booking_url(token)
    with force_locale(booking.candidate.language):
        subject = _("Your feedback conversation is cancelled")
    return queue_email(
        kind="booking_cancelled", candidate=booking.candidate, subject=subject, template="booking_cancelled",
        context={"booking": booking, "link": link},
        ics=booking_ics(booking, "CANCEL", link), ics_method="CANCEL",
    )


def notify_booking_reminder(booking: Booking) -> OutboxMessage | None:
    """The reminder the day before."""
    if booking.status != BookingStatus.BOOKED:
        return None
    link = booking_url(fresh_token(booking.candidate))
    with force_locale(booking.candidate.language):
        subject = _("Tomorrow: your feedback conversation")
    return queue_email(
        kind="booking_reminder", candidate=booking.candidate, subject=subject, template="booking_reminder",
        context={"booking": booking, "link": link},
    )


def notify_waitlist_offer(entry: WaitlistEntry) -> OutboxMessage | None:
    """A slot came free for someone on the waitlist."""
    if entry.status != WaitlistStatus.OFFERED:
        return None
    link = booking_url(fresh_token(entry.candidate))
    with force_locale(entry.candidate.language):
        subject = _("A place came free in the feedback hour")
    return queue_email(
        kind="waitlist_offer", candidate=entry.candidate, subject=subject, template="waitlist_offer",
        context={"link": link},
    )


def notify_link_resent(candidate: Candidate) -> OutboxMessage:
    """A fresh personal link for a candidate who lost the e-mail."""
    link = booking_url(fresh_token(candidate))
    with force_locale(candidate.language):
        subject = _("Your personal link for the feedback hour")
    return queue_email(
        kind="link_resent", candidate=candidate, subject=subject, template="link_resent", context={"link": link},
    )
