"""The record of a call after an interview."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.calls.services import OUTCOME_LABELS, POINTS_MAX_LENGTH
from app.core.forms import ReadableMixin, as_text
from app.i18n import _l
from app.models import CallOutcome


class LocalDateTimeField(ReadableMixin, DateTimeLocalField):
    """A day and a time on an Amsterdam clock (the browser's date-and-time picker)."""

    unreadable = _l("Enter the day and the time, for example 2027-03-30 14:30.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs)


class CallForm(FlaskForm):
    outcome = RadioField(
        _l("How did the call go?"),
        choices=[SelectChoice(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Please choose how the call went."))])
    call_back_at = LocalDateTimeField(_l("Call back at"), validators=[Optional()])
    points = TextAreaField(_l("The one or two points you gave"), filters=[as_text], validators=[
        Length(max=POINTS_MAX_LENGTH, message=_l("Please keep the points to 2000 characters."))])
    wants_feedback_hour = BooleanField(
        _l("The candidate wants the feedback hour as well: send the personal link now"))
    confirm_warnings = BooleanField(_l("I have read the checker's warnings and want to save the call anyway"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        outcome = self.outcome.data
        if outcome == CallOutcome.CALL_BACK.value and not self.call_back_at.data and not self.call_back_at.errors:
            self.call_back_at.errors.append(_l("Give the day and time to call back."))
            valid = False
        if outcome == CallOutcome.REACHED.value and not self.points.data and not self.points.errors:
            self.points.errors.append(_l("Write the one or two points you gave in the call."))
            valid = False
        if self.wants_feedback_hour.data and outcome != CallOutcome.REACHED.value:
            self.wants_feedback_hour.errors.append(
                _l("Only a candidate you reached can say they want the feedback hour as well."))
            valid = False
        return valid
