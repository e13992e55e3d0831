"""The period the dashboard looks at: one control, a preset or a range of whole months of one's own.

The figures are kept per calendar month, so every period is whole months. A value that cannot be read
is never replaced by another period: the selection then carries an error that says what to change, and
the page shows no figures (an export refuses) until the period is one that can be read.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from app.core.query import in_calendar, text_arg
from app.i18n import _l
from app.stats.queries import Period
from app.timeutil import from_local

DEFAULT = "12m"
CUSTOM = "custom"
CHOICES = {
    "12m": _l("Last 12 months"),
    "this-month": _l("This month"),
    "last-month": _l("Last month"),
    "this-quarter": _l("This quarter"),
    "last-quarter": _l("Last quarter"),
    "this-year": _l("This year"),
    "last-year": _l("Last year"),
    CUSTOM: _l("Months of my choice (from – to)"),
}
PERIOD_PARAMETERS = ("period", "from", "to")


@dataclass
class Selection:
    """The chosen period, or ``error`` (and no period) when what was asked for cannot be read."""

    kind: str
    period: Period | None
    first_day: date | None
    last_day: date | None
    error: str | None = None
    first_month: str = ""  # the range as typed back into the form (YYYY-MM)
    last_month: str = ""


def _start(day: date) -> datetime:
    return from_local(day, time(0, 0))


def _month_start(year: int, month: int) -> date:
    """The first day of ``month`` in ``year``; a month number beyond 12 or below 1 rolls over the year."""
    index = year * 12 + month - 1
    return date(index // 12, index % 12 + 1, 1)


def _months(kind: str, first: date, last: date) -> Selection:
    """Whole months from ``first``'s month to ``last``'s, both included."""
    end = _month_start(last.year, last.month + 1)
    return Selection(kind, Period(_start(first), _start(end)), first, end - timedelta(days=1),
                     first_month=f"{first:%Y-%m}", last_month=f"{last:%Y-%m}")


def _preset(kind: str, today: date) -> Selection:
    this_month = today.replace(day=1)
    quarter_start = _month_start(today.year, 3 * ((today.month - 1) // 3) + 1)
    spans = {
        "12m": (_month_start(today.year, today.month - 11), this_month),
        "this-month": (this_month, this_month),
        "last-month": (_month_start(today.year, today.month - 1),) * 2,
        "this-quarter": (quarter_start, this_month),
        "last-quarter": (_month_start(quarter_start.year, quarter_start.month - 3),
                         _month_start(quarter_start.year, quarter_start.month - 1)),
        "this-year": (date(today.year, 1, 1), this_month),
        "last-year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 1)),
    }
    first, last = spans[kind]
    return _months(kind, first, last)


def _refused(kind: str, error: str, first: str = "", last: str = "") -> Selection:
    return Selection(kind, None, None, None, error, first, last)


def _read_month(text: str) -> date | None:
    """A month typed as 2026-11 (what a month field sends) or a day in it (2026-11-15); None otherwise."""
    try:
        if len(text) == 7:
            day = date.fromisoformat(text + "-01")
        elif len(text) == 10:
            day = date.fromisoformat(text)
        else:
            return None
    except ValueError:
        return None
    return day.replace(day=1) if in_calendar(day) else None


def parse_period(args: Mapping, today: date) -> Selection:
    """Read ?period=<preset> or ?period=custom&from=YYYY-MM&to=YYYY-MM (the last 12 months without any);
    a period that cannot be read gives a Selection with an error, never another period."""
    kind = text_arg("period", max_length=20, args=args)
    first_text = text_arg("from", max_length=20, args=args).strip()
    last_text = text_arg("to", max_length=20, args=args).strip()
    if not kind:
        kind = CUSTOM if (first_text or last_text) else DEFAULT
    if kind not in CHOICES:
        return _refused(DEFAULT, _("Choose a period from the list."))
    if kind != CUSTOM:
        if first_text or last_text:
            return _refused(CUSTOM, _("To look at months of your choice, choose “%(custom)s” as the period.",
                                      custom=_(CHOICES[CUSTOM])), first_text, last_text)
        return _preset(kind, today)
    if not first_text or not last_text:
        return _refused(kind, _("Fill in both the first and the last month."), first_text, last_text)
    first, last = _read_month(first_text), _read_month(last_text)
    if first is None or last is None:
        return _refused(kind, _("Type a month as year and month, for example %(example)s, between 1900 and 2999.",
                                example=f"{today:%Y-%m}"), first_text, last_text)
    if last < first:
        return _refused(kind, _("The last month lies before the first. Swap them, or choose again."),
                        first_text, last_text)
    return _months(kind, first, last)


def period_args(selection: Selection) -> dict[str, str]:
    """The query parameters that choose ``selection``'s period again: for links that keep it (the exports)."""
    if selection.kind == CUSTOM:
        return {"period": CUSTOM, "from": selection.first_month, "to": selection.last_month}
    return {"period": selection.kind}
