"""What each status, stage, role, kind of e-mail and audit action is called on screen, in the visitor's language.

A person sees these labels, never the codes behind them: one mapping per enum or kind, used by pages and filters
alike (tests/test_labels.py renders every staff page in Dutch and looks for the codes).
"""

import functools

from flask import Flask

from app.i18n import _l
from app.models import (
    BookingStatus,
    CancelReason,
    ConversationMode,
    FeedbackSessionStatus,
    FollowUp,
    Labelled,
    OutboxStatus,
    Role,
    RoleSource,
    Stage,
    Topic,
    User,
    first_name,
)


def labels_of(enum_cls: type[Labelled]) -> dict:
    """The table of an enum whose members carry their labels (app/models.py): {member: label}."""
    return {member: member.label for member in enum_cls}


SESSION_STATUS = labels_of(FeedbackSessionStatus)
BOOKING_STATUS = labels_of(BookingStatus)
STAGE = labels_of(Stage)
OUTBOX_STATUS = labels_of(OutboxStatus)
ROLE = labels_of(Role)
TOPIC = labels_of(Topic)
MODE = labels_of(ConversationMode)
CANCEL_REASON = labels_of(CancelReason)
ROLE_SOURCE = labels_of(RoleSource)
FOLLOW_UP = labels_of(FollowUp)

# How a candidate chooses: the recruiter calls, never the other way round.
MODE_CHOICE = {
    ConversationMode.ON_SITE: _l("On site, face to face"),
    ConversationMode.VIDEO: _l("By video call"),
    ConversationMode.PHONE: _l("By phone: the recruiter calls you"),
}

OUTBOX_KIND = {
    "rejection": _l("Rejection with personal link"),
    "booking_confirmed": _l("Booking confirmed"),
    "booking_rescheduled": _l("Booking moved"),
    "booking_cancelled": _l("Booking cancelled"),
    "booking_reminder": _l("Reminder of the conversation"),
    "booking_dropped": _l("Booking dropped from a changed hour"),
    "waitlist_offer": _l("Waitlist: a time is free"),
    "link_resent": _l("Personal link sent again"),
    "session_cancelled": _l("Feedback hour cancelled"),
    "session_changed": _l("Feedback hour changed"),
    "invite_reminder": _l("Reminder to book"),
    "pool_consent_request": _l("Talent pool: question"),
    "pool_renewal": _l("Talent pool: renewal"),
    "feedback_summary": _l("Summary of the conversation"),
    "survey_request": _l("Survey"),
}
AUDIT_ACTION = {
    "call_recorded": _l("Call recorded"),
    "advice_snippet_changed": _l("Advice snippet changed"),
    "note_viewed": _l("Notes viewed"),
    "note_changed": _l("Notes changed"),
    "summary_sent": _l("Summary sent"),
    "export": _l("Figures exported"),
    "import": _l("Candidates imported"),
    "erased": _l("Data erased"),
    "data_downloaded": _l("Data downloaded"),
    "role_changed": _l("Role changed"),
    "account_created": _l("Account created"),
    "account_deactivated": _l("Account deactivated"),
    "account_activated": _l("Account activated"),
    "password_reset": _l("Password reset"),
    "feedback_rule_changed": _l("Checker rule changed"),
    "outbox_viewed": _l("E-mail opened"),
    "warning_overridden": _l("Sent despite warnings"),
    "integration_created": _l("Integration created"),
    "integration_changed": _l("Integration changed"),
    "api_key_created": _l("API key created"),
    "api_key_revoked": _l("API key revoked"),
    "api_used": _l("API used"),
    "webhook_received": _l("Webhook received"),
    "follow_up_changed": _l("Follow-up changed"),
    "webhook_endpoint_created": _l("Webhook address created"),
    "webhook_endpoint_changed": _l("Webhook address changed"),
    "webhook_delivery_retried": _l("Webhook delivery retried"),
    "role_source_changed": _l("Who decides the role changed"),
    "signed_in_with_oidc": _l("Signed in with the organisation's account"),
}
AUDIT_TARGET = {
    "user": _l("Account"),
    "candidate": _l("Candidate"),
    "booking": _l("Conversation"),
    "csv": _l("CSV file"),
    "hr_table": _l("HR table"),
    "feedback_rule": _l("Checker rule"),
    "email_template": _l("E-mail template"),
    "outbox_message": _l("E-mail"),
    "integration": _l("Integration"),
    "api_key": _l("API key"),
    "webhook_endpoint": _l("Webhook address"),
    "webhook_delivery": _l("Webhook delivery"),
}

def label_of(table: dict, value) -> str:
    """The label of ``value`` (a code or an enum member) in ``table``, in the current language; the value
    itself when the table does not know it (an entry written before the code was renamed)."""
    key = getattr(value, "value", value)
    for code, label in table.items():
        if getattr(code, "value", code) == key:
            return str(label)
    return str(value)


def options(table: dict) -> list[tuple[str, str]]:
    """A filter's choices: (code, label), sorted by the label as the visitor reads it."""
    return sorted(((str(getattr(code, "value", code)), str(label)) for code, label in table.items()),
                  key=lambda option: option[1].casefold())


def host_introduction(host: User) -> str:
    """Who a candidate meets: the recruiter's first name and job title (their role when no title is set)."""
    return f"{first_name(host.name)}, {host.job_title or label_of(ROLE, host.role)}"


# The templates' lookups: ``booking_status_label(code)`` and so on.
_TEMPLATE_LABELS = {
    "feedback_session_status": SESSION_STATUS, "booking_status": BOOKING_STATUS, "stage": STAGE,
    "outbox_status": OUTBOX_STATUS, "role": ROLE, "topic": TOPIC, "outbox_kind": OUTBOX_KIND,
    "audit_action": AUDIT_ACTION, "audit_target": AUDIT_TARGET, "role_source": ROLE_SOURCE, "mode": MODE,
    "mode_choice": MODE_CHOICE, "cancel_reason": CANCEL_REASON,
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        {f"{name}_label": functools.partial(label_of, table) for name, table in _TEMPLATE_LABELS.items()},
        host_introduction=host_introduction,
    )
