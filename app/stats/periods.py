"""The period the dashboard looks at: last 12 months by default, or a month, quarter, year, from-to."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from app.core.query import choice_arg, in_calendar, text_arg
from app.i18n import _l
from app.stats.queries import Period
from app.timeutil import from_local

CHOICES = {
    "12m": _l("Last 12 months"),
    "month": _l("A month"),
    "quarter": _l("A quarter"),
    "year": _l("A year"),
    "custom": _l("From – to (whole months)"),
}


PERIOD_PARAMETERS = ("period", "month", "quarter", "year", "from", "to")


@dataclass
class Selection:
    kind: str
    period: Period
    first_day: date
    last_day: date
    error: str | None = None


def _start(day: date) -> datetime:
    return from_local(day, time(0, 0))


def _end_of_month(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _selection(kind: str, first: date, last: date, error: str | None = None) -> Selection:
    """The figures are kept per calendar month, so a period covers whole months. ValueError outside the
    calendar the portal can convert."""
    if not (in_calendar(first) and in_calendar(last)):
        raise ValueError("outside the calendar")
    first, last = first.replace(day=1), _end_of_month(last)
    return Selection(kind, Period(_start(first), _start(last + timedelta(days=1))), first, last, error)


def _arg(args: Mapping, name: str, default: str) -> str:
    return text_arg(name, max_length=20, args=args) if name in args else default


def parse_period(args: Mapping, today: date) -> Selection:
    """Read ?period=...&month=YYYY-MM&quarter=YYYY-Qn&year=YYYY&from=...&to=... ; fall back with a message.
    Only days between 1900 and 2999 can be chosen (app/core/query.py)."""
    kind = choice_arg("period", CHOICES, "12m", args=args)
    try:
        if kind == "month":
            year, month = (int(part) for part in _arg(args, "month", f"{today:%Y-%m}").split("-"))
            first = date(year, month, 1)
            following = date(year + (month == 12), month % 12 + 1, 1)
            return _selection(kind, first, following - timedelta(days=1))
        if kind == "quarter":
            this_quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
            year_text, _separator, quarter_text = _arg(args, "quarter", this_quarter).partition("-Q")
            year, quarter = int(year_text), int(quarter_text)
            if not 1 <= quarter <= 4:
                raise ValueError
            first = date(year, 3 * quarter - 2, 1)
            following = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
            return _selection(kind, first, following - timedelta(days=1))
        if kind == "year":
            year = int(_arg(args, "year", str(today.year)))
            return _selection(kind, date(year, 1, 1), date(year, 12, 31))
        if kind == "custom":
            first = date.fromisoformat(_arg(args, "from", ""))
            last = date.fromisoformat(_arg(args, "to", ""))
            if last < first:
                return _default(today, _("The end date lies before the start date; showing the last 12 months."))
            return _selection(kind, first, last)
    except (ValueError, TypeError, OverflowError):  # OverflowError: a year beyond what a date can hold
        return _default(today, _("That period could not be read; showing the last 12 months."))
    return _default(today)


def period_args(args: Mapping) -> dict[str, str]:
    """The query parameters that choose the period, cleaned: for links that keep the period (the exports)."""
    return {name: text_arg(name, args=args) for name in PERIOD_PARAMETERS if name in args}


def _default(today: date, error: str | None = None) -> Selection:
    """This month and the eleven before it."""
    first = date(today.year - (today.month <= 11), (today.month - 12) % 12 + 1, 1)
    return _selection("12m", first, today, error)
