"""The talent-pool question, answered by the candidate with their personal link."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import limiter
from app.i18n import format_day
from app.pool import services
from app.pool.forms import AnswerForm
from app.tokens import current_candidate, load_candidate_from_url

bp = Blueprint("pool", __name__, url_prefix="/b")
limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])(bp)


bp.before_request(load_candidate_from_url)



def _page(form: AnswerForm, status: int = 200):
    candidate = current_candidate()
    return render_template(
        "pool/consent.html", candidate=candidate, token=g.token, form=form,
        member=services.current_membership(candidate), question=services.open_request(candidate),
        answered=services.last_answer(candidate),
    ), status


@bp.route("/<token>/talentpool", methods=["GET", "POST"])
def confirm_consent(token: str):
    """What the talent pool means, and the candidate's yes (a box they tick themselves) or no."""
    form = AnswerForm()
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, 422)
    if form.consent.data and not form.agree.data:
        form.agree.errors.append(_("Tick the box to say yes, or choose “No, thank you”."))
        return _page(form, 422)
    try:
        if form.consent.data:
            membership = services.give_consent(current_candidate())
            flash(_("Thank you. You are in the talent pool until %(day)s.", day=format_day(membership.expires_at)),
                  "success")
        elif form.decline.data:
            services.decline(current_candidate())
            flash(_("Understood. We will not keep your details for future vacancies."), "success")
    except services.PoolError:
        pass  # answered already, e.g. in another tab: show how it stands now
    return redirect(url_for(".confirm_consent", token=token))
