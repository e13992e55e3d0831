"""One function per event that mails a candidate. Each checks the state it relies on and writes
to the outbox in the caller's transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.i18n import _l
from app.labels import host_introduction
from app.mail.ics import booking_invitation, google_calendar_url, outlook_calendar_url
from app.mail.outbox import compose_email, queue_email
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    ConversationMode,
    OutboxMessage,
    PoolMembership,
    WaitlistEntry,
    WaitlistStatus,
)
from app.tokens import booking_url, external_url, valid_token


@dataclass(frozen=True)
class Appointment:
    """A booking as calendars show it, in the candidate's language: for the .ics and the calendar links."""

    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    location: str


def appointment(booking: Booking, link: str | None) -> Appointment:
    """What the candidate's calendar shows: the way of talking decides the LOCATION (the room, the video link,
    or that the recruiter calls which number), the description names the recruiter and, given ``link``, the
    personal link to manage it."""
    candidate, slot = booking.candidate, booking.slot
    feedback_session = slot.feedback_session
    config = current_app.config
    with force_locale(candidate.language):
        summary = _("Feedback conversation – %(organisation)s", organisation=config["ORGANISATION_NAME"])
        lines = [
            _("Your 15-minute feedback conversation about the vacancy %(vacancy)s.", vacancy=candidate.vacancy),
        ]
        if booking.host is not None:
            lines.append(_("With %(host)s.", host=host_introduction(booking.host)))
        if booking.mode == ConversationMode.VIDEO:
            location = feedback_session.video_url
            if feedback_session.video_url:
                lines.append(_("Video link: %(url)s", url=feedback_session.video_url))
        elif booking.mode == ConversationMode.PHONE:
            location = _("Phone call: the recruiter calls you on %(phone)s", phone=booking.phone)
            lines.append(location)
        else:
            location = feedback_session.location
        if link:
            lines.append(_("View, move or cancel your appointment: %(link)s", link=link))
    return Appointment(slot.starts_at, slot.ends_at, summary, "\n\n".join(lines), location)


def booking_ics(booking: Booking, method: str, link: str) -> bytes:
    """The booking's calendar invitation (METHOD REQUEST or CANCEL), with its UID and SEQUENCE."""
    details = appointment(booking, link)
    config = current_app.config
    return booking_invitation(
        uid=booking.uid,
        sequence=booking.sequence,
        method=method,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        summary=details.summary,
        description=details.description,
        location=details.location,
        url=link,
        organizer_email=config["RECRUITER_CONTACT_EMAIL"],
        organizer_name=config["ORGANISATION_NAME"],
        attendee_email=booking.candidate.email,
        attendee_name=booking.candidate.name,
    )


def calendar_links(booking: Booking) -> dict[str, str]:
    """"Add to Google Calendar" and "Add to Outlook" addresses for the booking, by name. They carry no personal
    link: it would be a working key in another company's address bar and logs (the .ics file has it)."""
    details = appointment(booking, None)
    fields = {"starts_at": details.starts_at, "ends_at": details.ends_at, "summary": details.summary,
              "description": details.description, "location": details.location}
    return {"google": google_calendar_url(**fields), "outlook": outlook_calendar_url(**fields)}


def _calendar_mail(booking: Booking, token: str, *, kind: str, template: str, method: str, subject,
                   **context) -> OutboxMessage:
    """An e-mail about a booking with its calendar invitation (REQUEST or CANCEL) and the manage link."""
    link = booking_url(token)
    if method == "REQUEST":
        context.setdefault("calendar_links", calendar_links(booking))
    return queue_email(
        kind=kind, candidate=booking.candidate, subject=subject, template=template,
        context={"booking": booking, "link": link, **context},
        ics=booking_ics(booking, method, link), ics_method=method,
    )


def notify_booking_confirmed(booking: Booking, token: str) -> OutboxMessage:
    """The confirmation with a calendar invitation (METHOD:REQUEST)."""
    assert booking.status == BookingStatus.BOOKED
    return _calendar_mail(booking, token, kind="booking_confirmed", template="booking_confirmed", method="REQUEST",
                          subject=_l("Your feedback conversation is booked"))


def notify_booking_rescheduled(booking: Booking, token: str) -> OutboxMessage:
    """The moved appointment: the same UID with a higher SEQUENCE, so calendars update it in place."""
    assert booking.status == BookingStatus.BOOKED and booking.sequence > 0
    return _calendar_mail(booking, token, kind="booking_rescheduled", template="booking_rescheduled", method="REQUEST",
                          subject=_l("Your feedback conversation has moved"))


def notify_booking_cancelled(booking: Booking, token: str) -> OutboxMessage:
    """The cancellation (METHOD:CANCEL, STATUS:CANCELLED), which removes the event from the calendar."""
    assert booking.status == BookingStatus.CANCELLED
    return _calendar_mail(booking, token, kind="booking_cancelled", template="booking_cancelled", method="CANCEL",
                          subject=_l("Your feedback conversation is cancelled"))


def _with_booking_link(kind: str, candidate: Candidate, subject, **context) -> OutboxMessage:
    """An e-mail (template ``kind``) with the candidate's personal link to their booking page."""
    return queue_email(kind=kind, candidate=candidate, subject=subject, template=kind,
                       context={**context, "link": booking_url(valid_token(candidate))})


def notify_booking_reminder(booking: Booking) -> OutboxMessage | None:
    """The reminder the day before."""
    if booking.status != BookingStatus.BOOKED:
        return None
    return _with_booking_link("booking_reminder", booking.candidate, _l("Tomorrow: your feedback conversation"),
                              booking=booking)


