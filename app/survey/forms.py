"""The survey form: two scales as radio buttons and an optional comment."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length, ValidationError

from app.core.forms import as_text
from app.i18n import _l
from app.survey.services import COMMENT_MAX_LENGTH, RECOMMEND_RANGE, USEFUL_RANGE


class _OnScale:
    """The answer must be one of the scale's numbers; anything else (nothing, 0, 6, text) gets ``message``."""

    def __init__(self, scale: range, message):
        self.scale, self.message = scale, message

    def __call__(self, form, field):
        if field.data not in {str(n) for n in self.scale}:
            raise ValidationError(self.message)


def _score_field(label, scale: range, message):
    # Choice checking is left to _OnScale, so that every wrong answer gets the same clear message.
    return RadioField(label, choices=[SelectChoice(str(n), str(n)) for n in scale], validate_choice=False,
                      validators=[_OnScale(scale, message)])


class SurveyForm(FlaskForm):
    useful = _score_field(
        _l("Was the conversation useful to you?"), USEFUL_RANGE,
        _l("Choose how useful the conversation was: a number from 1 to 5."))
    recommend = _score_field(
        _l("Would you recommend us as an employer to a friend?"), RECOMMEND_RANGE,
        _l("Choose how likely you are to recommend us: a number from 0 to 10."))
    comment = TextAreaField(_l("Anything else you would like to tell us? (optional)"), filters=[as_text], validators=[
        Length(max=COMMENT_MAX_LENGTH, message=_l("Please keep your comment to %(limit)s characters.",
                                                  limit=COMMENT_MAX_LENGTH))])
