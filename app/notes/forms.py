"""Forms for preparing and following up a conversation, and for the checker's rules."""

from flask_babel import format_number
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.advice.services import FIELD_LABELS
from app.checker import CATEGORIES, InvalidPattern, PatternError, validate_pattern, validate_words
from app.core.forms import IdField
from app.core.languages import language_choices
from app.core.text import clean_text
from app.i18n import _l
from app.labels import TOPIC

TEXT_MAX_LENGTH = 5000


def strip(value: str | None) -> str:
    return clean_text(value).strip()


class _MaxLength:
    """A length limit that says how long the text is now, so the recruiter knows how much to cut."""

    def __init__(self, limit: int = TEXT_MAX_LENGTH):
        self.limit = limit

    def __call__(self, form, field):
        count = len(field.data or "")
        if count > self.limit:
            raise ValidationError(_("Please keep this to %(limit)s characters (now %(count)s).",
                                     limit=format_number(self.limit), count=format_number(count)))


def _text_field(label):
    return TextAreaField(label, filters=[clean_text], validators=[_MaxLength()])


# The three talking points of a good feedback conversation, each with a one-line hint on writing it.
TALKING_POINTS = {
    "went_well": (_l("What went well?"),
                  _l("Start with something specific and positive from the application or the interview.")),
    "why_not": (_l("Why not this role?"),
                _l("Name the concrete mismatch as a requirement of the role: experience, skills or the "
                   "team's way of working.")),
    "advice": (_l("What is your advice?"),
               _l("One concrete tip: the CV, how they tell their story, or where to look.")),
}
FREE_NOTES = (_l("Free notes"), _l("Anything else, for yourself. Free notes are never sent to the candidate."))
NOTE_LABELS = {**{name: label for name, (label, _hint) in TALKING_POINTS.items()}, "free_notes": FREE_NOTES[0]}
NOTE_HINTS = {**{name: hint for name, (_label, hint) in TALKING_POINTS.items()}, "free_notes": FREE_NOTES[1]}


class NoteForm(FlaskForm):
    went_well = _text_field(TALKING_POINTS["went_well"][0])
    why_not = _text_field(TALKING_POINTS["why_not"][0])
    advice = _text_field(TALKING_POINTS["advice"][0])
    free_notes = _text_field(FREE_NOTES[0])


OUTCOMES = {
    "attended": _l("The conversation took place"),
    "no_show": _l("The candidate did not come (no-show)"),
    "cancelled_late": _l("The candidate cancelled too late to give the time to someone else"),
}


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("What happened?"), choices=[SelectChoice(k, label) for k, label in OUTCOMES.items()],
                         validators=[InputRequired(_l("Please choose what happened."))])
    suitable_after_all = BooleanField(
        _l("Turned out suitable after all: the conversation showed what the CV did not"))
    follow_up_action = StringField(_l("Follow-up action"), filters=[strip], validators=[
        Optional(), Length(max=500, message=_l("Please keep the follow-up action to 500 characters."))])
    follow_up_on = DateField(_l("Follow-up date"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.suitable_after_all.data and self.outcome.data != "attended":
            self.suitable_after_all.errors.append(
                _("Only a conversation that took place can show that someone is suitable after all."))
            valid = False
        if self.follow_up_action.data and not self.follow_up_on.data and not self.follow_up_on.errors:
            self.follow_up_on.errors.append(_("Please give a date for the follow-up."))
            valid = False
        if self.follow_up_on.data and not self.follow_up_action.data and not self.follow_up_action.errors:
            self.follow_up_action.errors.append(_("Please say what the follow-up is."))
            valid = False
        return valid


class PoolOfferForm(FlaskForm):
    """The button that asks the candidate by e-mail whether they want to join the talent pool."""


SUMMARY_LABELS = {
    "went_well": _l("What went well"),
    "why_not": _l("Why it did not work out this time"),
    "advice": _l("Our advice"),
}


# Which snippets of the advice library the summary page offers: those of the topics the candidate chose,
# of one topic, or of every topic.
CHOSEN_TOPICS = "chosen"
ALL_TOPICS = "all"


class SummaryForm(FlaskForm):
    went_well = _text_field(SUMMARY_LABELS["went_well"])
    why_not = _text_field(SUMMARY_LABELS["why_not"])
    advice = _text_field(SUMMARY_LABELS["advice"])
    # The advice library beside the summary: which snippets to show, and the one to insert where.
    snippet_field = SelectField(_l("Field of work"), choices=[
        SelectChoice(f.value, label) for f, label in FIELD_LABELS.items()], validate_choice=False)
    snippet_topics = SelectField(_l("Topics"), choices=[
        SelectChoice(CHOSEN_TOPICS, _l("The topics the candidate chose")), SelectChoice(ALL_TOPICS, _l("Every topic")),
        *[SelectChoice(t.value, label) for t, label in TOPIC.items()]], validate_choice=False)
    show_snippets = SubmitField(_l("Show these snippets"))
    insert_into = SelectField(_l("Insert into"), default="advice", validate_choice=False,
                              choices=[SelectChoice(k, label) for k, label in SUMMARY_LABELS.items()])
    insert = IdField(unreadable=_l("Choose a snippet to insert."), validators=[Optional()])
    confirm_warnings = BooleanField(_l("I have read the checker's warnings and want to send the summary anyway"))
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send to the candidate"))


SYNTAXES = {
    "words": _l("Words: each word in any form, hedges in between allowed (recommended)"),
    "regex": _l("Regular expression on the text, matched exactly (as rules were written before)"),
}


def _language_choices():
    return [SelectChoice(code, name) for code, name in language_choices()]


class RuleForm(FlaskForm):
    language = SelectField(_l("Language"), validators=[InputRequired()])
    category = SelectField(_l("Kind of warning"), choices=[SelectChoice(k, label) for k, label in CATEGORIES.items()],
                           validators=[InputRequired()])
    syntax = RadioField(_l("How the pattern is read"),
                        choices=[SelectChoice(k, label) for k, label in SYNTAXES.items()], default="words",
                        validators=[InputRequired(_l("Please choose how the pattern is read."))])
    pattern = StringField(_l("Phrase or pattern"), filters=[strip], validators=[
        InputRequired(_l("Please enter a phrase or pattern.")),
        Length(max=300, message=_l("Please keep the pattern to 300 characters."))])
    suggestion = TextAreaField(_l("Suggestion: how to say it better"), filters=[strip], validators=[
        InputRequired(_l("Please write a suggestion.")),
        Length(max=500, message=_l("Please keep the suggestion to 500 characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()

    def validate(self, extra_validators=None) -> bool:
        """The pattern must read, as words in the rule's language or as a regular expression."""
        valid = super().validate(extra_validators)
        if valid:
            try:
                if self.syntax.data == "regex":
                    validate_pattern(self.pattern.data or "")
                else:
                    validate_words(self.pattern.data or "", self.language.data)
            except (InvalidPattern, PatternError) as exc:
                self.pattern.errors.append(exc.message)
                valid = False
        return valid

