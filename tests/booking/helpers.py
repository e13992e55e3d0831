"""Small helpers shared by the booking and mail tests: reading pages as a person would, posting
the booking forms, and taking a snapshot of everything stored."""

import html
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Booking, BookingStatus, FeedbackSession, FeedbackSessionStatus, Slot
from tests.helpers import page_text, set_english, snapshot  # noqa: F401 (re-exported)

TOPICS = ["went_well", "improve"]




def day_groups(response) -> list[tuple[str, list[str]]]:
    """The slot picker as the candidate sees it: [(day heading, [slot labels])]."""
    body = response.get_data(as_text=True)
    groups = []
    for fieldset in re.findall(r'(?s)<fieldset class="day">(.*?)</fieldset>', body):
        legend = " ".join(html.unescape(re.search(r"(?s)<legend>(.*?)</legend>", fieldset).group(1)).split())
        labels = [" ".join(html.unescape(label).split())
                  for label in re.findall(r'(?s)<label for="slot-\d+">(.*?)</label>', fieldset)]
        groups.append((legend, labels))
    return groups


def form_hidden_fields(response, action: str) -> dict[str, str]:
    """The hidden fields of the form on the page that posts to a URL ending in ``action``,
    as the browser would send them."""
    body = response.get_data(as_text=True)
    for attrs, inner in re.findall(r'(?s)<form([^>]*)>(.*?)</form>', body):
        target = re.search(r'action="([^"]*)"', attrs)
        if target and html.unescape(target.group(1)).endswith(action):
            fields = {}
            for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', inner):
                name = re.search(r'name="([^"]*)"', tag)
                value = re.search(r'value="([^"]*)"', tag)
                if name:
                    fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
            return fields
    raise AssertionError(f"no form posting to {action!r} on the page")


def book(client, token: str, slot_id, *, topics=TOPICS, question: str = "", **extra):
    data = {"slot": str(slot_id), "topics": list(topics), "question": question, **extra}
    return client.post(f"/b/{token}/book", data=data)



def active_bookings(slot_id: int | None = None) -> list[Booking]:
    db.session.rollback()
    query = sa.select(Booking).where(Booking.status != BookingStatus.CANCELLED).order_by(Booking.id)
    if slot_id is not None:
        query = query.where(Booking.slot_id == slot_id)
    return list(db.session.scalars(query))


def all_bookings() -> list[Booking]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Booking).order_by(Booking.id)))


def session_at(
    starts_at: datetime,
    *,
    slots: int = 2,
    minutes: int = 15,
    status: FeedbackSessionStatus = FeedbackSessionStatus.PUBLISHED,
    location: str = "Spreekkamer 3",
) -> FeedbackSession:
    """A session starting at an exact UTC moment (for rules that count hours from now). Commits."""
    step = timedelta(minutes=minutes)
    feedback_session = FeedbackSession(
        starts_at=starts_at, ends_at=starts_at + slots * step, slot_minutes=minutes,
        location=location, video_url="", status=status, breaks=[],
    )
    feedback_session.slots = [
        Slot(starts_at=starts_at + i * step, ends_at=starts_at + (i + 1) * step) for i in range(slots)
    ]
    db.session.add(feedback_session)
    db.session.commit()
    return feedback_session
