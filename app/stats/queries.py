"""Read-only aggregate queries for the HR dashboard.

They read the monthly roll-up of the event log (``stat_month``, see app/events/rollup.py) and the sessions,
never a table with personal data, so the figures survive the erasure of people. Every function issues
one query, whatever the size of the data, and returns plain data.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.booking.free_times import places_per_time
from app.extensions import db
from app.models import FeedbackSession, FeedbackSessionStatus, Slot, StatMonth, User
from app.timeutil import local

FUNNEL = ("invited", "booked", "attended", "suitable", "joined_pool", "reapplied", "hired")
BREAKDOWN_KINDS = FUNNEL + ("no_show",)
RECENT_SESSIONS = 24


@dataclass
class Period:
    """[start, end) in time; the figures cover the calendar months (Amsterdam) this period touches."""

    start: datetime
    end: datetime

    @property
    def first_month(self) -> date:
        return local(self.start).date().replace(day=1)

    @property
    def last_month(self) -> date:
        return local(self.end - timedelta(microseconds=1)).date().replace(day=1)


def _months(period: Period):
    return sa.and_(StatMonth.month >= period.first_month, StatMonth.month <= period.last_month)


def _people():
    return sa.func.coalesce(sa.func.sum(StatMonth.people), 0)


CALLS = ("call_due", "called_on_time", "called_late")


def funnel_counts(period: Period) -> dict[str, int]:
    """People per step in the period, plus late cancellations, hires attributed to the feedback hour, and
    the calls after an interview: due (by the month of the decision), made within two working days, made late."""
    attributed = sa.and_(StatMonth.kind == "hired", StatMonth.dimension == "attributed", StatMonth.dim_value == "1")
    call_speed = sa.and_(StatMonth.kind == "called", StatMonth.dimension == "call_speed")
    rows = db.session.execute(
        sa.select(StatMonth.kind, StatMonth.dimension, StatMonth.dim_value, _people())
        .where(_months(period), sa.or_(StatMonth.dimension == "all", attributed, call_speed))
        .group_by(StatMonth.kind, StatMonth.dimension, StatMonth.dim_value)
    ).all()
    counts = dict.fromkeys(BREAKDOWN_KINDS + ("cancelled_late", "hired_attributed") + CALLS, 0)
    for kind, dimension, value, people in rows:
        if dimension == "attributed":
            counts["hired_attributed"] = people
        elif dimension == "call_speed":
            counts["called_on_time" if value == "on_time" else "called_late"] += people
        elif kind in counts:
            counts[kind] = people
    return counts


def breakdown(period: Period, column: str, *, limit: int = 200) -> dict[str, dict[str, int]]:
    """The funnel per department, vacancy, stage or rejection reason: {group: {kind: people}}."""
    if column not in ("department", "vacancy", "stage", "reason"):
        raise ValueError(column)
    rows = db.session.execute(
        sa.select(StatMonth.dim_value, StatMonth.kind, _people())
        .where(_months(period), StatMonth.dimension == column, StatMonth.kind.in_(BREAKDOWN_KINDS))
        .group_by(StatMonth.dim_value, StatMonth.kind)
    ).all()
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BREAKDOWN_KINDS, 0))
    for name, kind, people in rows:
        table[name or ""][kind] = people
    ordered = sorted(table.items(), key=lambda item: (-item[1]["invited"], -item[1]["booked"], item[0]))
    return dict(ordered[:limit])


def cancel_reasons(period: Period) -> dict[str, int]:
    """Why candidates cancelled, where they said (CancelReason values): {reason: people}, most first."""
    rows = db.session.execute(
        sa.select(StatMonth.dim_value, _people())
        .where(_months(period), StatMonth.kind == "cancelled", StatMonth.dimension == "cancel_reason")
        .group_by(StatMonth.dim_value)
    ).all()
    return dict(sorted(((reason, people) for reason, people in rows), key=lambda item: (-item[1], item[0])))


def hires_since_start() -> dict:
    """The headline: everyone hired after a feedback conversation since the portal started, and sign-ups."""
    hired = sa.and_(StatMonth.kind == "hired", StatMonth.dimension == "attributed", StatMonth.dim_value == "1")
    booked = sa.and_(StatMonth.kind == "booked", StatMonth.dimension == "all")
    row = db.session.execute(sa.select(
        sa.func.coalesce(sa.func.sum(sa.case((hired, StatMonth.people), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((booked, StatMonth.people), else_=0)), 0),
        sa.func.min(StatMonth.month),
    ).where(sa.or_(hired, booked))).one()
    return {"hired_attributed": row[0], "signed_up": row[1], "since": row[2]}


def survey_scores(period: Period) -> dict:
    """How useful the conversation was (1-5, average) and the recommendation score as an NPS (-100..100)."""
    rows = db.session.execute(
        sa.select(StatMonth.kind, StatMonth.dimension, StatMonth.dim_value, _people(),
                  sa.func.coalesce(sa.func.sum(StatMonth.value_sum), 0),
                  sa.func.coalesce(sa.func.sum(StatMonth.value_n), 0))
        .where(_months(period), StatMonth.kind.in_(("surveyed", "recommended")),
               StatMonth.dimension.in_(("all", "nps")))
        .group_by(StatMonth.kind, StatMonth.dimension, StatMonth.dim_value)
    ).all()
    answers, useful_sum, useful_n, groups = 0, 0, 0, defaultdict(int)
    for kind, dimension, value, people, value_sum, value_n in rows:
        if kind == "surveyed" and dimension == "all":
            answers, useful_sum, useful_n = people, value_sum, value_n
        elif dimension == "nps":
            groups[value] += people
    recommends = sum(groups.values())
    nps = round(100 * (groups["promoter"] - groups["detractor"]) / recommends) if recommends else None
    return {"answers": answers, "useful_average": round(useful_sum / useful_n, 1) if useful_n else None,
            "recommend_answers": recommends, "nps": nps}


def monthly_trend(period: Period) -> list[dict]:
    """Per month: people invited, booked, attended and hired."""
    kinds = ("invited", "booked", "attended", "hired")
    rows = db.session.execute(
        sa.select(StatMonth.month, StatMonth.kind, _people())
        .where(_months(period), StatMonth.dimension == "all", StatMonth.kind.in_(kinds))
        .group_by(StatMonth.month, StatMonth.kind).order_by(StatMonth.month)
    ).all()
    months: dict[date, dict] = {}
    for month, kind, people in rows:
        months.setdefault(month, {"month": f"{month:%Y-%m}", **dict.fromkeys(kinds, 0)})[kind] = people
    return list(months.values())


def seat_use(period: Period) -> list[dict]:
    """The most recent sessions in the period: slots offered, conversations held and no-shows."""
    held = (
        sa.select(sa.cast(StatMonth.dim_value, sa.Integer).label("feedback_session_id"),
                  sa.func.sum(sa.case((StatMonth.kind == "attended", StatMonth.people), else_=0)).label("attended"),
                  sa.func.sum(sa.case((StatMonth.kind == "no_show", StatMonth.people), else_=0)).label("no_show"))
        .where(StatMonth.dimension == "feedback_session", StatMonth.month >= period.first_month)
        .group_by(StatMonth.dim_value).subquery()
    )
    recent = (
        sa.select(FeedbackSession.id, FeedbackSession.starts_at)
        .where(FeedbackSession.starts_at >= period.start, FeedbackSession.starts_at < period.end,
               FeedbackSession.status != FeedbackSessionStatus.CANCELLED)
        .order_by(FeedbackSession.starts_at.desc()).limit(RECENT_SESSIONS).subquery()
    )
    times = sa.select(sa.func.count(Slot.id)).where(Slot.feedback_session_id == recent.c.id).scalar_subquery()
    offered = times * places_per_time(recent.c.id)  # one place per host at each time
    rows = db.session.execute(
        sa.select(recent.c.id, recent.c.starts_at, offered,
                  sa.func.coalesce(held.c.attended, 0), sa.func.coalesce(held.c.no_show, 0))
        .outerjoin(held, held.c.feedback_session_id == recent.c.id)
        .order_by(recent.c.starts_at)
    ).all()
    return [{"feedback_session_id": r[0], "starts_at": r[1], "offered": r[2], "attended": r[3], "no_show": r[4]}
            for r in rows]


def recruiter_time(period: Period) -> list[dict]:
    """Hours of conversation per recruiter per year: conversations held times their slot length."""
    year = sa.func.extract("year", StatMonth.month).label("year")
    rows = db.session.execute(
        sa.select(User.name, year, sa.func.sum(StatMonth.value_n), sa.func.sum(StatMonth.value_sum))
        .outerjoin(User, sa.cast(User.id, sa.String) == StatMonth.dim_value)
        .where(_months(period), StatMonth.kind == "attended", StatMonth.dimension == "recruiter")
        .group_by(User.name, year).order_by(year, User.name)
    ).all()
    return [{"recruiter": name, "year": str(int(y)), "conversations": int(n or 0),
             "hours": round((minutes or 0) / 60, 1)} for name, y, n, minutes in rows]


def invitation_speed(period: Period) -> dict:
    """How soon after the rejection the invitation went out: within a day, within a week."""
    rows = dict(db.session.execute(
        sa.select(StatMonth.dim_value, _people())
        .where(_months(period), StatMonth.kind == "invited", StatMonth.dimension == "invite_speed")
        .group_by(StatMonth.dim_value)
    ).all())
    total = sum(rows.values())
    day, week = rows.get("day", 0), rows.get("day", 0) + rows.get("week", 0)
    return {"invited": total, "within_day": day, "within_week": week,
            "share_day": day / total if total else None, "share_week": week / total if total else None}


@dataclass
class Dashboard:
    period: Period
    funnel: dict
    by_department: dict
    by_vacancy: dict
    by_stage: dict
    by_reason: dict
    headline: dict
    survey: dict
    trend: list
    seats: list
    recruiters: list
    speed: dict
    cancel_reasons: dict


def dashboard_data(period: Period) -> Dashboard:
    """Everything the HR dashboard shows: a fixed number of aggregate queries (twelve)."""
    return Dashboard(
        period=period,
        funnel=funnel_counts(period),
        by_department=breakdown(period, "department"),
        by_vacancy=breakdown(period, "vacancy", limit=50),
        by_stage=breakdown(period, "stage"),
        by_reason=breakdown(period, "reason"),
        headline=hires_since_start(),
        survey=survey_scores(period),
        trend=monthly_trend(period),
        seats=seat_use(period),
        recruiters=recruiter_time(period),
        speed=invitation_speed(period),
        cancel_reasons=cancel_reasons(period),
    )
