"""Creating feedback hours from the recruiter's plan, and reading a feedback hour back as a plan."""

from datetime import date, datetime, time

from app.booking.free_times import times_changed
from app.database import utcnow
from app.extensions import db
from app.models import ConversationMode, FeedbackSession, FeedbackSessionStatus, Slot
from app.sessions.hosts import hosts_by_id
from app.sessions.layout import SessionPlan, slot_times
from app.timeutil import from_local, local


def create_session(
    *, day: date, start: time, end: time, slot_minutes: int = 15, breaks: list[list[str]] | None = None,
    location: str = "", video_url: str = "", status: FeedbackSessionStatus = FeedbackSessionStatus.DRAFT,
    modes: tuple[str, ...] | list[str] = ("on_site",),
) -> FeedbackSession:
    """A session on ``day`` from ``start`` to ``end`` (Amsterdam time) with its slots, offering ``modes``
    (ConversationMode values). Does not commit."""
    feedback_session = FeedbackSession(
        starts_at=from_local(day, start), ends_at=from_local(day, end), slot_minutes=slot_minutes,
        breaks=breaks or [], location=location, video_url=video_url, status=status,
    )
    set_modes(feedback_session, modes)
    feedback_session.slots = [
        Slot(starts_at=a, ends_at=b) for a, b in slot_times(day, start, end, slot_minutes, breaks)
    ]
    db.session.add(feedback_session)
    return feedback_session


def set_modes(feedback_session: FeedbackSession, modes: tuple[str, ...] | list[str]) -> None:
    """Offer exactly ``modes`` (ConversationMode values) in ``feedback_session``."""
    feedback_session.offers_on_site = ConversationMode.ON_SITE.value in modes
    feedback_session.offers_video = ConversationMode.VIDEO.value in modes
    feedback_session.offers_phone = ConversationMode.PHONE.value in modes


def create_planned_session(
    plan: SessionPlan, *, status: FeedbackSessionStatus = FeedbackSessionStatus.DRAFT
) -> FeedbackSession:
    """Create a session from the recruiter's plan, hosts included."""
    feedback_session = create_from_plan(plan, status)
    times_changed()
    return feedback_session


def create_from_plan(plan: SessionPlan, status: FeedbackSessionStatus) -> FeedbackSession:
    """A session from the plan, hosts included, without forgetting the free times (the caller does)."""
    feedback_session = create_session(
        day=plan.day, start=plan.start, end=plan.end, slot_minutes=plan.slot_minutes, breaks=plan.break_list,
        location=plan.location, video_url=plan.video_url, status=status, modes=plan.modes,
    )
    feedback_session.hosts = hosts_by_id(plan.host_ids)
    return feedback_session


def session_day(feedback_session: FeedbackSession) -> date:
    return local(feedback_session.starts_at).date()


def plan_of(feedback_session: FeedbackSession) -> SessionPlan:
    """The session as a plan, to fill the edit form."""
    return SessionPlan(
        day=session_day(feedback_session),
        start=local(feedback_session.starts_at).time(),
        end=local(feedback_session.ends_at).time(),
        slot_minutes=feedback_session.slot_minutes,
        breaks=tuple(tuple(b) for b in feedback_session.breaks or []),
        location=feedback_session.location,
        video_url=feedback_session.video_url,
        host_ids=tuple(h.id for h in feedback_session.hosts),
        modes=tuple(m.value for m in feedback_session.modes),
    )


def is_editable(feedback_session: FeedbackSession, now: datetime | None = None) -> bool:
    """A session can be changed until it begins, unless it was cancelled."""
    return feedback_session.status != FeedbackSessionStatus.CANCELLED and feedback_session.starts_at > (now or utcnow())
