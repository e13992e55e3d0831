"""Admins read and filter the audit log."""

from datetime import time, timedelta

from flask import Blueprint, render_template

from app.audit import services
from app.audit.services import ACTIONS, describe
from app.auth.decorators import only_for
from app.core.query import choice_arg, day_arg, page_arg, text_arg
from app.labels import AUDIT_ACTION, options
from app.models import Role
from app.timeutil import from_local

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
only_for(bp, Role.ADMIN)
bp.add_app_template_global(describe, "audit_detail")


@bp.get("/")
def list_entries():
    """The audit log, newest first, filterable by action, person and date."""
    first, last = day_arg("from"), day_arg("to")
    filters = {"action": choice_arg("action", ACTIONS), "user": text_arg("user", max_length=320),
               "from": first.isoformat() if first else "", "to": last.isoformat() if last else ""}
    result = services.list_entries(
        action=filters["action"], user=filters["user"],
        start=from_local(first, time(0)) if first else None,
        end=from_local(last + timedelta(days=1), time(0)) if last else None,
        page=page_arg(),
    )
    return render_template("audit/list.html", result=result, actions=options(AUDIT_ACTION), filters=filters)
