"""The HR dashboard: aggregates only, never names or notes."""

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date, format_percent

from app.audit.services import record_audit
from app.auth.decorators import only_for
from app.core.query import choice_arg
from app.database import utcnow, writes_on_get
from app.models import Role
from app.stats.export import to_csv
from app.stats.periods import CHOICES, CUSTOM, parse_period, period_args
from app.stats.presentation import STEP_LABELS, SUPPRESSED, SUPPRESSION_RULE, TABLES, build_table, dashboard_figures
from app.stats.queries import dashboard_data
from app.timeutil import local

bp = Blueprint("stats", __name__, url_prefix="/hr")
only_for(bp, Role.HR, Role.ADMIN)


@bp.app_template_filter("share")
def _share(value: float | None) -> str:
    """A share (a percentage) in the page's language; a dash where it is left out."""
    return "–" if value is None else format_percent(value / 100)


@bp.app_template_filter("month_year")
def _month_year(day) -> str:
    """The month and year of ``day`` written out in the page's language (November 2026, november 2026)."""
    return format_date(day, "LLLL yyyy")


def _selection():
    return parse_period(request.args, local(utcnow()).date())


@bp.get("/")
def show_dashboard():
    """Conversion from rejection to rehire for the chosen period (the last 12 months by default); a period
    that cannot be read shows what to change and no figures."""
    selection = _selection()
    figures = None if selection.error else dashboard_figures(dashboard_data(selection.period))
    return render_template(
        "stats/dashboard.html", figures=figures, selection=selection, choices=CHOICES, custom=CUSTOM,
        step_labels=STEP_LABELS, rule=SUPPRESSION_RULE, suppressed=SUPPRESSED, table_order=TABLES,
        query_args=period_args(selection) if not selection.error else {},
    )


@bp.get("/export/<name>.csv")
@writes_on_get  # the audit log records every export
def export_table(name: str):
    """One of the dashboard's tables as CSV, computed on its own; ?sep=semicolon for Dutch Excel."""
    if name not in TABLES:
        abort(404)
    selection = _selection()
    if selection.error:
        return Response(selection.error, status=400, mimetype="text/plain")
    table = build_table(name, selection.period)
    body = to_csv(table.header, table.rows, semicolon=choice_arg("sep", {"semicolon"}) == "semicolon")
    record_audit("export", target_type="hr_table",
                 facts={"table": name, "first_day": selection.first_day, "last_day": selection.last_day})
    filename = f"feedbackspreekuur-{name}-{selection.first_day}-{selection.last_day}.csv"
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
