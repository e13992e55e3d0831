"""The recruiter's start page: the coming sessions and what needs attention."""

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template

from app.auth.decorators import STAFF, role_required
from app.database import utcnow
from app.extensions import db
from app.i18n import _l
from app.models import (
    Booking,
    BookingStatus,
    FeedbackSession,
    OutboxMessage,
    OutboxStatus,
    SessionStatus,
    Slot,
)

bp = Blueprint("recruiter", __name__, url_prefix="/recruiter")

# The staff menu, in order; an entry shows once its feature's endpoint exists.
STAFF_MENU = [
    ("sessions.list_sessions", _l("Sessions")),
    ("candidates.list_candidates", _l("Candidates")),
    ("talent.list_members", _l("Talent pool")),
    ("outbox.list_messages", _l("Outbox")),
]


@bp.app_context_processor
def _staff_menu() -> dict:
    return {"staff_menu": [(e, label) for e, label in STAFF_MENU if e in current_app.view_functions]}


@bp.get("/")
@role_required(*STAFF)
def home():
    """Coming sessions with their seats, and mail that failed."""
    now = utcnow()
    booked = (
        sa.select(sa.func.count(Booking.id))
        .join(Slot, Booking.slot_id == Slot.id)
        .where(Slot.session_id == FeedbackSession.id, Booking.status != BookingStatus.CANCELLED)
        .scalar_subquery()
    )
    offered = sa.select(sa.func.count(Slot.id)).where(Slot.session_id == FeedbackSession.id).scalar_subquery()
    sessions = db.session.execute(
        sa.select(FeedbackSession, booked, offered)
        .where(FeedbackSession.ends_at > now, FeedbackSession.status != SessionStatus.CANCELLED)
        .order_by(FeedbackSession.starts_at)
        .limit(6)
    ).all()
    failed_mail = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.FAILED)
    )
    return render_template("recruiter/home.html", sessions=sessions, failed_mail=failed_mail)
