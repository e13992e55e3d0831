"""Helpers for the session-planning tests: form data as a browser sends it, and reading the outbox's
calendar invitations with icalendar."""

import html
import re
from datetime import date, timedelta

import sqlalchemy as sa
from icalendar import Calendar

from app.database import utcnow
from app.extensions import db
from app.models import FeedbackSession, OutboxMessage
from app.timeutil import local

BASE = "/recruiter/sessions"


def days_ahead(n: int) -> date:
    return local(utcnow()).date() + timedelta(days=n)


def session_data(day: date | str, start: str = "16:00", end: str = "18:00", *, hosts=(), **overrides) -> dict:
    """The session form as the browser posts it."""
    data = {
        "day": day.isoformat() if isinstance(day, date) else day, "start": start, "end": end,
        "slot_minutes": "15", "breaks": "", "location": "Spreekkamer 3",
        "video_url": "https://meet.example.org/fb", "hosts": [str(h) for h in hosts], "modes": ["on_site"],
    }
    data.update(overrides)
    return data


def edit_data(feedback_session: FeedbackSession, **overrides) -> dict:
    """The edit form of ``feedback_session`` unchanged, with ``overrides``."""
    start, end = local(feedback_session.starts_at), local(feedback_session.ends_at)
    data = session_data(start.date(), start.strftime("%H:%M"), end.strftime("%H:%M"),
                        hosts=[h.id for h in feedback_session.hosts], location=feedback_session.location,
                        video_url=feedback_session.video_url, slot_minutes=str(feedback_session.slot_minutes),
                        breaks=", ".join(f"{a}-{b}" for a, b in feedback_session.breaks or []),
                        modes=[m.value for m in feedback_session.modes])
    data.update(overrides)
    return data


def input_value(response, name: str) -> str:
    """What an input on the page holds (what the recruiter typed, after a failed save)."""
    body = response.get_data(as_text=True)
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body)
    assert tag, f"no input {name!r}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def field_error(response, name: str) -> str:
    """The error message shown with field ``name``."""
    body = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', body, re.S)
    assert match, f"no error shown for {name!r}"
    return " ".join(html.unescape(match.group(1)).split())


def hidden_fields(response) -> list[tuple[str, str]]:
    """Every hidden input of the (single) form on the confirmation page, in order."""
    body = response.get_data(as_text=True)
    pairs = []
    for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', body):
        name = re.search(r'name="([^"]*)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        pairs.append((name, html.unescape(value.group(1)) if value else ""))
    return pairs


def as_multidict(pairs: list[tuple[str, str]], **extra) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    for name, value in extra.items():
        data[name] = [value]
    return data


def events_of(message: OutboxMessage):
    """(calendar, [VEVENT]) of an outbox row's invitation."""
    calendar = Calendar.from_ical(message.ics)
    return calendar, calendar.walk("VEVENT")


def fresh(model, id_):
    """A row as stored now (not as this test's session remembers it)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, id_)


def all_sessions() -> list[FeedbackSession]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(FeedbackSession).order_by(FeedbackSession.starts_at)))
