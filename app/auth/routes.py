"""Signing in and out for staff."""

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.auth.forms import LoginForm
from app.auth.services import LoginThrottled, authenticate
from app.auth.staff_sessions import end_staff_session, start_staff_session
from app.core.query import text_arg
from app.extensions import limiter
from app.main.routes import safe_next
from app.models import Role

bp = Blueprint("auth", __name__)


def home_for(role: Role) -> str:
    """Where each role starts after signing in: HR with the figures, everyone else with the sessions."""
    return url_for("stats.dashboard") if role == Role.HR else url_for("recruiter.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """The staff sign-in page. A wrong password and an unknown address get the same answer (401), and after
    too many of them from one client address, the same 429."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user.role))
    form = LoginForm(next=text_arg("next", max_length=2000))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200
    try:
        user = authenticate(form.email.data, form.password.data, address=get_remote_address())
    except LoginThrottled as throttled:
        flash(_("Too many failed attempts. Please wait a few minutes and try again."), "error")
        return render_template("auth/login.html", form=form), 429, {"Retry-After": str(throttled.retry_after)}
    if user is None:
        flash(_("That e-mail address and password do not match an active account."), "error")
        return render_template("auth/login.html", form=form), 401
    next_url, language = form.next.data, session.get("lang")
    session.clear()  # a fresh session on every sign-in; only the chosen language carries over
    if language:
        session["lang"] = language
    start_staff_session(user)
    return redirect(safe_next(next_url, default=home_for(user.role)))


@bp.post("/logout")
def logout():
    """Sign out: the session ends on the server too, so that no saved copy of the cookie opens it again."""
    end_staff_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
