"""Read-only aggregate queries over the anonymous event log.

Every function here issues exactly one query, whatever the size of the data, and returns plain
data. None of them reads a table with personal data: the figures survive the erasure of people.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, FeedbackSession, Slot, User

FUNNEL = ("invited", "booked", "attended", "suitable", "joined_pool", "reapplied", "hired")
BREAKDOWN_KINDS = FUNNEL + ("no_show",)


@dataclass
class Period:
    start: datetime
    end: datetime


def _in(period: Period):
    return sa.and_(Event.occurred_at >= period.start, Event.occurred_at < period.end)


def _people():
    return sa.func.count(sa.distinct(Event.candidate_ref))


def funnel_counts(period: Period) -> dict[str, int]:
    """Distinct people per step in the period, plus no-shows and hires attributed to the feedback hour."""
    attributed = sa.func.count(sa.distinct(sa.case((sa.and_(Event.kind == "hired", Event.value == 1),
                                                    Event.candidate_ref))))
    rows = db.session.execute(
        sa.select(Event.kind, _people(), attributed)
        .where(_in(period), Event.kind.in_(BREAKDOWN_KINDS + ("cancelled_late",)))
        .group_by(Event.kind)
    ).all()
    counts = dict.fromkeys(BREAKDOWN_KINDS + ("cancelled_late", "hired_attributed"), 0)
    for kind, people, hired_attributed in rows:
        counts[kind] = people
        if kind == "hired":
            counts["hired_attributed"] = hired_attributed
    return counts


def breakdown(period: Period, column: str, *, limit: int = 200) -> dict[str, dict[str, int]]:
    """The funnel per department, vacancy, stage or rejection reason: {group: {kind: people}}."""
    group = {"department": Event.department, "vacancy": Event.vacancy, "stage": Event.stage,
             "reason": Event.reason}[column]
    rows = db.session.execute(
        sa.select(group, Event.kind, _people())
        .where(_in(period), Event.kind.in_(BREAKDOWN_KINDS))
        .group_by(group, Event.kind)
    ).all()
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BREAKDOWN_KINDS, 0))
    for name, kind, people in rows:
        table[name or ""][kind] = people
    ordered = sorted(table.items(), key=lambda item: (-item[1]["invited"], -item[1]["booked"], item[0]))
    return dict(ordered[:limit])


def hires_since_start() -> dict[str, int]:
    """The headline: everyone hired after a feedback conversation since the portal started, and sign-ups."""
    hired = sa.func.count(sa.distinct(sa.case((sa.and_(Event.kind == "hired", Event.value == 1),
                                              Event.candidate_ref))))
    booked = sa.func.count(sa.distinct(sa.case((Event.kind == "booked", Event.candidate_ref))))
    first = sa.func.min(Event.occurred_at)
    row = db.session.execute(sa.select(hired, booked, first).where(Event.kind.in_(("hired", "booked")))).one()
    return {"hired_attributed": row[0], "signed_up": row[1], "since": row[2]}


def survey_scores(period: Period) -> dict[str, float | int | None]:
    """Answers to the two survey questions: how useful (1-5) and the recommendation score (0-10, NPS)."""
    useful = sa.case((Event.kind == "surveyed", Event.value))
    recommend = sa.case((Event.kind == "recommended", Event.value))
    row = db.session.execute(
        sa.select(
            sa.func.count(useful), sa.func.avg(useful),
            sa.func.count(recommend),
            sa.func.count(sa.case((sa.and_(Event.kind == "recommended", Event.value >= 9), 1))),
            sa.func.count(sa.case((sa.and_(Event.kind == "recommended", Event.value <= 6), 1))),
        ).where(_in(period), Event.kind.in_(("surveyed", "recommended")))
    ).one()
    answers, average, recommends, promoters, detractors = row
    nps = round(100 * (promoters - detractors) / recommends) if recommends else None
    return {"answers": answers, "useful_average": round(float(average), 1) if average is not None else None,
            "recommend_answers": recommends, "nps": nps}


def _month(column):
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def monthly_trend(period: Period) -> list[dict]:
    """Per month: invited, booked, attended and hired people."""
    month = _month(Event.occurred_at).label("month")
    kinds = ("invited", "booked", "attended", "hired")
    rows = db.session.execute(
        sa.select(month, Event.kind, _people()).where(_in(period), Event.kind.in_(kinds))
        .group_by(month, Event.kind).order_by(month)
    ).all()
    months: dict[str, dict] = {}
    for name, kind, people in rows:
        months.setdefault(name, {"month": name, **dict.fromkeys(kinds, 0)})[kind] = people
    return list(months.values())


def seat_use(period: Period) -> list[dict]:
    """Per session in the period: slots offered, conversations held and no-shows."""
    held = sa.select(
        Event.session_id.label("session_id"),
        sa.func.count(sa.case((Event.kind == "attended", 1))).label("attended"),
        sa.func.count(sa.case((Event.kind == "no_show", 1))).label("no_show"),
    ).where(Event.kind.in_(("attended", "no_show")), Event.session_id.is_not(None)).group_by(
        Event.session_id).subquery()
    offered = sa.select(Slot.session_id.label("session_id"), sa.func.count(Slot.id).label("offered")).group_by(
        Slot.session_id).subquery()
    rows = db.session.execute(
        sa.select(FeedbackSession.id, FeedbackSession.starts_at, offered.c.offered,
                  sa.func.coalesce(held.c.attended, 0), sa.func.coalesce(held.c.no_show, 0))
        .join(offered, offered.c.session_id == FeedbackSession.id)
        .outerjoin(held, held.c.session_id == FeedbackSession.id)
        .where(FeedbackSession.starts_at >= period.start, FeedbackSession.starts_at < period.end,
               FeedbackSession.status != "cancelled")
        .order_by(FeedbackSession.starts_at)
    ).all()
    return [{"session_id": r[0], "starts_at": r[1], "offered": r[2], "attended": r[3], "no_show": r[4],
             "used": (r[3] + r[4]) / r[2] if r[2] else 0.0} for r in rows]


def recruiter_time(period: Period) -> list[dict]:
    """Hours of conversation per recruiter per year: conversations held times the slot length."""
    year = (sa.func.to_char(Event.occurred_at, "YYYY") if db.engine.dialect.name == "postgresql"
            else sa.func.strftime("%Y", Event.occurred_at)).label("year")
    rows = db.session.execute(
        sa.select(User.name, year, sa.func.count(Event.id), sa.func.sum(FeedbackSession.slot_minutes))
        .join(FeedbackSession, FeedbackSession.id == Event.session_id)
        .outerjoin(User, User.id == Event.user_id)
        .where(_in(period), Event.kind == "attended")
        .group_by(User.name, year).order_by(year, User.name)
    ).all()
    return [{"recruiter": name, "year": y, "conversations": n, "hours": round((minutes or 0) / 60, 1)}
            for name, y, n, minutes in rows]


def invitation_speed(period: Period) -> dict[str, int | float | None]:
    """How soon after the rejection the invitation went out: within a day, within a week."""
    if db.engine.dialect.name == "postgresql":
        days = sa.cast(Event.occurred_at, sa.Date) - Event.rejected_on
    else:
        days = sa.func.julianday(sa.func.date(Event.occurred_at)) - sa.func.julianday(Event.rejected_on)
    row = db.session.execute(
        sa.select(sa.func.count(Event.id), sa.func.count(sa.case((days <= 1, 1))),
                  sa.func.count(sa.case((days <= 7, 1))))
        .where(_in(period), Event.kind == "invited", Event.rejected_on.is_not(None))
    ).one()
    total, day, week = row
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


def dashboard_data(period: Period) -> Dashboard:
    """Everything the HR dashboard shows: a fixed number of aggregate queries (eleven)."""
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
    )
