"""Form parts that features share: the button form, fields whose "cannot read this" message is ours, and
filters that clean what was typed."""

from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import DateField, IntegerField
from wtforms.validators import ValidationError

from app.core.ids import is_id
from app.core.text import clean_line, clean_text
from app.i18n import _l


class ActionForm(FlaskForm):
    """A button that changes something: the form carries only its CSRF token, which a template writes with
    ``{{ csrf_field() }}`` and the view checks with ``ActionForm().validate_on_submit()``."""


def csrf_field() -> Markup:
    """The hidden field with this visitor's CSRF token, for a template's button form (no id: a page may have
    many)."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


def form_status(form: FlaskForm) -> int:
    """The status of a form's page that saves nothing: 200 for a form to fill in, 422 for one sent with
    mistakes (``if not form.validate_on_submit(): return page(form, form_status(form))``)."""
    return 422 if form.is_submitted() else 200


class ReadableMixin:
    """For a field that parses what was sent: ``unreadable`` (the class's, or one given to the field) is the
    message, in the visitor's language, instead of WTForms' own when it cannot be read."""

    unreadable: str

    def __init__(self, *args, unreadable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unreadable is not None:
            self.unreadable = unreadable

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.unreadable)) from None


class LocalDateField(ReadableMixin, DateField):
    """A date; one that cannot be read is asked for again as day, month and year."""

    unreadable = _l("Enter the date as day, month and year.")


class WholeNumberField(ReadableMixin, IntegerField):
    unreadable = _l("Please enter a whole number.")


class IdField(ReadableMixin, IntegerField):
    """An id chosen on the page (a radio button, a hidden field): a whole number the database can hold as an
    id, else ``unreadable`` (give it: say what to choose), so that a forged or broken value is answered like
    a missing choice."""

    def pre_validate(self, form):
        if self.data is not None and not is_id(self.data):
            raise ValidationError(str(self.unreadable))


def as_line(value):
    """Filter: the text as one clean line (``clean_line``); anything else as it is."""
    return clean_line(value) if isinstance(value, str) else value


def as_text(value):
    """Filter: text of several lines, cleaned (``clean_text``) and stripped; anything else as it is."""
    return clean_text(value).strip() if isinstance(value, str) else value
