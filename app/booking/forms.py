"""Forms on the candidate's personal page."""

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    TelField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.booking.services import PHONE_MAX_LENGTH, InvalidPhone, clean_phone
from app.core.forms import IdField
from app.i18n import _l
from app.labels import CANCEL_REASON, MODE_CHOICE
from app.models import ConversationMode, Topic

TOPIC_LABELS = {
    Topic.WENT_WELL: _l("What went well in my application"),
    Topic.IMPROVE: _l("What I could do better"),
    Topic.CV_PROFILE: _l("My CV and online profile"),
    Topic.OTHER: _l("Something else (tell us below)"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DayChoiceField(Field):
    """The day opened in the picker: only a help to show the page again as it was (the time decides), so
    what cannot be read is no day, never an error."""

    def process_formdata(self, valuelist):
        try:
            self.data = date.fromisoformat(valuelist[0]) if valuelist else None
        except (TypeError, ValueError):
            self.data = None


class _QuestionLength:
    """The limit comes from settings, so it is read when the form is checked."""

    def __call__(self, form, field):
        limit = current_app.config["QUESTION_MAX_LENGTH"]
        if len(field.data or "") > limit:
            raise ValidationError(
                _("Please keep your question to %(limit)s characters (now %(count)s).",
                   limit=limit, count=len(field.data))
            )


class _PhoneWhenCalled:
    """A phone number is needed, and must be callable, only when the candidate chooses a phone call."""

    def __call__(self, form, field):
        if form.mode.data != ConversationMode.PHONE.value:
            return  # not stored either (app/booking/services.py: choose_mode)
        if not (field.data or "").strip():
            raise ValidationError(_("Please give the phone number the recruiter can call you on."))
        try:
            field.data = clean_phone(field.data)
        except InvalidPhone as error:
            raise ValidationError(str(error.message)) from None


class _TopicsAndQuestion(FlaskForm):
    topics = MultiCheckboxField(
        _l("What would you like to talk about?"),
        choices=[SelectChoice(t.value, label) for t, label in TOPIC_LABELS.items()],
        validators=[InputRequired(_l("Please tick at least one subject."))],
    )
    question = TextAreaField(_l("Your question or anything we should know (optional)"),
                             validators=[Optional(), _QuestionLength()])


class BookingForm(_TopicsAndQuestion):
    slot = IdField(_l("Time"), unreadable=_l("Please choose a time."),
                   validators=[InputRequired(_l("Please choose a time."))])
    day = DayChoiceField()
    # Which of these a day offers, the service checks against the chosen time.
    mode = RadioField(_l("How would you like to talk?"),
                      choices=[SelectChoice(m.value, label) for m, label in MODE_CHOICE.items()],
                      validators=[Optional()], validate_choice=False)
    phone = TelField(_l("Your phone number (only for a phone call)"),
                     validators=[_PhoneWhenCalled()], render_kw={"autocomplete": "tel", "maxlength": PHONE_MAX_LENGTH})
    # Consent is asked, never assumed: unticked unless the candidate ticks it.
    pool_consent = BooleanField(_l("You may keep my details for up to 12 months and contact me about a "
                                   "vacancy that suits me (optional; I can withdraw at any time)"), default=False)


class RescheduleForm(FlaskForm):
    slot = IdField(_l("New time"), unreadable=_l("Please choose a new time."),
                   validators=[InputRequired(_l("Please choose a new time."))])
    day = DayChoiceField()
    # Which booking, in which version, the page showed: a form from an older page never acts on a newer one.
    booking = HiddenField(validators=[InputRequired()])
    sequence = HiddenField(validators=[InputRequired()])


class TopicsForm(_TopicsAndQuestion):
    """What the conversation is about, changed after booking; the time stays."""

    booking = HiddenField(validators=[InputRequired()])
    sequence = HiddenField(validators=[InputRequired()])


class CancelForm(FlaskForm):
    booking = HiddenField(validators=[InputRequired()])
    sequence = HiddenField(validators=[InputRequired()])
    reason = RadioField(_l("Would you tell us why? (optional)"),
                        choices=[SelectChoice(r.value, label) for r, label in CANCEL_REASON.items()],
                        validators=[Optional()], validate_choice=False)
