"""Forms of the candidates pages: adding one by hand, the CSV upload and its confirmation, the rejection
e-mail (one personal line per candidate) and the template editor."""

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    ValidationError,
)

from app.candidates.csv_import import REJECTION_REASONS, TARGETS, CandidateData, today_local
from app.candidates.services import (
    PERSONAL_LINE_MAX,
    ImportMode,
    placeholder_errors,
)
from app.core.forms import LocalDateField, as_line, as_text
from app.core.languages import default_language, language_choices
from app.i18n import _l
from app.labels import STAGE
from app.models import Candidate, Stage


def _not_in_future(form, field):
    if field.data and field.data > today_local():
        raise ValidationError(_("The rejection date cannot be in the future."))


class CandidateForm(FlaskForm):
    name = StringField(_l("Name"), filters=[as_line], validators=[
        DataRequired(_l("Please enter the candidate's name.")), Length(max=200)])
    email = EmailField(_l("E-mail address"), filters=[as_line], validators=[
        DataRequired(_l("Please enter an e-mail address.")), Length(max=320),
        Email(message=_l("That does not look like an e-mail address."), check_deliverability=False)])
    vacancy = StringField(_l("Vacancy"), filters=[as_line], validators=[
        DataRequired(_l("Please enter the vacancy.")), Length(max=200)])
    department = StringField(_l("Department"), filters=[as_line], validators=[Length(max=200)])
    stage = SelectField(_l("Rejected after"), choices=[SelectChoice(s.value, label) for s, label in STAGE.items()],
                        validators=[InputRequired(_l("Please choose the stage."))])
    rejected_on = LocalDateField(_l("Rejection date"), validators=[
        InputRequired(_l("Please enter the rejection date.")), _not_in_future])
    language = SelectField(_l("Language of the e-mail"), default=default_language, choices=language_choices)
    rejection_reason = SelectField(
        _l("Reason for the rejection (optional)"),
        choices=[SelectChoice("", _l("Not given"))]
        + [SelectChoice(key, label) for key, label in REJECTION_REASONS.items()],
        default="")

    def candidate_data(self) -> CandidateData:
        return CandidateData(
            name=self.name.data, email=self.email.data, vacancy=self.vacancy.data,
            department=self.department.data or "", stage=Stage(self.stage.data), rejected_on=self.rejected_on.data,
            language=self.language.data, rejection_reason=self.rejection_reason.data or None,
        )


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Please choose a file."))])


class ConfirmImportForm(FlaskForm):
    targets = HiddenField()  # which column holds what, as the preview showed it
    mode = RadioField(_l("What to import"), choices=[
        SelectChoice(ImportMode.ALL_OR_NOTHING.value, _l("Import nothing unless all rows are good")),
        SelectChoice(ImportMode.GOOD_ROWS.value, _l("Import all good rows and skip the rows with an error")),
    ], default=ImportMode.ALL_OR_NOTHING.value, validators=[InputRequired(_l("Please choose what to import."))])


class ColumnsForm(FlaskForm):
    """Which field each column of the uploaded file holds: one choice ``column_<n>`` per column, drawn by the
    preview's template (the columns are the file's)."""

    def chosen_targets(self, count: int) -> list[str | None] | None:
        """The choice per column, or None when the form does not hold a valid choice for each."""
        values = [request.form.get(f"column_{n}", "") for n in range(count)]
        if any(value and value not in TARGETS for value in values):
            return None
        return [value or None for value in values]


class _Placeholders:
    def __call__(self, form, field):
        errors = placeholder_errors(field.data or "")
        if errors:
            raise ValidationError(errors[0])


class EmailTemplateForm(FlaskForm):
    subject = StringField(_l("Subject"), filters=[as_line], validators=[
        DataRequired(_l("Please enter a subject.")), Length(max=200), _Placeholders()])
    body = TextAreaField(_l("Text"), filters=[as_text], validators=[
        DataRequired(_l("Please enter the text of the e-mail.")), Length(max=5000), _Placeholders()])
    confirm_warnings = BooleanField(_l("I have read the checker's warnings and want to save this text anyway"))


class RejectionForm(FlaskForm):
    """One personal line per candidate (all required; the import's line to start from), plus what the
    recruiter saw in the preview and, for someone who had the e-mail already, the confirmation to send it
    again."""

    ids = HiddenField()
    confirm_warnings = BooleanField(_l("I have read the checker's warnings and want to send anyway"))

    def line(self, candidate: Candidate):
        return self[f"line_{candidate.id}"]

    def seen(self, candidate: Candidate):
        return self[f"seen_{candidate.id}"]

    def resend(self, candidate: Candidate):
        name = f"resend_{candidate.id}"
        return self[name] if name in self else None  # noqa: SIM401 (a Form has no get())


class BulkRejectionForm(FlaskForm):
    """Send the rejection e-mail to everyone the page showed: only if they are still the ones shown, and with
    the checker's warnings only when the recruiter says so."""

    fingerprint = HiddenField()
    confirm_warnings = BooleanField(_l("I have read the checker's warnings and want to send anyway"))


def rejection_form(candidates: list[Candidate]) -> RejectionForm:
    """A RejectionForm with the fields for these candidates."""

    class Form(RejectionForm):
        pass

    missing = _("Write the personal line: something specific from the application and the concrete reason.")
    too_long = _("Keep the personal line to %(limit)s characters.", limit=PERSONAL_LINE_MAX)
    resend_label = _("Yes, send it again with a new personal link")
    for candidate in candidates:
        setattr(Form, f"line_{candidate.id}", TextAreaField(
            _("Personal line for %(name)s", name=candidate.name), default=candidate.personal_line,
            filters=[as_text], validators=[
                DataRequired(missing), Length(max=PERSONAL_LINE_MAX, message=too_long)]))
        setattr(Form, f"seen_{candidate.id}", HiddenField())
        if candidate.invited_at is not None:
            setattr(Form, f"resend_{candidate.id}", BooleanField(resend_label))
    form = Form()
    form.ids.data = ",".join(str(c.id) for c in candidates)
    return form
