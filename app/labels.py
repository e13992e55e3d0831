"""What each status, stage and role is called on screen, in the visitor's language."""

from flask import Flask

from app.i18n import _l
from app.models import (
    BookingStatus,
    CancelReason,
    ConversationMode,
    FeedbackSessionStatus,
    OutboxStatus,
    Role,
    Stage,
    Topic,
    User,
    first_name,
)

SESSION_STATUS = {
    FeedbackSessionStatus.DRAFT: _l("Draft"),
    FeedbackSessionStatus.PUBLISHED: _l("Published"),
    FeedbackSessionStatus.CLOSED: _l("Closed"),
    FeedbackSessionStatus.CANCELLED: _l("Cancelled"),
}
BOOKING_STATUS = {
    BookingStatus.BOOKED: _l("Booked"),
    BookingStatus.CANCELLED: _l("Cancelled"),
    BookingStatus.ATTENDED: _l("Attended"),
    BookingStatus.NO_SHOW: _l("No-show"),
}
STAGE = {
    Stage.CV_SCREENING: _l("CV screening"),
    Stage.PHONE: _l("Phone interview"),
    Stage.INTERVIEW: _l("Interview"),
}
OUTBOX_STATUS = {
    OutboxStatus.PENDING: _l("Waiting"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
}
ROLE = {
    Role.RECRUITER: _l("Recruiter"),
    Role.HR: _l("HR"),
    Role.ADMIN: _l("Administrator"),
}
TOPIC = {
    Topic.WENT_WELL: _l("What went well"),
    Topic.IMPROVE: _l("Points to improve"),
    Topic.CV_PROFILE: _l("CV and online profile"),
    Topic.OTHER: _l("Something else"),
}

MODE = {
    ConversationMode.ON_SITE: _l("On site"),
    ConversationMode.VIDEO: _l("Video call"),
    ConversationMode.PHONE: _l("Phone call"),
}
# How a candidate chooses: the recruiter calls, never the other way round.
MODE_CHOICE = {
    ConversationMode.ON_SITE: _l("On site, face to face"),
    ConversationMode.VIDEO: _l("By video call"),
    ConversationMode.PHONE: _l("By phone: the recruiter calls you"),
}
CANCEL_REASON = {
    CancelReason.NO_LONGER_NEEDED: _l("I no longer need the conversation"),
    CancelReason.TIME_UNSUITABLE: _l("The time no longer suits me"),
    CancelReason.FOUND_JOB: _l("I have found a job"),
    CancelReason.OTHER: _l("Another reason"),
}


def _lookup(table: dict):
    def label(value) -> str:
        try:
            return str(table[type(next(iter(table)))(value)])
        except (ValueError, KeyError, StopIteration):
            return str(value)

    return label


def host_introduction(host: User) -> str:
    """Who a candidate meets: the recruiter's first name and job title (their role when no title is set)."""
    return f"{first_name(host.name)}, {host.job_title or _lookup(ROLE)(host.role)}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        feedback_session_status_label=_lookup(SESSION_STATUS),
        booking_status_label=_lookup(BOOKING_STATUS),
        stage_label=_lookup(STAGE),
        outbox_status_label=_lookup(OUTBOX_STATUS),
        role_label=_lookup(ROLE),
        topic_label=_lookup(TOPIC),
        mode_label=_lookup(MODE),
        mode_choice_label=_lookup(MODE_CHOICE),
        cancel_reason_label=_lookup(CANCEL_REASON),
        host_introduction=host_introduction,
        has_endpoint=lambda name: name in app.view_functions,
    )
