"""Forms for planning sessions: one session, a series of months, and the buttons that change a session."""

from datetime import time
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import DateField, TimeField, URLField
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import WholeNumberField, as_line
from app.i18n import _l
from app.labels import MODE
from app.models import ConversationMode, User
from app.sessions import errors, layout
from app.sessions.layout import MAX_SLOT_MINUTES, MIN_SLOT_MINUTES, SessionPlan
from app.sessions.series import MAX_SERIES_MONTHS

NTH_LABELS = {
    1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last"),
}
WEEKDAY_LABELS = {
    0: _l("Monday"), 1: _l("Tuesday"), 2: _l("Wednesday"), 3: _l("Thursday"), 4: _l("Friday"),
    5: _l("Saturday"), 6: _l("Sunday"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class DayField(DateField):
    """A date (the browser's date picker sends 2026-03-10), with a message a person understands."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Please enter a date, e.g. 2026-03-10.")) from None


class ClockField(TimeField):
    """A time on the Amsterdam clock: 16:00, 16:00:00 or 16.00."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%H:%M", "%H:%M:%S"], **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.strip().replace(".", ":") for v in valuelist]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Please enter a time, e.g. 16:00.")) from None

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%H:%M") if self.data else ""


class HostsField(SelectMultipleField):
    """Check boxes, one per member of staff who may host."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Please choose the hosts from the list.")) from None

    def pre_validate(self, form):
        known = {self.coerce(c.value) for c in self._choices_from_input(self.choices) or []}
        if any(value not in known for value in self.data or []):
            raise ValidationError(_("Please choose the hosts from the list."))


class ModesField(SelectMultipleField):
    """Check boxes, one per way of talking."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        if any(value not in {m.value for m in ConversationMode} for value in self.data or []):
            raise ValidationError(_("Please choose the ways of talking from the list."))


def web_link(form, field) -> None:
    """An http(s) address with a host: anything else is no video link a candidate can open."""
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValidationError(_("Please enter a web address that starts with https:// (or http://)."))


class LayoutForm(FlaskForm):
    """What a session and a series share: the times, the slots, the place and the hosts."""

    start = ClockField(_l("Start"), default=time(16, 0),
                       validators=[InputRequired(_l("Please enter the start time."))])
    end = ClockField(_l("End"), default=time(18, 0), validators=[InputRequired(_l("Please enter the end time."))])
    slot_minutes = WholeNumberField(
        _l("Minutes per conversation"), default=15,
        validators=[InputRequired(_l("Please enter how many minutes a conversation lasts.")),
                    NumberRange(MIN_SLOT_MINUTES, MAX_SLOT_MINUTES,
                                _l("Choose between %(min)s and %(max)s minutes.",
                                   min=MIN_SLOT_MINUTES, max=MAX_SLOT_MINUTES))],
    )
    breaks = StringField(_l("Breaks (optional)"), validators=[Optional(), Length(max=300)])
    location = StringField(_l("Location (optional)"), filters=[as_line], validators=[Length(max=200)])
    video_url = URLField(_l("Video link (optional)"), filters=[lambda v: (v or "").strip()],
                         validators=[Length(max=500), web_link])
    hosts = HostsField(_l("Hosts"), coerce=int,
                       validators=[InputRequired(_l("Please choose at least one host."))])
    modes = ModesField(_l("How candidates can talk"), default=[ConversationMode.ON_SITE.value],
                       choices=[SelectChoice(m.value, label) for m, label in MODE.items()],
                       validators=[InputRequired(_l("Please choose at least one way of talking."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed_breaks: list[list[str]] = []

    def set_host_choices(self, users: list[User]) -> None:
        self.hosts.choices = [
            SelectChoice(u.id, u.name if u.active else str(_("%(name)s (deactivated)", name=u.name))) for u in users
        ]

    def validate_breaks(self, field) -> None:
        try:
            self.parsed_breaks = layout.parse_breaks(field.data or "")
        except errors.SessionError as error:
            raise ValidationError(error.message) from None

    def validate(self, extra_validators=None) -> bool:
        """The fields one by one, then how they fit together (end after start, breaks inside, a slot at least)."""
        valid = super().validate(extra_validators)
        if self.start.errors or self.end.errors or self.breaks.errors:
            return False
        problems = layout.layout_problems(
            day=self._day(), start=self.start.data, end=self.end.data,
            slot_minutes=None if self.slot_minutes.errors else self.slot_minutes.data,
            breaks=self.parsed_breaks,
        )
        for name, message in problems + self._mode_problems():
            self[name].errors = [*self[name].errors, message]
        return valid and not problems and not self._mode_problems()

    def _mode_problems(self) -> list[tuple[str, str]]:
        """On site needs the location, video the link: a candidate must know where to go or what to open."""
        problems = []
        modes = self.modes.data or []
        if ConversationMode.ON_SITE.value in modes and not self.location.data:
            problems.append(("location", str(_("Please enter the location: candidates can come on site."))))
        if ConversationMode.VIDEO.value in modes and not self.video_url.data and not self.video_url.errors:
            problems.append(("video_url", str(_("Please enter the video link: candidates can talk by video."))))
        return problems

    def _day(self):
        return None

    def layout(self, day) -> SessionPlan:
        return SessionPlan(
            day=day, start=self.start.data, end=self.end.data, slot_minutes=self.slot_minutes.data,
            breaks=tuple(tuple(b) for b in self.parsed_breaks), location=self.location.data or "",
            video_url=self.video_url.data or "", host_ids=tuple(self.hosts.data or ()),
            modes=tuple(m.value for m in ConversationMode if m.value in (self.modes.data or ())),
        )


class SessionForm(LayoutForm):
    day = DayField(_l("Date"), validators=[InputRequired(_l("Please choose a date."))])

    def _day(self):
        return None if self.day.errors else self.day.data

    def plan(self) -> SessionPlan:
        return self.layout(self.day.data)

    def fill(self, plan: SessionPlan) -> None:
        """Show a stored session in the form."""
        self.day.data, self.start.data, self.end.data = plan.day, plan.start, plan.end
        self.slot_minutes.data, self.breaks.data = plan.slot_minutes, layout.format_breaks(plan.break_list)
        self.location.data, self.video_url.data, self.hosts.data = plan.location, plan.video_url, list(plan.host_ids)
        self.modes.data = list(plan.modes)


class SeriesForm(LayoutForm):
    nth = SelectField(_l("Which"), coerce=int, default=2, choices=_choices(NTH_LABELS))
    weekday = SelectField(_l("Day of the week"), coerce=int, default=1, choices=_choices(WEEKDAY_LABELS))
    months = WholeNumberField(
        _l("For how many months"), default=6,
        validators=[InputRequired(_l("Please enter a number of months.")),
                    NumberRange(1, MAX_SERIES_MONTHS,
                                _l("Choose between 1 and %(max)s months.", max=MAX_SERIES_MONTHS))],
    )
    publish = BooleanField(_l("Publish right away (candidates can book at once)"))


class ConfirmForm(FlaskForm):
    """A button that acts on what the recruiter saw: ``expected`` fingerprints the bookings on the page."""

    expected = HiddenField()

