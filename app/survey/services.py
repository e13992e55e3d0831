"""The survey after the conversation: which conversation it is about, one answer per conversation,
and the one e-mail that asks for it. Nothing here commits."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.core.claims import mark_once
from app.core.errors import DomainError
from app.core.text import clean_text
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.i18n import _l
from app.mail import notifications
from app.models import Booking, BookingStatus, Candidate, SurveyResponse
from app.tokens import keep_links_alive, valid_token

USEFUL_RANGE = range(1, 6)
RECOMMEND_RANGE = range(0, 11)
COMMENT_MAX_LENGTH = 1000
# Only conversations whose outcome was recorded this recently get the e-mail: an old history (an import,
# the first run of the job) never sets off a wave of late surveys.
REQUEST_WITHIN = timedelta(days=14)
# The link in the e-mail works at least this long.
LINK_DAYS = 30


class SurveyError(DomainError):
    """The answer cannot be stored; ``message`` says why."""

    message = _l("Your answer could not be saved. Please try again.")


class AlreadyAnswered(SurveyError):
    message = _l("You have already answered these questions. Thank you!")


class AnswerOutOfRange(SurveyError):
    message = _l("Please choose one of the numbers shown.")


def survey_booking(candidate: Candidate) -> Booking | None:
    """The candidate's latest conversation that took place and whose outcome the recruiter recorded."""
    held = [b for b in candidate.bookings if b.status == BookingStatus.ATTENDED and b.outcome_recorded_at]
    return max(held, key=lambda b: b.slot.starts_at, default=None)


def response_for(booking: Booking) -> SurveyResponse | None:
    return db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.booking_id == booking.id))


def submit_survey(booking: Booking, *, useful: int, recommend: int, comment: str = "") -> SurveyResponse:
    """Store the one answer to this conversation's survey and log it for the figures (the usefulness score
    as the event's value). A second answer raises AlreadyAnswered, also when two arrive at once."""
    if useful not in USEFUL_RANGE or recommend not in RECOMMEND_RANGE:
        raise AnswerOutOfRange()
    comment = clean_text(comment).strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise SurveyError(_("Please keep your comment to %(limit)s characters.", limit=COMMENT_MAX_LENGTH))
    if response_for(booking) is not None:
        raise AlreadyAnswered()
    response = SurveyResponse(booking_id=booking.id, useful=useful, recommend=recommend, comment=comment)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # the same answer, sent twice at the same moment
        raise AlreadyAnswered() from None
    record_event("surveyed", booking.candidate, value=useful, feedback_session_id=booking.slot.feedback_session_id)
    # The recommendation score gets an event of its own, so that it too survives the person's erasure.
    record_event(
        "recommended", booking.candidate, value=recommend, feedback_session_id=booking.slot.feedback_session_id
    )
    return response


def queue_survey_requests(*, now: datetime | None = None) -> int:
    """Queue the survey e-mail, once, for each conversation that took place and has its outcome recorded.
    Each booking is claimed with a conditional update, so two workers never both send."""
    now = now or utcnow()
    due = list(db.session.scalars(
        sa.select(Booking).where(
            Booking.status == BookingStatus.ATTENDED,
            Booking.outcome_recorded_at.is_not(None),
            Booking.outcome_recorded_at > now - REQUEST_WITHIN,
            Booking.survey_requested_at.is_(None),
            ~sa.exists().where(SurveyResponse.booking_id == Booking.id),
        ).order_by(Booking.id)
    ))
    queued = 0
    for booking in due:
        # keep updated_at: asking for a survey is not a change to the booking
        if not mark_once(booking, "survey_requested_at", now, updated_at=Booking.updated_at):
            continue
        candidate = booking.candidate
        token = valid_token(candidate)
        keep_links_alive(candidate, now + timedelta(days=LINK_DAYS))
        notifications.notify_survey_request(booking, token)
        queued += 1
    return queued
