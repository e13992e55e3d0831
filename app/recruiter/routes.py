"""The recruiter's start page: the coming sessions and what needs attention."""

from flask import Blueprint, current_app, render_template

from app.auth.decorators import STAFF, role_required
from app.database import utcnow
from app.i18n import _l
from app.integrations.services import count_waiting
from app.mail.worker import mail_server_status
from app.recruiter import services

bp = Blueprint("recruiter", __name__, url_prefix="/recruiter")

# The staff menu, in order; an entry shows once its feature's endpoint exists.
STAFF_MENU = [
    ("sessions.list_sessions", _l("Sessions")),
    ("candidates.list_candidates", _l("Candidates")),
    ("integrations.list_waiting", _l("Waiting")),
    ("talent.list_members", _l("Talent pool")),
    ("outbox.list_messages", _l("Outbox")),
]


@bp.app_context_processor
def _staff_menu() -> dict:
    return {"staff_menu": [(e, label) for e, label in STAFF_MENU if e in current_app.view_functions]}


@bp.get("/")
@role_required(*STAFF)
def show_overview():
    """Coming feedback sessions with their places, mail that failed, and outcomes still to record."""
    now = utcnow()
    missing_total, missing = services.missing_outcomes(now)
    return render_template(
        "recruiter/home.html", sessions=services.coming_sessions(now), failed_mail=services.failed_mail_count(),
        missing_total=missing_total, missing=missing, retention_days=current_app.config["RETENTION_DAYS"],
        mail_paused=mail_server_status(), waiting=count_waiting(),
    )
