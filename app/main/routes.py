"""The home page, the lost-link form and the language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from app.extensions import limiter
from app.main.forms import LanguageForm, ResendLinkForm
from app.main.services import request_link as request_link_again

bp = Blueprint("main", __name__)


@bp.get("/")
def show_home():
    """What the feedback hour is, and how to get your link again."""
    return render_template("main/home.html", form=ResendLinkForm())


@bp.post("/link")
@limiter.limit(lambda: current_app.config["RESEND_RATE_LIMIT"])
def request_link():
    """Ask for the personal link again. The request is only recorded and the mail worker answers it, so
    that the answer, and the time it takes, are the same whether or not the address is known."""
    form = ResendLinkForm()
    if not form.validate_on_submit():
        return render_template("main/home.html", form=form), 422
    request_link_again(form.email.data)
    flash(
        _("If this address belongs to someone who may book a feedback conversation, we send the personal link "
          "to it. Check your inbox (and spam folder) in a few minutes."),
        "success",
    )
    return redirect(url_for(".show_home"))


@bp.post("/language/<code>")
def set_language(code: str):
    """Switch language; the choice is kept in the session cookie."""
    form = LanguageForm()
    if code in current_app.config["LANGUAGES"] and form.validate_on_submit():
        session["lang"] = code
    return redirect(safe_next(form.next.data))


@bp.get("/healthz")
def check_health():
    return {"status": "ok"}


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    fallback = default or url_for("main.show_home")
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target
