"""The recruiter's call list: who is owed a call after an interview and by when, and the record of each call."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import checker
from app.auth.decorators import STAFF, only_for
from app.calls import services
from app.calls.forms import CallForm
from app.database import utcnow
from app.extensions import db
from app.models import CallOutcome, Candidate
from app.timeutil import from_local, local

bp = Blueprint("calls", __name__, url_prefix="/recruiter/calls")
only_for(bp, *STAFF)


@bp.get("/")
def list_calls():
    """Who is owed a call and by when, overdue first; and the calls made in the last two weeks."""
    now = utcnow()
    return render_template(
        "calls/list.html", rows=services.call_list(now), made=services.recent_calls(now), today=local(now).date(),
        urgency_labels=services.URGENCY_LABELS, outcome_labels=services.OUTCOME_LABELS,
        recent_days=services.RECENT_DAYS,
    )


def _call_page(candidate: Candidate, form: CallForm, *, status: int = 200, confirm_needed: bool = False):
    now = utcnow()
    due_on = services.due_on(candidate)
    return render_template(
        "calls/record.html", candidate=candidate, form=form, due_on=due_on,
        urgency=services.urgency(due_on, local(now).date()), urgency_labels=services.URGENCY_LABELS,
        outcome_labels=services.OUTCOME_LABELS, reached=services.reached_call(candidate),
        warnings=services.points_warnings(form.points.data or "", candidate.language),
        confirm_needed=confirm_needed, owed=services.owes_call(candidate),
    ), status


@bp.route("/<int:candidate_id>", methods=["GET", "POST"])
def record_call(candidate_id: int):
    """Record a call: reached, not reached, or call back at a time; the points given; and whether the
    candidate wants the feedback hour as well (the link goes out at once)."""
    candidate = db.session.get(Candidate, candidate_id) or abort(404)
    form = CallForm()
    if not form.is_submitted():
        return _call_page(candidate, form)
    if not form.validate():
        return _call_page(candidate, form, status=422)
    call_back_at = form.call_back_at.data
    outcome = CallOutcome(form.outcome.data)
    try:
        services.record_call(
            candidate, outcome, points=form.points.data or "",
            call_back_at=from_local(call_back_at.date(), call_back_at.time()) if call_back_at else None,
            wants_feedback_hour=form.wants_feedback_hour.data, warnings_confirmed=form.confirm_warnings.data,
            user=current_user,
        )
    except checker.WarningsNotConfirmed:
        db.session.rollback()
        return _call_page(db.session.get(Candidate, candidate_id), form, status=422, confirm_needed=True)
    except services.CallError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _call_page(db.session.get(Candidate, candidate_id), form, status=409)
    if form.wants_feedback_hour.data:
        flash(_("The call is saved. %(name)s has been sent the personal link to the feedback hour.",
                name=candidate.name), "success")
    else:
        flash(_("The call is saved."), "success")
    return redirect(url_for(".list_calls"))