def notify_waitlist_offer(entry: WaitlistEntry) -> OutboxMessage | None:
    """A slot came free for someone on the waitlist."""
    if entry.status != WaitlistStatus.OFFERED:
        return None
    return _with_booking_link("waitlist_offer", entry.candidate, _l("A place came free in the feedback hour"))


def notify_link_resent(candidates: Sequence[Candidate]) -> OutboxMessage:
    """The personal link again, for someone who lost the e-mail: one e-mail to their address with the link
    they already have for each of their applications (``candidates``, oldest first), in the language of
    the newest."""
    assert candidates, "a lost link is sent to a candidate"
    links = [(c.vacancy, booking_url(valid_token(c))) for c in candidates]
    subject = _l("Your personal link for the feedback hour")
    return queue_email(
        kind="link_resent", candidate=candidates[-1], subject=subject, template="link_resent",
        context={"link": links[-1][1], "links": links},
    )


def notify_session_cancelled(booking: Booking, token: str, next_session=None) -> OutboxMessage:
    """The whole feedback hour is cancelled: a CANCEL invitation, and the next session ahead to book
    (or, when none is planned, word that they are on the waitlist)."""
    assert booking.status == BookingStatus.CANCELLED
    return _calendar_mail(booking, token, kind="session_cancelled", template="session_cancelled", method="CANCEL",
                          subject=_l("The feedback hour is cancelled"), next_session=next_session)


def notify_booking_dropped(booking: Booking, token: str, next_session=None) -> OutboxMessage:
    """A change to the feedback hour left no place for this conversation: a CANCEL invitation and
    where to book again (or word that they are on the waitlist)."""
    assert booking.status == BookingStatus.CANCELLED
    return _calendar_mail(booking, token, kind="booking_dropped", template="session_booking_dropped", method="CANCEL",
                          subject=_l("Your feedback conversation cannot go ahead"), next_session=next_session)


def notify_session_changed(booking: Booking, token: str) -> OutboxMessage:
    """The place, video link or length of a booked conversation changed: the updated invitation."""
    assert booking.status == BookingStatus.BOOKED and booking.sequence > 0
    return _calendar_mail(booking, token, kind="session_changed", template="session_changed", method="REQUEST",
                          subject=_l("New details for your feedback conversation"))


def rejection_email(candidate: Candidate, token: str, *, subject: str, intro: str, personal_line: str,
                    expires_at, personal: bool = True) -> dict:
    """The rejection e-mail as an outbox row (``queue_emails``): the template's text, the recruiter's personal
    line and the personal link. ``personal=False``: an integration's automatic e-mail, the template alone."""
    assert personal_line.strip() or not personal, "a recruiter's rejection e-mail always carries a personal line"
    return compose_email(
        kind="rejection", candidate=candidate, subject=subject, template="rejection",
        context={"intro": intro, "personal_line": personal_line, "link": booking_url(token), "expires_at": expires_at},
    )


def notify_invite_reminder(candidate: Candidate, token: str, *, expires_at) -> OutboxMessage | None:
    """The one gentle reminder to an invited candidate who has not booked."""
    if any(b.status != BookingStatus.CANCELLED for b in candidate.bookings):
        return None
    subject = _l("Would you still like a feedback conversation?")
    return queue_email(
        kind="invite_reminder", candidate=candidate, subject=subject, template="invite_reminder",
        context={"link": booking_url(token), "expires_at": expires_at},
    )


def notify_pool_consent_request(membership: PoolMembership) -> OutboxMessage | None:
    """The question whether the candidate wants to join the talent pool, with a link to answer it."""
    if membership.consented_at is not None or membership.withdrawn_at is not None:
        return None
    candidate = membership.candidate
    link = external_url("talent_link.manage_consent", token=valid_token(candidate))
    subject = _l("May we keep your details for future vacancies?")
    return queue_email(
        kind="pool_consent_request", candidate=candidate, subject=subject, template="pool_consent_request",
        context={"link": link},
    )


def notify_feedback_summary(booking: Booking, *, went_well: str, why_not: str, advice: str) -> OutboxMessage:
    """The short written summary of the conversation, as the recruiter edited it."""
    assert booking.status == BookingStatus.ATTENDED
    subject = _l("A short summary of your feedback conversation")
    return queue_email(
        kind="feedback_summary", candidate=booking.candidate, subject=subject, template="feedback_summary",
        context={"booking": booking, "went_well": went_well, "why_not": why_not, "advice": advice},
    )


def notify_pool_renewal(membership: PoolMembership, token: str) -> OutboxMessage | None:
    """A month before consent ends: renew it, or withdraw it, each with one click and a confirmation."""
    if membership.consented_at is None or membership.withdrawn_at is not None:
        return None
    candidate = membership.candidate
    subject = _l("Would you like to stay in our talent pool?")
    return queue_email(
        kind="pool_renewal", candidate=candidate, subject=subject, template="pool_renewal",
        context={
            "membership": membership,
            "renew_link": external_url("talent_link.manage_consent", token=token) + "#stay",
            "withdraw_link": external_url("talent_link.manage_consent", token=token) + "#leave",
        },
    )


def notify_survey_request(booking: Booking, token: str) -> OutboxMessage | None:
    """After the conversation: two short questions, answered from the candidate's link."""
    if booking.status != BookingStatus.ATTENDED:
        return None
    subject = _l("Two short questions about your feedback conversation")
    return queue_email(
        kind="survey_request", candidate=booking.candidate, subject=subject, template="survey_request",
        context={"booking": booking, "link": external_url("survey.take_survey", token=token)},
    )
