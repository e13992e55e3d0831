"""The period the dashboard looks at: last 12 months by default, or a month, quarter, year, from-to."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from app.stats.queries import Period
from app.timeutil import from_local

CHOICES = {
    "12m": _l("Last 12 months"),
    "month": _l("A month"),
    "quarter": _l("A quarter"),
    "year": _l("A year"),
    "custom": _l("From – to (whole months)"),
}


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
    """The figures are kept per calendar month, so a period covers whole months."""
    first, last = first.replace(day=1), _end_of_month(last)
    return Selection(kind, Period(_start(first), _start(last + timedelta(days=1))), first, last, error)


def parse_period(args, today: date) -> Selection:
    """Read ?period=...&month=YYYY-MM&quarter=YYYY-Qn&year=YYYY&from=...&to=... ; fall back with a message."""
    kind = args.get("period", "12m")
    try:
        if kind == "month":
            year, month = (int(part) for part in args.get("month", f"{today:%Y-%m}").split("-"))
            first = date(year, month, 1)
            following = date(year + (month == 12), month % 12 + 1, 1)
            return _selection(kind, first, following - timedelta(days=1))
        if kind == "quarter":
            this_quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
            year_text, _, quarter_text = args.get("quarter", this_quarter).partition("-Q")
            year, quarter = int(year_text), int(quarter_text)
            if not 1 <= quarter <= 4:
                raise ValueError
            first = date(year, 3 * quarter - 2, 1)
            following = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
            return _selection(kind, first, following - timedelta(days=1))
        if kind == "year":
            year = int(args.get("year", today.year))
            return _selection(kind, date(year, 1, 1), date(year, 12, 31))
        if kind == "custom":
            first = date.fromisoformat(args.get("from", ""))
            last = date.fromisoformat(args.get("to", ""))
            if last < first:
                return _default(today, str(_l("The end date lies before the start date; showing the last 12 months.")))
            return _selection(kind, first, last)
    except (ValueError, TypeError):
        return _default(today, str(_l("That period could not be read; showing the last 12 months.")))
    return _default(today)


def _default(today: date, error: str | None = None) -> Selection:
    """This month and the eleven before it."""
    first = date(today.year - (today.month <= 11), (today.month - 12) % 12 + 1, 1)
    return _selection("12m", first, today, error)
