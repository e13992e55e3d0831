from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length

from app.core.forms import as_line
from app.i18n import _l
from app.labels import ROLE

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE.items()]


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[
        InputRequired(_l("Please enter an e-mail address.")), Length(max=320),
        Email(message=_l("That does not look like an e-mail address."), check_deliverability=False)])
    name = StringField(_l("Name"), validators=[InputRequired(_l("Please enter a name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])


ROLE_SOURCE_CHOICES = [
    SelectChoice("portal", _l("The role set here by an administrator")),
    SelectChoice("groups", _l("The organisation's groups, at every sign-in")),
]


class EditUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Please enter a name.")), Length(max=200)])
    job_title = StringField(_l("Job title (optional)"), filters=[as_line], validators=[
        Length(max=100, message=_l("Please keep the job title to %(max)s characters.", max=100))])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])
    role_source = SelectField(_l("Who decides the role"), choices=ROLE_SOURCE_CHOICES, default="portal")
