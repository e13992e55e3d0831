"""The candidate's answer to the talent-pool question."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from app.i18n import _l


class AnswerForm(FlaskForm):
    # Never ticked in advance: consent is something the candidate does, not something they have to undo.
    agree = BooleanField(_l("I agree that my details are kept for 12 months, so that recruiters can approach me "
                            "about future vacancies."), default=False)
    consent = SubmitField(_l("Yes, keep my details"))
    decline = SubmitField(_l("No, thank you"))
