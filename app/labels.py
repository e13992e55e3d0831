"""What each status, stage and role is called on screen, in the visitor's language."""

from flask import Flask

from app.i18n import _l
from app.models import BookingStatus, FeedbackSessionStatus, OutboxStatus, Role, Stage, Topic

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


def _lookup(table: dict):
    def label(value) -> str:
        try:
            return str(table[type(next(iter(table)))(value)])
        except (ValueError, KeyError, StopIteration):
            return str(value)

    return label


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        feedback_session_status_label=_lookup(SESSION_STATUS),
        booking_status_label=_lookup(BOOKING_STATUS),
        stage_label=_lookup(STAGE),
        outbox_status_label=_lookup(OUTBOX_STATUS),
        role_label=_lookup(ROLE),
        topic_label=_lookup(TOPIC),
        has_endpoint=lambda name: name in app.view_functions,
    )
