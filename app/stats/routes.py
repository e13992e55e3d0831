"""The HR dashboard."""

from datetime import timedelta

from flask import Blueprint, render_template

from app.auth.decorators import role_required
from app.database import utcnow
from app.models import Role
from app.stats.queries import FUNNEL, funnel_counts

bp = Blueprint("stats", __name__, url_prefix="/hr")


@bp.get("/")
@role_required(Role.HR, Role.ADMIN)
def dashboard():
    """Conversion from rejection to rehire over the last 12 months, in aggregates only."""
    end = utcnow()
    start = end - timedelta(days=365)
    return render_template("stats/dashboard.html", counts=funnel_counts(start, end), steps=FUNNEL,
                           start=start, end=end)
