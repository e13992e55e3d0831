"""Turning the figures into what HR sees: the same cells on screen and in the CSV exports.

One rule for small cells, applied here to every figure the page shows and every export carries
(``SUPPRESSION_RULE`` says it on the page): a count of 1 to 4 people shows "< 5"; a share, an average or
a score is left out when a count it is made of is 1 to 4. A share is only taken of a base that holds
everyone it counts (the step before in a person's way); a step that people may reach without the step
before (the talent pool, a re-application, a hire) says what it counts instead, and a share that the
period cuts (more people here than in the step before, who reached that before the period) is left out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from app.i18n import _l
from app.labels import CANCEL_REASON, STAGE
from app.models import Stage
from app.stats import queries
from app.stats.queries import BREAKDOWN_KINDS, FUNNEL, Period
from app.timeutil import local

SMALL = 5
SUPPRESSED = "< 5"
SUPPRESSION_RULE = _l(
    "Figures count people and never name them. A count of 1 to 4 people shows “< 5”, everywhere on this page "
    "and in every download; a share, an average or a score made from such a count is left out (–). A share is "
    "only taken of the step before, which holds everyone it counts."
)

STEP_LABELS = {
    "invited": _l("Invited"),
    "booked": _l("Booked"),
    "attended": _l("Attended"),
    "no_show": _l("No-show"),
    "suitable": _l("Suitable after all"),
    "joined_pool": _l("Joined the talent pool"),
    "reapplied": _l("Applied again"),
    "hired": _l("Hired"),
    "hired_attributed": _l("Hired after a conversation"),
}
REASON_LABELS = {
    "experience": _l("Experience"),
    "skills": _l("Skills"),
    "qualifications": _l("Qualifications"),
    "team_fit": _l("Fit with the team's work"),
    "other": _l("Other"),
    "": _l("Not recorded"),
}


def is_small(n: int | None) -> bool:
    """A count of people too small to show: 1 to 4."""
    return n is not None and 0 < n < SMALL


def figure(n: int) -> int | str:
    """A count of people as it may be shown: "< 5" for 1 to 4."""
    return SUPPRESSED if is_small(n) else n


def share(part: int, base: int) -> float | None:
    """``part`` as a percentage of ``base`` (one decimal), or None when it may not or cannot be shown: no
    base, a count of 1 to 4 in either, or more in the part than in the base (a base that does not hold it)."""
    if not base or part > base or is_small(part) or is_small(base):
        return None
    return round(100 * part / base, 1)


@dataclass
class Table:
    """A table as shown and exported: ``rows`` hold labels (text), counts (int or "< 5"), shares (float, in
    the columns ``shares``, or None when left out) and other numbers."""

    key: str
    title: str
    header: list[str]
    rows: list[list]
    shares: set[int] = field(default_factory=set)


# Each share is taken of the step before it in a person's way, which holds everyone the step counts.
FUNNEL_BASE = {"booked": "invited", "attended": "booked", "no_show": "booked", "suitable": "attended",
               "hired_attributed": "attended"}
# Steps that people reach also without the step before: the row says what it counts instead of a share.
COUNTS_EVERYONE = {
    "joined_pool": _l("Everyone who joined, also without a conversation"),
    "reapplied": _l("Everyone who applied again, also without a conversation"),
    "hired": _l("Every hire of an earlier candidate, also without a conversation"),
}
FUNNEL_ROWS = ("invited", "booked", "attended", "no_show", "suitable", "hired_attributed", "joined_pool",
               "reapplied", "hired")


def funnel_table(funnel: dict[str, int]) -> Table:
    rows = []
    for step in FUNNEL_ROWS:
        base = FUNNEL_BASE.get(step)
        if base:
            value = share(funnel[step], funnel[base])
            cut = funnel[step] > funnel[base] and not is_small(funnel[step]) and not is_small(funnel[base])
            of = (_("Not shown: more than in the step before, who reached that before this period") if cut
                  else str(STEP_LABELS[base]))
        else:
            value, of = None, str(COUNTS_EVERYONE.get(step, ""))
        rows.append([str(STEP_LABELS[step]), figure(funnel[step]), value, of])
    return Table("funnel", _("From rejection to rehire"),
                 [_("Step"), _("People"), _("Share (%)"), _("Share of")], rows, shares={2})


def breakdown_table(key: str, title: str, first_column: str, data: dict, labels=None) -> Table:
    header = ([first_column] + [str(STEP_LABELS[k]) for k in BREAKDOWN_KINDS]
              + [_("Booked of invited (%)"), _("Attended of booked (%)")])
    rows = []
    for name, counts in data.items():
        label = str(labels.get(name, name)) if labels else (name or _("Not recorded"))
        rows.append([label] + [figure(counts[k]) for k in BREAKDOWN_KINDS]
                    + [share(counts["booked"], counts["invited"]), share(counts["attended"], counts["booked"])])
    return Table(key, title, header, rows, shares={len(header) - 2, len(header) - 1})


def month_label(month: str) -> str:
    """"2026-11" as the month's short name and year in the page's language (Nov 2026, nov 2026)."""
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMM yyyy")


TREND_KINDS = ("invited", "booked", "attended", "hired")


def trend_table(trend: list[dict]) -> Table:
    return Table("trend", _("Month by month"), [_("Month")] + [str(STEP_LABELS[k]) for k in TREND_KINDS],
                 [[month_label(m["month"])] + [figure(m[k]) for k in TREND_KINDS] for m in trend])


def seats_table(seats: list[dict]) -> Table:
    return Table(
        "seats", _("Seat use of the most recent feedback hours"),
        [_("Feedback hour"), _("Slots offered"), str(STEP_LABELS["attended"]), str(STEP_LABELS["no_show"]),
         _("Seats used (%)")],
        [[format_date(local(s["starts_at"]).date(), "medium"), s["offered"], figure(s["attended"]),
          figure(s["no_show"]), share(s["attended"] + s["no_show"], s["offered"])
          if not (is_small(s["attended"]) or is_small(s["no_show"])) else None] for s in seats],
        shares={4},
    )


def recruiters_table(recruiters: list[dict]) -> Table:
    rows = []
    for r in recruiters:
        small = is_small(r["conversations"])  # the hours would give the count away
        rows.append([r["recruiter"] or _("Unknown"), r["year"], figure(r["conversations"]),
                     SUPPRESSED if small else r["hours"]])
    return Table("recruiters", _("Recruiter time"), [_("Recruiter"), _("Year"), _("Conversations"), _("Hours")],
                 rows)


def calls_table(funnel: dict[str, int]) -> Table:
    """The calls after an interview: owed, made within two working days, made later, not made (yet); each
    share of the calls due, under the same rule as every figure."""
    due, on_time, late = funnel["call_due"], funnel["called_on_time"], funnel["called_late"]
    open_calls = max(due - on_time - late, 0)
    rows = [[_("Calls due"), figure(due), None],
            [_("Made within two working days"), figure(on_time), share(on_time, due)],
            [_("Made later"), figure(late), share(late, due)],
            [_("Not made (yet)"), figure(open_calls), share(open_calls, due)]]
    return Table("calls", _("Calls after an interview"), [_("Calls"), _("People"), _("Of due (%)")], rows,
                 shares={2})


def cancel_reasons_table(reasons: dict[str, int]) -> Table:
    """Why candidates cancelled, as they said when cancelling (optional): counted without the person."""
    return Table("cancel_reasons", _("Why candidates cancelled"), [_("Reason"), _("People")],
                 [[str(CANCEL_REASON.get(reason, reason)), figure(people)] for reason, people in reasons.items()])


def _stage_labels() -> dict:
    return {s.value: STAGE[s] for s in Stage} | {"": _("Not recorded")}


# Each table from the one query it needs: an export computes only its own table.
TABLES: dict[str, Callable[[Period], Table]] = {
    "funnel": lambda p: funnel_table(queries.funnel_counts(p)),
    "department": lambda p: breakdown_table("department", _("Per department"), _("Department"),
                                            queries.breakdown(p, "department")),
    "vacancy": lambda p: breakdown_table("vacancy", _("Per vacancy"), _("Vacancy"),
                                         queries.breakdown(p, "vacancy", limit=50)),
    "stage": lambda p: breakdown_table("stage", _("By stage reached"), _("Stage"), queries.breakdown(p, "stage"),
                                       _stage_labels()),
    "reason": lambda p: breakdown_table("reason", _("By rejection reason"), _("Reason"),
                                        queries.breakdown(p, "reason"), REASON_LABELS),
    "trend": lambda p: trend_table(queries.monthly_trend(p)),
    "seats": lambda p: seats_table(queries.seat_use(p)),
    "recruiters": lambda p: recruiters_table(queries.recruiter_time(p)),
    "calls": lambda p: calls_table(queries.funnel_counts(p)),
    "cancel_reasons": lambda p: cancel_reasons_table(queries.cancel_reasons(p)),
}


def build_table(key: str, period: Period) -> Table | None:
    """One table for ``period``, from its own query only; None for a name that is no table."""
    builder = TABLES.get(key)
    return builder(period) if builder else None


@dataclass
class Figures:
    """Everything the dashboard shows, each figure through the rule above."""

    tables: dict[str, Table]
    headline: dict
    facts: dict
    survey: dict
    funnel_chart: list[tuple[str, int | str]]
    trend_chart: list[dict]


def dashboard_figures(d: queries.Dashboard) -> Figures:
    """The dashboard's data as it may be shown."""
    f = d.funnel
    tables = [
        funnel_table(f),
        breakdown_table("department", _("Per department"), _("Department"), d.by_department),
        breakdown_table("vacancy", _("Per vacancy"), _("Vacancy"), d.by_vacancy),
        breakdown_table("stage", _("By stage reached"), _("Stage"), d.by_stage, _stage_labels()),
        breakdown_table("reason", _("By rejection reason"), _("Reason"), d.by_reason, REASON_LABELS),
        trend_table(d.trend), seats_table(d.seats), recruiters_table(d.recruiters), calls_table(f),
        cancel_reasons_table(d.cancel_reasons),
    ]
    survey_small = is_small(d.survey["answers"]) or not d.survey["answers"]
    recommend_small = is_small(d.survey["recommend_answers"]) or not d.survey["recommend_answers"]
    return Figures(
        tables={t.key: t for t in tables},
        headline={"hired_attributed": figure(d.headline["hired_attributed"]),
                  "signed_up": figure(d.headline["signed_up"])},
        facts={
            "no_show": share(f["no_show"], f["attended"] + f["no_show"]),
            "cancelled_late": figure(f["cancelled_late"]),
            "hired_attributed": figure(f["hired_attributed"]),
            "hired": figure(f["hired"]),
            "within_day": share(d.speed["within_day"], d.speed["invited"]),
            "within_week": share(d.speed["within_week"], d.speed["invited"]),
        },
        survey={"answers": d.survey["answers"], "answers_shown": figure(d.survey["answers"]),
                "useful_average": None if survey_small else d.survey["useful_average"],
                "nps": None if recommend_small else d.survey["nps"]},
        funnel_chart=[(str(STEP_LABELS[step]), figure(f[step])) for step in FUNNEL],
        trend_chart=[{"month": month_label(m["month"]), **{k: figure(m[k]) for k in TREND_KINDS}} for m in d.trend],
    )
