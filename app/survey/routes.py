"""The survey page, reached from the candidate's personal link after their conversation."""

from flask import Blueprint, current_app, redirect, render_template, url_for

from app.extensions import limiter
from app.survey import services
from app.survey.forms import SurveyForm
from app.tokens import current_candidate, load_candidate_from_url

bp = Blueprint("survey", __name__, url_prefix="/b")
limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])(bp)


bp.before_request(load_candidate_from_url)



@bp.route("/<token>/survey", methods=["GET", "POST"])
def take_survey(token: str):
    """Two questions about the candidate's own latest conversation; answered once, after that the thanks."""
    candidate = current_candidate()
    booking = services.survey_booking(candidate)
    if booking is None:
        return render_template("survey/unavailable.html", candidate=candidate, token=token), 404
    if services.response_for(booking) is not None:
        return redirect(url_for(".show_thanks", token=token))
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            services.submit_survey(booking, useful=int(form.useful.data), recommend=int(form.recommend.data),
                                   comment=form.comment.data or "")
        except services.AlreadyAnswered:
            return redirect(url_for(".show_thanks", token=token))
        except services.SurveyError as error:
            form.comment.errors.append(error.message)
        else:
            return redirect(url_for(".show_thanks", token=token))
    return render_template(
        "survey/survey.html", form=form, booking=booking, candidate=candidate, token=token,
    ), 422 if form.is_submitted() else 200


@bp.get("/<token>/survey/thanks")
def show_thanks(token: str):
    """The thank-you page."""
    candidate = current_candidate()
    booking = services.survey_booking(candidate)
    if booking is None or services.response_for(booking) is None:
        return redirect(url_for(".take_survey", token=token))
    return render_template("survey/thanks.html", candidate=candidate, token=token)
