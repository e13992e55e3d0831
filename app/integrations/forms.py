"""Forms of the integrations pages: an integration, an API key, and the recruiters' follow-up choice."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from app.core.languages import language_choices
from app.i18n import _l
from app.integrations.services import MAX_DELAY_MINUTES, SCOPES
from app.models import FollowUp

FOLLOW_UP_LABELS = {
    FollowUp.PERSONAL_LINE: _l("A recruiter writes the personal line (the candidate waits in the list)"),
    FollowUp.AUTOMATIC: _l("The stage's default rejection e-mail goes out by itself after the delay"),
}


class IntegrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Please enter a name.")), Length(max=100)])
    default_language = SelectField(_l("Language of the candidates when the system sends none"),
                                   validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_language.choices = language_choices()


class EditIntegrationForm(IntegrationForm):
    active = BooleanField(_l("Active (its keys and webhook work)"))


class ApiKeyForm(FlaskForm):
    name = StringField(_l("What the key is for"), validators=[InputRequired(_l("Please enter a name.")),
                                                              Length(max=100)])
    rejections_write = BooleanField(SCOPES["rejections:write"], default=True)
    progress_read = BooleanField(SCOPES["progress:read"], default=True)

    def scopes(self) -> list[str]:
        return [scope for scope, field in (("rejections:write", self.rejections_write),
                                           ("progress:read", self.progress_read)) if field.data]


class FollowUpForm(FlaskForm):
    follow_up = RadioField(_l("When a rejection comes in"), validators=[InputRequired()],
                           choices=[SelectChoice(value.value, label) for value, label in FOLLOW_UP_LABELS.items()])
    delay_minutes = IntegerField(
        _l("Delay before the automatic e-mail (minutes)"),
        validators=[InputRequired(_l("Please enter the delay in minutes.")),
                    NumberRange(min=0, max=MAX_DELAY_MINUTES,
                                message=_l("Use a delay between 0 minutes and 7 days (10080 minutes)."))])

