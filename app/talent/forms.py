"""Forms of the talent pool: a tag on a member, a re-application, a hire, and the candidate's consent."""

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.core.forms import LocalDateField, as_line
from app.i18n import _l
from app.talent.services import TAG_KINDS, TAG_MAX_LENGTH


def _email_field(label):
    return EmailField(label, filters=[as_line], validators=[
        DataRequired(_("Please enter the e-mail address the person applied with.")), Length(max=320),
        Email(message=_("That does not look like an e-mail address."), check_deliverability=False)])


class TagForm(FlaskForm):
    kind = RadioField(
        _l("Kind of tag"), choices=[SelectChoice(kind, label) for kind, label in TAG_KINDS.items()], default="skill",
        validators=[InputRequired(_l("Choose whether the tag is a skill or a preferred department."))])
    value = StringField(_l("Tag"), filters=[as_line], validators=[
        DataRequired(_l("Enter a tag.")),
        Length(max=TAG_MAX_LENGTH, message=_l("Keep a tag to %(limit)s characters.", limit=TAG_MAX_LENGTH))])


class ReapplicationForm(FlaskForm):
    email = _email_field(_l("E-mail address"))
    vacancy = StringField(_l("Vacancy applied for"), filters=[as_line], validators=[
        DataRequired(_l("Please enter the vacancy.")), Length(max=200)])
    applied_on = LocalDateField(_l("Date of the application"), validators=[
        InputRequired(_l("Please enter the date of the application."))])


class HireForm(FlaskForm):
    email = _email_field(_l("E-mail address"))
    role = StringField(_l("Role"), filters=[as_line], validators=[
        DataRequired(_l("Please enter the role.")), Length(max=200)])
    department = StringField(_l("Department"), filters=[as_line], validators=[
        DataRequired(_l("Please enter the department.")), Length(max=200)])
    start_date = LocalDateField(_l("Start date"), validators=[InputRequired(_l("Please enter the start date."))])


class ConsentForm(FlaskForm):
    """The candidate's say over the talent pool: a button for each choice, and the box that alone is
    consent. Consent is asked, never assumed: the box starts unticked and must be ticked by the candidate
    (the view checks it when the candidate joins)."""

    consent = BooleanField(
        _l("Yes, you may keep my details for 12 months and contact me about vacancies that may suit me."),
        default=False,
    )
    join = SubmitField(_l("Join the talent pool"))
    decline = SubmitField(_l("No, thank you"))
    renew = SubmitField(_l("Yes, keep me in the talent pool"))
    withdraw = SubmitField(_l("Yes, take me out of the talent pool"))
