"""Creating sessions and cutting them into slots."""

from datetime import date, datetime, time, timedelta

from app.booking.services import offer_free_slots
from app.database import utcnow
from app.extensions import db
from app.models import FeedbackSession, SessionStatus, Slot
from app.timeutil import from_local, local, parse_clock


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


def create_session(
    *, day: date, start: time, end: time, slot_minutes: int = 15, breaks: list[list[str]] | None = None,
    location: str = "", video_url: str = "", status: SessionStatus = SessionStatus.DRAFT,
) -> FeedbackSession:
    """A session on ``day`` from ``start`` to ``end`` (Amsterdam time) with its slots. Does not commit."""
    session = FeedbackSession(
        starts_at=from_local(day, start), ends_at=from_local(day, end), slot_minutes=slot_minutes,
        breaks=breaks or [], location=location, video_url=video_url, status=status,
    )
    session.slots = [Slot(starts_at=a, ends_at=b) for a, b in slot_times(day, start, end, slot_minutes, breaks)]
    db.session.add(session)
    return session


def publish_session(session: FeedbackSession, *, now: datetime | None = None) -> None:
    """Open a session for booking and offer its places to the waitlist. Commits."""
    session.status = SessionStatus.PUBLISHED
    db.session.flush()
    offer_free_slots(now=now or utcnow())
    db.session.commit()


def session_day(session: FeedbackSession) -> date:
    return local(session.starts_at).date()
