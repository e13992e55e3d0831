"""Signing in and out for staff, and changing one's own password."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.audit.services import record_audit
from app.auth import oidc
from app.auth.decorators import role_required
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.passwords import verify_password
from app.auth.services import AccountError, LoginThrottled, authenticate, set_password
from app.auth.staff_sessions import end_staff_session, start_staff_session
from app.core.query import text_arg
from app.database import writes_on_get
from app.extensions import limiter
from app.main.routes import safe_next
from app.models import Role, User
from app.tokens import external_url

bp = Blueprint("auth", __name__)


def home_for(role: Role) -> str:
    """Where each role starts after signing in: HR with the figures, everyone else with the sessions."""
    return url_for("stats.show_dashboard") if role == Role.HR else url_for("recruiter.show_overview")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    """The staff sign-in page. A wrong password and an unknown address get the same answer (401), and after
    too many of them from one client address, the same 429."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user.role))
    form = LoginForm(next=text_arg("next", max_length=2000))
    if form.is_submitted() and not oidc.password_login_enabled():
        flash(_("Signing in with a password is switched off here. Sign in with your organisation's account."),
              "error")
        return render_template("auth/login.html", form=form), 403
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
    return _signed_in(user, form.next.data)


def _signed_in(user: User, next_url: str | None):
    """A fresh session on every sign-in (password or organisation's account); only the language carries over."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    start_staff_session(user)
    return redirect(safe_next(next_url, default=home_for(user.role)))


@bp.get("/login/oidc")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def start_oidc_sign_in():
    """Off to the organisation's sign-in page (OpenID Connect, with state, nonce and PKCE)."""
    if not oidc.enabled():
        abort(404)
    session["oidc_next"] = text_arg("next", max_length=2000)  # checked by safe_next on the way back
    try:
        return oidc.start_sign_in(external_url("auth.finish_oidc_sign_in"))
    except oidc.SignInRefused as refused:
        flash(refused.message, "error")
        return render_template("auth/login.html", form=LoginForm()), 503


@bp.get("/login/oidc/callback")
@writes_on_get  # signing in writes the staff session (and links or makes the account)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def finish_oidc_sign_in():
    """Back from the organisation's sign-in: the ID token verified, the account found by the rule of
    app/auth/oidc.py, and signed in on a server-side staff session like a password sign-in."""
    if not oidc.enabled():
        abort(404)
    next_url = session.pop("oidc_next", None)
    try:
        user = oidc.account_for(oidc.verified_claims())
    except oidc.SignInRefused as refused:
        flash(refused.message, "error")
        status = 503 if isinstance(refused, oidc.ProviderUnavailable) else 401
        return render_template("auth/login.html", form=LoginForm()), status
    record_audit("signed_in_with_oidc", target_type="user", target_id=user.id, actor=user,
                 facts={"email": user.email, "role": user.role, "role_source": user.role_source})
    return _signed_in(user, next_url)


@bp.post("/logout")
def sign_out():
    """Sign out: the session ends on the server too, so that no saved copy of the cookie opens it again."""
    end_staff_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/admin/account/password", methods=["GET", "POST"])
@role_required(Role.RECRUITER, Role.HR, Role.ADMIN)
def change_own_password():
    """Every member of staff can change their own password."""
    form = ChangePasswordForm()
    user: User = current_user._get_current_object()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            try:
                set_password(user, form.new.data)
            except AccountError:
                form.new.errors.append(_("Please choose a longer password."))
            else:
                start_staff_session(user)  # stay signed in here; other sessions end
                flash(_("Your password is changed."), "success")
                return redirect(url_for("main.show_home"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
