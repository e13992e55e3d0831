"""Planning the monthly feedback hours: the list, one session with its slots, creating and changing
sessions, publishing, closing and cancelling them, a series of months, and the recruiter's calendar feed."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.decorators import STAFF, only_for, reached_by_link
from app.core.forms import ActionForm, form_status
from app.core.query import page_arg
from app.core.views import button_action, button_pressed_or_back
from app.database import utcnow
from app.extensions import db, limiter
from app.i18n import format_day
from app.models import FeedbackSession
from app.sessions import changes, errors, feed, hosts, lifecycle, overview, planning, series
from app.sessions.forms import (
    NTH_LABELS,
    WEEKDAY_LABELS,
    ConfirmForm,
    SeriesForm,
    SessionForm,
)

bp = Blueprint("sessions", __name__, url_prefix="/recruiter/sessions")
only_for(bp, *STAFF)

# Fields of the edit form that the confirmation page sends back with the recruiter's decision.
_DECISION_FIELDS = ("csrf_token", "resolution", "expected")


def _get_session(feedback_session_id: int) -> FeedbackSession:
    return db.session.get(FeedbackSession, feedback_session_id) or abort(404)


def _session_url(feedback_session: FeedbackSession) -> str:
    return url_for(".show_session", feedback_session_id=feedback_session.id)


def _to_session(feedback_session: FeedbackSession):
    return redirect(_session_url(feedback_session))


@bp.after_request
def _private(response: Response) -> Response:
    # Candidate names and the feed's secret address: never in a shared cache, never sent on to another site.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- the list and one session ----------------------------------------------------------------------

@bp.get("/")
def list_sessions():
    """Sessions ahead with booked and offered places, the past ones below a page at a time."""
    ahead, past = overview.session_overview(past_page=page_arg())
    return render_template("sessions/list.html", ahead=ahead, past=past)


@bp.get("/<int:feedback_session_id>")
def show_session(feedback_session_id: int):
    """One session: its details, every slot with who booked it, and what can be done with it."""
    feedback_session = _get_session(feedback_session_id)
    return render_template(
        "sessions/show.html", feedback_session=feedback_session, slots=overview.slot_overview(feedback_session),
        editable=planning.is_editable(feedback_session),
    )


# --- creating and changing -------------------------------------------------------------------------

def _session_form(feedback_session: FeedbackSession | None = None) -> SessionForm:
    form = SessionForm()
    form.set_host_choices(hosts.host_choices(feedback_session))
    return form


def _form_page(form: SessionForm, feedback_session: FeedbackSession | None, status: int = 200):
    return render_template("sessions/form.html", form=form, feedback_session=feedback_session), status


@bp.route("/new", methods=["GET", "POST"])
def create_session():
    """Plan one feedback hour; it starts as a draft."""
    form = _session_form()
    if not form.is_submitted():
        form.hosts.data = [current_user.id]
    if not form.validate_on_submit():
        return _form_page(form, None, form_status(form))
    feedback_session = planning.create_planned_session(form.plan())
    flash(_("The feedback hour is saved as a draft with %(count)s conversations. Publish it when candidates may book.",
            count=len(feedback_session.slots)), "success")
    return _to_session(feedback_session)


@bp.route("/<int:feedback_session_id>/edit", methods=["GET", "POST"])
def edit_session(feedback_session_id: int):
    """Change a session. When the change removes booked slots, nothing is saved until the recruiter
    has chosen what happens to those conversations."""
    feedback_session = _get_session(feedback_session_id)
    if not planning.is_editable(feedback_session):
        flash(str(errors.SessionLocked.message), "error")
        return _to_session(feedback_session)
    form = _session_form(feedback_session)
    if not form.is_submitted():
        form.fill(planning.plan_of(feedback_session))
        if not form.hosts.data:
            form.hosts.data = [current_user.id]
        return _form_page(form, feedback_session)
    resolution = request.form.get("resolution")
    if not form.validate():
        return _form_page(form, feedback_session, 422)
    if resolution == "back":
        return _form_page(form, feedback_session)
    try:
        report = changes.update_session(
            feedback_session, form.plan(), resolution=resolution, expected=request.form.get("expected"),
            actor_id=current_user.id,
        )
    except errors.DecisionNeeded as needed:
        return _confirm_change_page(feedback_session, needed.change)
    except errors.SessionLocked as error:
        flash(str(error.message), "error")
        return _to_session(feedback_session)
    except errors.ChangedMeanwhile as changed:
        flash(str(changed.message), "warning")
        feedback_session = _get_session(feedback_session_id)
        change = changes.plan_change(feedback_session, form.plan())
        if change.moves:
            return _confirm_change_page(feedback_session, change)
        return _form_page(form, feedback_session, 409)
    flash(_save_message(report), "success")
    return _to_session(feedback_session)


def _confirm_change_page(feedback_session: FeedbackSession, change: changes.LayoutChange):
    carry = [(k, v) for k, v in request.form.items(multi=True) if k not in _DECISION_FIELDS]
    return render_template(
        "sessions/confirm_change.html", feedback_session=feedback_session, change=change, carry=carry,
        form=ConfirmForm(formdata=None, expected=change.fingerprint),
    )


def _save_message(report: changes.UpdateReport) -> str:
    parts = [_("The feedback hour is saved.")]
    if report.moved:
        parts.append(ngettext("%(num)s conversation moved; the candidate gets the new time by e-mail.",
                              "%(num)s conversations moved; the candidates get the new time by e-mail.",
                              report.moved))
    if report.cancelled:
        parts.append(ngettext("%(num)s conversation cancelled; the candidate is told by e-mail.",
                              "%(num)s conversations cancelled; the candidates are told by e-mail.",
                              report.cancelled))
    if report.informed:
        parts.append(ngettext("%(num)s booked candidate gets the new details by e-mail.",
                              "%(num)s booked candidates get the new details by e-mail.", report.informed))
    return " ".join(parts)


# --- publishing, closing, cancelling, deleting -----------------------------------------------------

@bp.post("/<int:feedback_session_id>/publish")
def publish_session(feedback_session_id: int):
    """Open the session for booking; people on the waitlist are offered its places."""
    feedback_session = _get_session(feedback_session_id)
    return button_action(lambda: lifecycle.publish_session(feedback_session), _published, refused=errors.SessionError,
                         back=_session_url(feedback_session))


def _published(offered: int) -> str:
    message = _("The feedback hour is published: candidates can book it now.")
    if offered:
        message += " " + ngettext("%(num)s person on the waitlist was offered a place.",
                                  "%(num)s people on the waitlist were offered a place.", offered)
    return message


@bp.post("/<int:feedback_session_id>/close")
def close_session(feedback_session_id: int):
    """Stop new bookings; the conversations already booked go ahead."""
    feedback_session = _get_session(feedback_session_id)
    return button_action(lambda: lifecycle.close_session(feedback_session),
                         _("The feedback hour is closed: no new bookings. Booked conversations go ahead."),
                         refused=errors.SessionError, back=_session_url(feedback_session))


@bp.get("/<int:feedback_session_id>/cancel")
def confirm_cancellation(feedback_session_id: int):
    """Ask first: who will be told that their conversation does not go ahead."""
    feedback_session = _get_session(feedback_session_id)
    if not planning.is_editable(feedback_session):
        flash(str(errors.SessionLocked.message), "error")
        return _to_session(feedback_session)
    bookings = lifecycle.booked_in(feedback_session)
    return render_template(
        "sessions/confirm_cancel.html", feedback_session=feedback_session, bookings=bookings,
        next_session=changes.next_session_ahead(utcnow(), exclude_slot_ids={s.id for s in feedback_session.slots}),
        form=ConfirmForm(formdata=None, expected=lifecycle.cancel_fingerprint(feedback_session)),
    )


@bp.post("/<int:feedback_session_id>/cancel")
def cancel_session(feedback_session_id: int):
    """Cancel the session; every booked candidate gets a CANCEL invitation and the next session."""
    feedback_session = _get_session(feedback_session_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for(".confirm_cancellation", feedback_session_id=feedback_session.id))
    try:
        told = lifecycle.cancel_session(feedback_session, expected=form.expected.data or "", actor_id=current_user.id)
    except errors.ChangedMeanwhile as error:
        flash(str(error.message), "warning")
        return redirect(url_for(".confirm_cancellation", feedback_session_id=feedback_session_id))
    except errors.SessionError as error:
        flash(str(error.message), "error")
        return _to_session(feedback_session)
    flash(_("The feedback hour is cancelled.") + " " + ngettext(
        "%(num)s candidate is told by e-mail.", "%(num)s candidates are told by e-mail.", told), "success")
    return _to_session(feedback_session)


@bp.post("/<int:feedback_session_id>/delete")
def delete_session(feedback_session_id: int):
    """Remove a draft nobody ever booked."""
    feedback_session = _get_session(feedback_session_id)
    if not ActionForm().validate_on_submit():
        return _to_session(feedback_session)
    try:
        lifecycle.delete_draft(feedback_session)
    except errors.SessionError as error:
        flash(str(error.message), "error")
        return _to_session(feedback_session)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for(".list_sessions"))


# --- a series of months ----------------------------------------------------------------------------

@bp.route("/plan", methods=["GET", "POST"])
def plan_series():
    """Plan several months at once: preview the dates first, then create them."""
    form = SeriesForm()
    form.set_host_choices(hosts.host_choices())
    if not form.is_submitted():
        form.hosts.data = [current_user.id]
    if not form.validate_on_submit():
        return _series_page(form, status=form_status(form))
    preview = series.preview_series(form.nth.data, form.weekday.data, form.months.data)
    if request.form.get("step") != "create":
        return _series_page(form, preview=preview)
    created, skipped = series.plan_series(
        form.nth.data, form.weekday.data, form.months.data, form.layout(None), publish=form.publish.data,
    )
    if created:
        flash(ngettext("%(num)s feedback hour is planned.", "%(num)s feedback hours are planned.", len(created))
              + " " + (_("They are published.") if form.publish.data else _("They are drafts until you publish them.")),
              "success")
    for day in skipped:
        flash(_("Skipped %(day)s: there is a feedback hour on that day already.", day=format_day(day)), "info")
    if not created:
        flash(_("No new feedback hours: every date has one already."), "warning")
    return redirect(url_for(".list_sessions"))


def _series_page(form: SeriesForm, preview=None, status: int = 200):
    return render_template(
        "sessions/plan_series.html", form=form, preview=preview,
        rule=_("the %(nth)s %(weekday)s of each month", nth=NTH_LABELS.get(form.nth.data, ""),
               weekday=WEEKDAY_LABELS.get(form.weekday.data, "")),
    ), status


# --- the calendar feed -----------------------------------------------------------------------------

@bp.get("/feed")
def show_feed_settings():
    """How to subscribe to one's own calendar feed, and renewing or stopping its address."""
    return render_template("sessions/feed.html", has_feed=current_user.feed_token_hash is not None,
                           url=None)


@bp.post("/feed")
def renew_feed():
    """A new secret feed address, shown once; the old one stops working."""
    button_pressed_or_back(url_for(".show_feed_settings"))
    renewing = current_user.feed_token_hash is not None
    token = feed.issue_feed_token(current_user)
    flash(_("Your new feed address is ready. The old address no longer works.") if renewing
          else _("Your feed address is ready."), "success")
    return render_template("sessions/feed.html", has_feed=True, url=feed.feed_url(token))


@bp.post("/feed/stop")
def stop_feed():
    """Switch the feed off: its address stops working."""
    return button_action(lambda: feed.stop_feed(current_user), _("Your calendar feed is switched off."),
                         back=url_for(".show_feed_settings"))


@bp.get("/feed/<token>.ics")
@reached_by_link
@limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])
def download_feed(token: str):
    """The feed itself, for calendar apps: no sign-in, the secret address is the key."""
    user = feed.user_for_feed(token)
    if user is None:
        abort(404)
    return Response(
        feed.host_calendar(user), mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="feedback-hour.ics"'},
    )
