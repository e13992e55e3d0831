"""The layout of a feedback hour: its breaks, its slots and the checks on them."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from app.database import utcnow
from app.sessions.errors import SessionError
from app.timeutil import from_local, local, parse_clock

MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 120

_CLOCK = r"\d{1,2}[:.]\d{2}"
_BREAK = re.compile(rf"^\s*({_CLOCK})\s*[-–—]\s*({_CLOCK})\s*$")
_BREAK_SEPARATORS = re.compile(r"[,;\n]+")


def parse_breaks(text: str) -> list[list[str]]:
    """'17:00-17:15, 19:00-19:10' -> [["17:00", "17:15"], ["19:00", "19:10"]], sorted.

    Raises SessionError naming the part it could not read. Dots (17.00) work as well as colons.
    """
    breaks = []
    for part in _BREAK_SEPARATORS.split(text or ""):
        if not part.strip():
            continue
        match = _BREAK.match(part)
        if not match:
            raise SessionError(_('"%(part)s" is not a break. Write each break as 17:00-17:15, separated by commas.',
                                  part=part.strip()[:40]))
        try:
            start, end = (parse_clock(value.replace(".", ":")) for value in match.groups())
        except ValueError:
            raise SessionError(_('"%(part)s" contains a time that does not exist.', part=part.strip()[:40])) from None
        if end <= start:
            raise SessionError(_('In the break "%(part)s" the end must come after the start.', part=part.strip()[:40]))
        breaks.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    return sorted(breaks)


def format_breaks(breaks: list[list[str]] | None) -> str:
    """The stored breaks as the recruiter types them."""
    return ", ".join(f"{a}-{b}" for a, b in breaks or [])


def slot_times(
    day: date, start: time, end: time, slot_minutes: int, breaks: list[list[str]] | None = None
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every slot between ``start`` and ``end`` on ``day``, skipping the breaks."""
    step = timedelta(minutes=slot_minutes)
    pauses = [(parse_clock(a), parse_clock(b)) for a, b in (breaks or [])]
    result = []
    cursor = datetime.combine(day, start)
    finish = datetime.combine(day, end)
    while cursor + step <= finish:
        slot_start, slot_end = cursor.time(), (cursor + step).time()
        overlaps = any(slot_start < pause_end and pause_start < slot_end for pause_start, pause_end in pauses)
        if not overlaps:
            result.append((from_local(day, slot_start), from_local(day, slot_end)))
        cursor += step
    return result


@dataclass(frozen=True)
class SessionPlan:
    """What the recruiter asks for: a day with local start and end times, cut into slots."""

    day: date
    start: time
    end: time
    slot_minutes: int = 15
    breaks: tuple[tuple[str, str], ...] = ()
    location: str = ""
    video_url: str = ""
    host_ids: tuple[int, ...] = ()
    # How candidates may talk (ConversationMode values).
    modes: tuple[str, ...] = ("on_site",)

    @property
    def break_list(self) -> list[list[str]]:
        return [list(b) for b in self.breaks]

    def slot_times(self) -> list[tuple[datetime, datetime]]:
        return slot_times(self.day, self.start, self.end, self.slot_minutes, self.break_list)


def layout_problems(
    *, day: date | None, start: time | None, end: time | None, slot_minutes: int | None,
    breaks: list[list[str]] | None, now: datetime | None = None,
) -> list[tuple[str, str]]:
    """What is wrong with a layout, as (field name, message) pairs; empty when it is fine.

    ``day`` None skips the date checks (a series checks its own dates). Checks only what the
    form could read: a missing value is the form's own error.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    if day is not None:
        today = local(now).date()
        if day < today:
            problems.append(("day", str(_("This date is in the past. Please choose a date from today on."))))
        elif day == today and start is not None and from_local(day, start) <= now:
            problems.append(("start", str(_("This time today has passed already."))))
    if start is None or end is None:
        return problems
    if end <= start:
        problems.append(("end", str(_("The end must be after the start."))))
        return problems
    for pause_start, pause_end in (breaks or []):
        if parse_clock(pause_start) < start or parse_clock(pause_end) > end:
            problems.append(("breaks", str(_(
                "The break %(start)s-%(end)s lies outside the feedback hour (%(opens)s to %(closes)s).",
                start=pause_start, end=pause_end, opens=start.strftime("%H:%M"), closes=end.strftime("%H:%M"),
            ))))
            return problems
    slot_length_ok = slot_minutes and MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES
    if slot_length_ok and not slot_times(day or date(2000, 1, 3), start, end, slot_minutes, breaks):
        problems.append(("slot_minutes", str(_(
            "No conversation fits: make the feedback hour longer, the breaks shorter or the slots shorter."
        ))))
    return problems
