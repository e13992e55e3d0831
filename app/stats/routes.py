"""The HR dashboard: aggregates only, never names or notes."""

from flask import Blueprint, Response, abort, render_template, request

from app.audit.services import record_audit
from app.auth.decorators import role_required
from app.core.query import choice_arg
from app.database import utcnow, writes_on_get
from app.models import Role
from app.stats.export import to_csv
from app.stats.periods import CHOICES, parse_period, period_args
from app.stats.presentation import STEP_LABELS, build_tables, cell, rate
from app.stats.queries import FUNNEL, dashboard_data
from app.timeutil import local

bp = Blueprint("stats", __name__, url_prefix="/hr")


@bp.app_template_filter("suppress_month")
def _suppress_month(month: dict) -> dict:
    """A month of the trend with small cells hidden, for the chart."""
    return {key: (cell(value) if key != "month" else value) for key, value in month.items()}


def _selection():
    return parse_period(request.args, local(utcnow()).date())


@bp.get("/")
@role_required(Role.HR, Role.ADMIN)
def show_dashboard():
    """Conversion from rejection to rehire for the chosen period (the last 12 months by default)."""
    selection = _selection()
    data = dashboard_data(selection.period)
    return render_template(
        "stats/dashboard.html", data=data, tables=build_tables(data), selection=selection, choices=CHOICES,
        step_labels=STEP_LABELS, rate=rate,
        funnel_items=[(str(STEP_LABELS[step]), data.funnel[step]) for step in FUNNEL],
        query_args=period_args(request.args),
    )


@bp.get("/export/<name>.csv")
@writes_on_get  # the audit log records every export
@role_required(Role.HR, Role.ADMIN)
def export_table(name: str):
    """One of the dashboard's tables as CSV; ?sep=semicolon for Dutch Excel."""
    selection = _selection()
    tables = build_tables(dashboard_data(selection.period))
    table = tables.get(name) or abort(404)
    body = to_csv(table.header, table.rows, semicolon=choice_arg("sep", {"semicolon"}) == "semicolon")
    record_audit("export", target_type="hr_table", detail=f"{name} {selection.first_day}..{selection.last_day}")
    filename = f"feedbackspreekuur-{name}-{selection.first_day}-{selection.last_day}.csv"
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
