"""The recruiter's start page: the coming sessions and what needs attention."""

from flask import Blueprint, current_app, render_template

from app.auth.decorators import STAFF, only_for
from app.calls.services import calls_to_make
from app.database import utcnow
from app.i18n import _l
from app.integrations.services import count_waiting
from app.mail.worker import mail_server_status
from app.recruiter import services

bp = Blueprint("recruiter", __name__, url_prefix="/recruiter")
only_for(bp, *STAFF)

# The staff menu, in order.
STAFF_MENU = [
    ("sessions.list_sessions", _l("Feedback hours")),
    ("candidates.list_candidates", _l("Candidates")),
    ("calls.list_calls", _l("Calls")),
    ("integrations.list_waiting", _l("Waiting")),
    ("talent.list_members", _l("Talent pool")),
    ("advice.list_snippets", _l("Advice")),
    ("outbox.list_messages", _l("Outbox")),
]


@bp.app_context_processor
def _staff_menu() -> dict:
    return {"staff_menu": STAFF_MENU}


@bp.get("/")
def show_overview():
    """Coming feedback sessions with their places, mail that failed, outcomes still to record, and the calls
    after an interview that are overdue or due today."""
    now = utcnow()
    missing_total, missing = services.missing_outcomes(now)
    return render_template(
        "recruiter/home.html", sessions=services.coming_sessions(now), failed_mail=services.failed_mail_count(),
        missing_total=missing_total, missing=missing, retention_days=current_app.config["RETENTION_DAYS"],
        mail_paused=mail_server_status(), waiting=count_waiting(), calls=calls_to_make(now),
    )
