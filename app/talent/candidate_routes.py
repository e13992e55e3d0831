"""The candidate's own say over the talent pool, from their personal link, on one page whose choices depend
on how things stand: join (a box they tick themselves) or answer a recruiter's question yes or no; once in
the pool, renew the consent or withdraw it at once. Each change is a POST, never a GET.

The addresses of the earlier pages (in e-mails already sent, and still built by app/mail/notifications.py)
lead to this page."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.database import utcnow
from app.extensions import limiter
from app.i18n import format_day
from app.talent import services
from app.talent.forms import ConsentForm
from app.tokens import current_candidate, load_candidate_from_url

bp = Blueprint("talent_link", __name__, url_prefix="/b")
limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])(bp)
bp.before_request(load_candidate_from_url)


def _page(form: ConsentForm, status: int = 200):
    now, candidate = utcnow(), current_candidate()
    return render_template(
        "talent/consent.html", candidate=candidate, token=g.token, form=form,
        membership=services.current_membership(candidate, now), question=services.open_request(candidate),
        answered=services.last_answer(candidate), renewed_until=services.add_months(now, services.CONSENT_MONTHS),
    ), status


@bp.route("/<token>/pool", methods=["GET", "POST"])
def manage_consent(token: str):
    """The talent pool for this candidate: what it means and the choices they have now. Only a ticked box
    is consent; renewing gives twelve months from now; withdrawing ends the consent at once."""
    form = ConsentForm()
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, 422)
    candidate = current_candidate()
    try:
        if form.renew.data:
            membership = services.renew_consent(candidate)
            flash(_("Thank you. You stay in our talent pool until %(day)s.", day=format_day(membership.expires_at)),
                  "success")
        elif form.withdraw.data:
            if services.withdraw_consent(candidate):
                flash(_("You have left our talent pool. We will not contact you about vacancies any more."),
                      "success")
            else:
                flash(_("You are not in our talent pool (any more)."), "info")
        elif form.decline.data:
            services.decline(candidate)
            flash(_("Understood. We will not keep your details for future vacancies."), "success")
        elif not form.consent.data:
            message = (_("Tick the box to say yes, or choose “No, thank you”.") if services.open_request(candidate)
                       else _("Tick the box if you want to join the talent pool."))
            form.consent.errors.append(message)
            return _page(form, 422)
        else:
            membership = services.join_pool(candidate)
            flash(_("Thank you. You are in our talent pool until %(day)s.", day=format_day(membership.expires_at)),
                  "success")
    except services.TalentError as error:  # e.g. answered already in another tab: say so, show how it stands
        flash(error.message, "info")
    return redirect(url_for(".manage_consent", token=token))


def _to_the_page(token: str, anchor: str | None = None):
    """An earlier address: a GET is sent on for good, a form sent there shows the page as it stands now
    (nothing is changed by a form of the earlier pages)."""
    code = 303 if request.method == "POST" else 301
    return redirect(url_for("talent_link.manage_consent", token=token, _anchor=anchor), code=code)


@bp.route("/<token>/talentpool", methods=["GET", "POST"])
def open_question_link(token: str):
    """The recruiter's question, as e-mails sent before the talent pool had one page link to it."""
    return _to_the_page(token)


@bp.route("/<token>/pool/join", methods=["GET", "POST"])
def join_pool(token: str):
    """Joining, as the booking page linked to it."""
    return _to_the_page(token)


@bp.route("/<token>/pool/renew", methods=["GET", "POST"])
def renew_consent(token: str):
    """Renewing, as the renewal e-mail links to it."""
    return _to_the_page(token, "stay")


@bp.route("/<token>/pool/withdraw", methods=["GET", "POST"])
def withdraw_consent(token: str):
    """Withdrawing, as the renewal e-mail links to it."""
    return _to_the_page(token, "leave")
