"""Dutch working days: Monday to Friday, except the public holidays of the Netherlands (the kept
``holidays`` library, never a hand-made list)."""

from datetime import date, timedelta
from functools import cache

import holidays

CALL_WITHIN_WORKING_DAYS = 2


@cache
def _dutch_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_working_day(day: date) -> bool:
    """A weekday that is no Dutch public holiday."""
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def call_due_on(decided_on: date) -> date:
    """The last day of the call after an interview: two working days after the decision."""
    return add_working_days(decided_on, CALL_WITHIN_WORKING_DAYS)


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days
