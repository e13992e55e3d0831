"""Turning the dashboard's figures into tables: the same cells on screen and in the CSV export.

Small cells are suppressed: a breakdown cell of 1 to 4 people shows "< 5", and a rate that would
reveal such a cell is left out.
"""

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _

from app.i18n import _l
from app.labels import CANCEL_REASON, STAGE
from app.models import Stage
from app.stats.queries import BREAKDOWN_KINDS, Dashboard
from app.timeutil import local

SMALL = 5
SUPPRESSED = "< 5"

STEP_LABELS = {
    "invited": _l("Invited"),
    "booked": _l("Booked"),
    "attended": _l("Attended"),
    "no_show": _l("No-show"),
    "suitable": _l("Suitable after all"),
    "joined_pool": _l("Joined the talent pool"),
    "reapplied": _l("Applied again"),
    "hired": _l("Hired"),
}
REASON_LABELS = {
    "experience": _l("Experience"),
    "skills": _l("Skills"),
    "qualifications": _l("Qualifications"),
    "team_fit": _l("Fit with the team's work"),
    "other": _l("Other"),
    "": _l("Not recorded"),
}


def cell(n: int, *, suppress: bool = True) -> str | int:
    return SUPPRESSED if suppress and 0 < n < SMALL else n


def rate(part: int, whole: int, *, suppress: bool = True) -> str:
    if not whole or (suppress and (0 < part < SMALL or 0 < whole < SMALL)):
        return ""
    return f"{round(100 * part / whole)}%"


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]
    numeric_from: int = 1


# Each step's rate is taken of the step it follows from; the steps after the conversation are not
# nested in each other (someone may join the pool without being judged suitable), so they all relate
# to the conversations held, and hires to them only when attributed to the feedback hour.
FUNNEL_BASE = {"booked": "invited", "attended": "booked", "no_show": "booked", "suitable": "attended",
               "joined_pool": "attended", "reapplied": "attended", "hired": "attended"}


def funnel_table(d: Dashboard) -> Table:
    f = d.funnel
    rows = []
    for step in ("invited", "booked", "attended", "no_show", "suitable", "joined_pool", "reapplied", "hired"):
        base = FUNNEL_BASE.get(step)
        part = f["hired_attributed"] if step == "hired" else f[step]
        share = rate(part, f[base], suppress=False) if base else ""
        if share:
            share = str(_("%(share)s of %(base)s", share=share, base=str(STEP_LABELS[base]).lower()))
        rows.append([str(STEP_LABELS[step]), f[step], share, rate(f[step], f["invited"], suppress=False)])
    return Table("funnel", str(_("From rejection to rehire")),
                 [str(_("Step")), str(_("People")), str(_("Rate")), str(_("Of those invited"))], rows)


def breakdown_table(key: str, title: str, first_column: str, data: dict, labels=None) -> Table:
    header = [first_column] + [str(STEP_LABELS[k]) for k in BREAKDOWN_KINDS] + [str(_("Booked of invited")),
                                                                                 str(_("Hired of attended"))]
    rows = []
    for name, counts in data.items():
        label = str(labels.get(name, name)) if labels else (name or str(_("Not recorded")))
        rows.append([label] + [cell(counts[k]) for k in BREAKDOWN_KINDS]
                    + [rate(counts["booked"], counts["invited"]), rate(counts["hired"], counts["attended"])])
    return Table(key, title, header, rows)


def build_tables(d: Dashboard) -> dict[str, Table]:
    stage_labels = {s.value: STAGE[s] for s in Stage} | {"": _("Not recorded")}
    tables = [
        funnel_table(d),
        breakdown_table("department", str(_("Per department")), str(_("Department")), d.by_department),
        breakdown_table("vacancy", str(_("Per vacancy")), str(_("Vacancy")), d.by_vacancy),
        breakdown_table("stage", str(_("By stage reached")), str(_("Stage")), d.by_stage, stage_labels),
        breakdown_table("reason", str(_("By rejection reason")), str(_("Reason")), d.by_reason, REASON_LABELS),
        Table("trend", str(_("Month by month")),
              [str(_("Month")), str(STEP_LABELS["invited"]), str(STEP_LABELS["booked"]),
               str(STEP_LABELS["attended"]), str(STEP_LABELS["hired"])],
              [[m["month"], cell(m["invited"]), cell(m["booked"]), cell(m["attended"]), cell(m["hired"])]
               for m in d.trend]),
        Table("seats", str(_("Seat use of the most recent sessions")),
              [str(_("Session")), str(_("Slots offered")), str(STEP_LABELS["attended"]), str(STEP_LABELS["no_show"]),
               str(_("Seats used"))],
              [[format_date(local(s["starts_at"]).date(), "medium"), s["offered"], cell(s["attended"]),
                cell(s["no_show"]), rate(s["attended"] + s["no_show"], s["offered"])] for s in d.seats]),
        Table("cancel_reasons", str(_("Why candidates cancelled")),
              [str(_("Reason")), str(_("People"))],
              [[str(CANCEL_REASON.get(reason, reason)), cell(people)] for reason, people in d.cancel_reasons.items()]),
        Table("recruiters", str(_("Recruiter time")),
              [str(_("Recruiter")), str(_("Year")), str(_("Conversations")), str(_("Hours"))],
              [[r["recruiter"] or str(_("Unknown")), r["year"], r["conversations"], r["hours"]]
               for r in d.recruiters]),
    ]
    return {t.key: t for t in tables}
