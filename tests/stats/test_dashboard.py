"""The HR figures, on a hand-built history: funnel, attribution, suppression, export, erasure."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event

from app.events import record_event
from app.extensions import db
from app.models import Candidate, Stage
from app.stats.export import safe_cell, to_csv
from app.stats.queries import Period, dashboard_data

NOW = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
YEAR = Period(NOW - timedelta(days=365), NOW)


def person(n: int, department: str = "Cardiologie", stage: Stage = Stage.INTERVIEW, reason: str = "experience"):
    candidate = Candidate(name=f"Persoon {n}", email=f"p{n}@example.org", vacancy="Verpleegkundige",
                          department=department, stage=stage, rejected_on=date(2026, 5, 1),
                          rejection_reason=reason, language="nl")
    db.session.add(candidate)
    db.session.flush()
    return candidate


def journey(candidate, *steps, start=datetime(2026, 5, 2, 9, tzinfo=UTC)):
    for offset, (kind, value) in enumerate(steps):
        record_event(kind, candidate, at=start + timedelta(days=offset), value=value)


@pytest.fixture
def history(app):
    """Ten people with the awkward cases: a no-show, a late cancel, a re-application without a hire,
    a hire without a feedback conversation (not attributed) and one attributed hire."""
    people = [person(n) for n in range(10)]
    for p in people[:8]:
        journey(p, ("invited", None))
    for p in people[:6]:
        journey(p, ("booked", None), start=datetime(2026, 5, 3, tzinfo=UTC))
    for p in people[:4]:
        journey(p, ("attended", None), start=datetime(2026, 6, 1, tzinfo=UTC))
    journey(people[4], ("no_show", None), start=datetime(2026, 6, 1, tzinfo=UTC))
    journey(people[5], ("cancelled", None), ("cancelled_late", None), start=datetime(2026, 5, 30, tzinfo=UTC))
    journey(people[0], ("suitable", None), ("joined_pool", None), ("reapplied", None), ("hired", 1),
            start=datetime(2026, 7, 1, tzinfo=UTC))
    journey(people[1], ("joined_pool", None), ("reapplied", None), start=datetime(2026, 7, 1, tzinfo=UTC))
    # Hired without ever having a feedback conversation: counts as a hire, not attributed.
    journey(people[9], ("reapplied", None), ("hired", 0), start=datetime(2026, 8, 1, tzinfo=UTC))
    # Outside the period: must not count.
    journey(people[7], ("booked", None), start=NOW + timedelta(days=3))
    db.session.commit()
    return people


def test_funnel_counts_each_step_once_per_person(history):
    funnel = dashboard_data(YEAR).funnel
    assert funnel["invited"] == 8
    assert funnel["booked"] == 6
    assert funnel["attended"] == 4
    assert funnel["no_show"] == 1
    assert funnel["cancelled_late"] == 1
    assert funnel["suitable"] == 1
    assert funnel["joined_pool"] == 2
    assert funnel["reapplied"] == 3
    assert funnel["hired"] == 2
    assert funnel["hired_attributed"] == 1


def test_headline_counts_only_attributed_hires(history):
    headline = dashboard_data(YEAR).headline
    assert headline["hired_attributed"] == 1
    assert headline["signed_up"] == 7


def test_breakdown_cells_under_five_are_suppressed_on_screen_and_in_csv(history, client, auth):
    auth.login("hr")
    page = client.get("/hr/?period=custom&from=2025-11-02&to=2026-10-31").get_data(as_text=True)
    assert "&lt; 5" in page
    assert "Persoon" not in page and "@example.org" not in page
    rows = list(csv.reader(io.StringIO(client.get(
        "/hr/export/department.csv?period=custom&from=2025-11-02&to=2026-10-31").get_data(as_text=True).lstrip("\ufeff"))))
    cardiology = next(r for r in rows if r[0] == "Cardiologie")
    header = rows[0]
    assert cardiology[1] == "8"  # invited: 8 people, shown
    assert cardiology[header.index(header[2])] == "6"  # booked
    assert cardiology[3] == "< 5"  # attended: 4 people, suppressed
    assert "< 5" not in cardiology[1:3]


def test_hr_never_sees_names_or_notes_and_recruiters_cannot_open_the_dashboard(history, client, auth):
    auth.login("recruiter")
    assert client.get("/hr/").status_code == 403
    assert client.get("/hr/export/funnel.csv").status_code == 403


def test_the_dashboard_issues_a_fixed_number_of_queries(app, client, auth):
    auth.login("hr")

    def count_queries() -> int:
        statements = []
        def listener(conn, cursor, statement, *rest):
            if not statement.startswith("BEGIN"):  # SQLite's transaction start is not a query
                statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/hr/").status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return statements

    empty = len(count_queries())
    for n in range(40):
        p = person(100 + n, department=f"Afdeling {n % 7}")
        journey(p, ("invited", None), ("booked", None), ("attended", None),
                start=datetime.now(UTC) - timedelta(days=30))
    db.session.commit()
    full = count_queries()
    assert len(full) == empty, full
    assert empty <= 15


def test_erasing_people_leaves_every_count_unchanged(history):
    before = dashboard_data(YEAR)
    for candidate in history:
        db.session.delete(candidate)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Candidate.id))) == 0
    after = dashboard_data(YEAR)
    assert after.funnel == before.funnel
    assert after.by_department == before.by_department
    assert after.by_stage == before.by_stage
    assert after.by_reason == before.by_reason
    assert after.headline == before.headline


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_csv_cells_cannot_start_a_formula(dangerous):
    assert safe_cell(dangerous).startswith("'")
    document = to_csv(["Afdeling", "Aantal"], [[dangerous, 3]], semicolon=True)
    row = list(csv.reader(io.StringIO(document), delimiter=";"))[1]
    assert row[0].startswith("'") and row[1] == "3"


def test_formula_in_a_department_name_is_neutralised_in_the_export(app, client, auth):
    p = person(1, department="=cmd|' /C calc'!A0")
    journey(p, ("invited", None), start=datetime.now(UTC) - timedelta(days=2))
    db.session.commit()
    auth.login("admin")
    body = client.get("/hr/export/department.csv").get_data(as_text=True)
    assert "'=cmd" in body
    assert "\n=cmd" not in body and ",=cmd" not in body


def test_semicolon_export_uses_decimal_commas(app):
    document = to_csv(["Recruiter", "Uren"], [["Rita", 10.5]], semicolon=True)
    assert "Rita;10,5" in document


def test_invitation_speed_and_period_parsing(app, client, auth):
    fast, slow = person(1), person(2)
    rejected = datetime(2026, 5, 1, tzinfo=UTC)
    record_event("invited", fast, at=rejected + timedelta(hours=20))
    record_event("invited", slow, at=rejected + timedelta(days=10))
    db.session.commit()
    speed = dashboard_data(YEAR).speed
    assert speed["invited"] == 2 and speed["within_day"] == 1 and speed["within_week"] == 1
    auth.login("hr")
    page = client.get("/hr/?period=quarter&quarter=2026-Q7").get_data(as_text=True)
    assert 'class="notice notice-info"' in page  # unreadable period: a message, not a 500


def test_the_monthly_rollup_equals_a_rebuild_from_the_event_log(history):
    """Kept up to date event by event, the roll-up must be what a recount from the log gives."""
    from app.events.rollup import rebuild
    from app.models import StatMonth

    def rows():
        return sorted((r.month, r.kind, r.dimension, r.dim_value, r.people, r.value_sum, r.value_n)
                      for r in db.session.scalars(sa.select(StatMonth)) if r.people or r.value_n)

    incremental = rows()
    assert incremental  # the history was counted as it was recorded
    rebuild()
    assert rows() == incremental


def test_a_person_counts_once_per_step_even_across_months(app):
    p = person(1)
    record_event("booked", p, at=datetime(2026, 3, 5, tzinfo=UTC))
    record_event("cancelled", p, at=datetime(2026, 3, 6, tzinfo=UTC))
    record_event("booked", p, at=datetime(2026, 5, 5, tzinfo=UTC))  # booked again, two months on
    db.session.commit()
    assert dashboard_data(YEAR).funnel["booked"] == 1
    trend = {m["month"]: m["booked"] for m in dashboard_data(YEAR).trend}
    assert trend == {"2026-03": 1}


def test_correcting_an_outcome_recounts_the_figures(app):
    from app.events import forget_events

    p = person(1)
    record_event("no_show", p, at=datetime(2026, 6, 1, tzinfo=UTC), feedback_session_id=None)
    db.session.commit()
    assert dashboard_data(YEAR).funnel["no_show"] == 1
    forget_events("no_show", p)
    record_event("attended", p, at=datetime(2026, 6, 1, tzinfo=UTC))
    db.session.commit()
    funnel = dashboard_data(YEAR).funnel
    assert funnel["no_show"] == 0 and funnel["attended"] == 1


def test_events_recorded_for_many_at_once_count_each_person_once(app):
    """A selection's events in one go: who had the event before, and who appears twice, count once."""
    from app.events import record_events
    from app.events.rollup import rebuild
    from app.models import StatMonth

    people = [person(n, department=("Cardiologie", "Neurologie")[n % 2]) for n in range(6)]
    record_event("booked", people[0], at=datetime(2026, 4, 2, tzinfo=UTC))
    record_events("booked", people + [people[1]], at=datetime(2026, 5, 2, tzinfo=UTC))
    db.session.commit()
    assert dashboard_data(YEAR).funnel["booked"] == 6
    trend = {m["month"]: m["booked"] for m in dashboard_data(YEAR).trend}
    assert trend == {"2026-04": 1, "2026-05": 5}

    def rows():
        return sorted((r.month, r.kind, r.dimension, r.dim_value, r.people) for r in db.session.scalars(
            sa.select(StatMonth)) if r.people)

    incremental = rows()
    rebuild()
    assert rows() == incremental
