"""The candidate's own say over the talent pool, from their personal link: join (an unticked box),
renew the consent, or withdraw it at once. Each change is a confirmed POST, never a GET."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.core.forms import ActionForm
from app.database import utcnow
from app.extensions import limiter
from app.i18n import format_day
from app.talent import services
from app.talent.forms import JoinPoolForm
from app.tokens import current_candidate, load_candidate_from_url

bp = Blueprint("talent_link", __name__, url_prefix="/b")
limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])(bp)


bp.before_request(load_candidate_from_url)



def _page(template: str, token: str, status: int = 200, **context):
    now, candidate = utcnow(), current_candidate()
    return render_template(
        template, candidate=candidate, token=token, now=now,
        membership=services.current_membership(candidate, now),
        renewed_until=services.add_months(now, services.CONSENT_MONTHS), **context,
    ), status


@bp.route("/<token>/pool/join", methods=["GET", "POST"])
def join_pool(token: str):
    """Ask to join the talent pool; only a ticked box is consent. Members see until when, and how to leave."""
    form = JoinPoolForm()
    if form.is_submitted():
        if not form.validate():
            return _page("talent/join.html", token, 422, form=form)
        try:
            membership = services.join_pool(current_candidate())
        except services.AlreadyMember as error:
            flash(error.message, "info")
        else:
            flash(_("Thank you. You are in our talent pool until %(day)s.",
                    day=format_day(membership.expires_at)), "success")
        return redirect(url_for(".join_pool", token=token))
    return _page("talent/join.html", token, form=form)


@bp.route("/<token>/pool/renew", methods=["GET", "POST"])
def renew_consent(token: str):
    """Stay in the talent pool for twelve more months, after a confirmation."""
    form = ActionForm()
    if form.validate_on_submit():
        try:
            membership = services.renew_consent(current_candidate())
        except services.NotMember as error:
            flash(error.message, "info")
            return redirect(url_for(".join_pool", token=token))
        flash(_("Thank you. You stay in our talent pool until %(day)s.", day=format_day(membership.expires_at)),
              "success")
        return redirect(url_for(".join_pool", token=token))
    return _page("talent/renew.html", token, form=form)


@bp.route("/<token>/pool/withdraw", methods=["GET", "POST"])
def withdraw_consent(token: str):
    """Leave the talent pool: after one confirmation the consent ends at once."""
    form = ActionForm()
    if form.validate_on_submit():
        ended = services.withdraw_consent(current_candidate())
        if ended:
            flash(_("You have left our talent pool. We will not contact you about vacancies any more."), "success")
        else:
            flash(_("You are not in our talent pool (any more)."), "info")
        return redirect(url_for(".withdraw_consent", token=token))
    return _page("talent/withdraw.html", token, form=form)
