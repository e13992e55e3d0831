"""Admins read and filter the audit log."""

from datetime import date, time, timedelta

from flask import Blueprint, render_template, request

from app.audit.services import ACTIONS, list_entries
from app.auth.decorators import role_required
from app.models import Role
from app.timeutil import from_local

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@bp.get("/")
@role_required(Role.ADMIN)
def list_entries_view():
    """The audit log, newest first, filterable by action, person and date."""
    first, last = _day(request.args.get("from", "")), _day(request.args.get("to", ""))
    page = request.args.get("page", "1")
    result = list_entries(
        action=request.args.get("action", "") if request.args.get("action") in ACTIONS else "",
        user=request.args.get("user", "")[:320],
        start=from_local(first, time(0)) if first else None,
        end=from_local(last + timedelta(days=1), time(0)) if last else None,
        page=int(page) if page.isdigit() else 1,
    )
    return render_template("audit/list.html", result=result, actions=ACTIONS,
                           filters={k: request.args.get(k, "")[:320] for k in ("action", "user", "from", "to")})
