"""Forms of the advice library."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.advice.services import BODY_MAX_LENGTH, FIELD_LABELS, TITLE_MAX_LENGTH
from app.core.forms import as_line, as_text
from app.core.languages import language_choices
from app.i18n import _l
from app.labels import TOPIC
from app.models import AdviceField


class SnippetForm(FlaskForm):
    title = StringField(_l("Short title"), filters=[as_line], validators=[
        DataRequired(_l("Please give the snippet a short title.")),
        Length(max=TITLE_MAX_LENGTH, message=_l("Please keep the title to 100 characters."))])
    language = SelectField(_l("Language"), validators=[InputRequired()])
    field = SelectField(_l("Field of work"), default=AdviceField.ANY.value, validators=[InputRequired()],
                        choices=[SelectChoice(f.value, label) for f, label in FIELD_LABELS.items()])
    topic = SelectField(_l("Topic"), choices=[SelectChoice(t.value, label) for t, label in TOPIC.items()],
                        validators=[InputRequired()])
    body = TextAreaField(_l("The advice"), filters=[as_text], validators=[
        DataRequired(_l("Please write the advice.")),
        Length(max=BODY_MAX_LENGTH, message=_l("Please keep the advice to 2000 characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name) for code, name in language_choices()]
