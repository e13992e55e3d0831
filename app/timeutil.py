"""Times are stored in UTC and shown in Europe/Amsterdam."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(moment: datetime) -> datetime:
    """The same moment on an Amsterdam clock."""
    return moment.astimezone(AMSTERDAM)


def from_local(day: date, clock: time) -> datetime:
    """An Amsterdam wall-clock time on ``day`` as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=AMSTERDAM).astimezone(UTC)


def parse_clock(text: str) -> time:
    """'16:30' -> time(16, 30); raises ValueError on anything else."""
    hours, _, minutes = text.strip().partition(":")
    return time(int(hours), int(minutes))


def day_before_at(moment: datetime, clock: time) -> datetime:
    """``clock`` on the Amsterdam day before ``moment``, in UTC."""
    return from_local(local(moment).date() - timedelta(days=1), clock)
