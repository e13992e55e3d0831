"""The home page, the lost-link form and the language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from app.core.query import choice_arg
from app.extensions import limiter
from app.main.forms import LanguageForm, ResendLinkForm
from app.main.services import request_link as request_link_again
from app.tokens import TokenExpired

bp = Blueprint("main", __name__)


@bp.get("/")
def show_home():
    """What the feedback hour is, and how to get your link again."""
    return render_template("main/home.html", form=ResendLinkForm(), lang=_language_from_link())


@bp.post("/link")
@limiter.limit(lambda: current_app.config["RESEND_RATE_LIMIT"])
def request_link():
    """Ask for the personal link again. The request is only recorded and the mail worker answers it, so
    that the answer, and the time it takes, are the same whether or not the address is known."""
    language = _language_from_link()
    form = ResendLinkForm()
    if not form.validate_on_submit():
        return render_template("main/home.html", form=form, lang=language), 422
    request_link_again(form.email.data)
    flash(
        _("If this address belongs to someone who may book a feedback conversation, we send the personal link "
          "to it. Check your inbox (and spam folder) in a few minutes."),
        "success",
    )
    return redirect(url_for(".show_home", lang=language))


def _language_from_link() -> str | None:
    """The language of the page the visitor came from (``lang``: an expired link's page knows its
    candidate's), for this page when the visitor has not chosen one."""
    language = choice_arg("lang", current_app.config["LANGUAGES"]) or None
    g.candidate_language = language
    return language


@bp.app_errorhandler(TokenExpired)
def link_expired(error: TokenExpired):
    """An expired or revoked link: no dead end, the lost-link form is right there, in the candidate's
    language. (Here and not in app/errors.py, which belongs to the kernel and knows no feature's form.)"""
    g.candidate_language = error.language
    return render_template("errors/link_expired.html", form=ResendLinkForm()), 410


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
