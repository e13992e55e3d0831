"""The form of a webhook endpoint."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField, URLField, widgets
from wtforms.validators import InputRequired, Length

from app.i18n import _l
from app.webhooks.events import EVENT_LABELS


class EndpointForm(FlaskForm):
    url = URLField(_l("Address (URL)"), validators=[InputRequired(_l("Please enter the address.")), Length(max=2000)])
    description = StringField(_l("Description"), validators=[Length(max=200)])
    events = SelectMultipleField(_l("Events"), choices=[SelectChoice(v, label) for v, label in EVENT_LABELS.items()],
                                 option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
                                 validate_choice=True)
    allow_private_network = BooleanField(_l(
        "Allow addresses on the local or private network (only for a system inside your own network)"))
    active = BooleanField(_l("Active"), default=True)

