"""The HR figures that HR can trust: one suppression rule for every figure on the page and in every export,
no share over 100 %, a period control that says what is wrong instead of showing another period, exports
with numbers that compute only their own table."""

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.models import Candidate, Stage
from app.stats.presentation import TABLES, funnel_table, share
from app.timeutil import local
from tests.helpers import page_text, set_english

EXPORTS = sorted(TABLES)


def _person(n: int, department: str = "Cardiologie") -> Candidate:
    candidate = Candidate(name=f"Persoon {n}", email=f"p{n}@example.org", vacancy="Verpleegkundige",
                          department=department, stage=Stage.INTERVIEW, rejected_on=date(2026, 1, 5),
                          rejection_reason="experience", language="nl")
    db.session.add(candidate)
    db.session.flush()
    return candidate


def _past_session_day() -> int:
    """Days from today to the 15th of last month: in the past, inside the last 12 months, and a day of the
    month with two digits (so that a date on the page is no small figure)."""
    today = local(utcnow()).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
    return (last_month - today).days


@pytest.fixture
def small_history(app, make_session, make_user):
    """Three people through every step, two no-shows, one late cancellation (with its reason): every count is
    1 to 4."""
    host = make_user("recruiter", name="Rita Recruiter")
    feedback_session = make_session(days_ahead=_past_session_day(), start="16:00", end="18:00", hosts=[host])
    moment = feedback_session.starts_at
    people = [_person(n) for n in range(6)]
    for p in people[:3]:
        for kind, value in (("invited", None), ("booked", None)):
            record_event(kind, p, at=moment - timedelta(days=5), value=value)
        record_event("attended", p, at=moment, feedback_session_id=feedback_session.id, user_id=host.id)
        for kind, value in (("suitable", None), ("joined_pool", None), ("surveyed", 4), ("recommended", 9),
                            ("reapplied", None), ("hired", 1)):
            record_event(kind, p, at=moment + timedelta(days=1), value=value)
    for p in people[3:5]:
        record_event("invited", p, at=moment - timedelta(days=5))
        record_event("booked", p, at=moment - timedelta(days=5))
        record_event("no_show", p, at=moment, feedback_session_id=feedback_session.id)
    record_event("invited", people[5], at=moment - timedelta(days=5))
    record_event("cancelled_late", people[5], at=moment - timedelta(days=1))
    record_event("cancelled", people[5], at=moment - timedelta(days=1), detail="found_job")
    db.session.commit()
    return people


def _figures_text(response) -> str:
    """The page's text without what is no figure of the history: the dates (in <time>), the rule itself."""
    body = response.get_data(as_text=True)
    body = re.sub(r'(?s)<p class="hint" id="suppression-rule">.*?</p>', " ", body)
    body = re.sub(r"(?s)<time\b.*?</time>", " ", body)
    body = re.sub(r'class="chart-tick">\d+<', ">", body)  # the y axis's scale: no count of anyone
    body = re.sub(r"(?s)<(nav|header|footer)\b.*?</\1>", " ", body)
    body = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


SMALL_NUMBER = re.compile(r"(?<![\d.,])[1-4](?![\d.,])")


def test_no_figure_on_the_page_shows_a_count_of_one_to_four(small_history, client, auth):
    auth.login("hr")
    response = client.get("/hr/")
    assert response.status_code == 200
    text = _figures_text(response)
    assert "< 5" in text
    assert SMALL_NUMBER.findall(text) == [], text
    # The average and the score made from three answers are left out too, not only the counts.
    assert "4.0" not in text and "100" not in text


def test_the_rule_is_written_on_the_page(small_history, client, auth):
    auth.login("hr")
    set_english(client)
    text = page_text(client.get("/hr/"))
    assert "A count of 1 to 4 people shows “< 5”, everywhere on this page and in every download" in text


@pytest.mark.parametrize("name", EXPORTS)
def test_no_export_carries_a_count_of_one_to_four(small_history, client, auth, name):
    auth.login("hr")
    for sep in ("", "semicolon"):
        response = client.get(f"/hr/export/{name}.csv", query_string={"sep": sep} if sep else {})
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                               delimiter=";" if sep else ","))
        assert len(rows) > 1, name  # the history has figures for every table
        for row in rows[1:]:
            for value in row[1:]:
                number = value.replace(",", ".")
                if re.fullmatch(r"\d+(\.\d+)?", number):
                    assert not 0 < float(number) < 5, (name, row)


def test_a_share_is_left_out_when_its_part_or_its_base_is_small():
    assert share(3, 100) is None
    assert share(100, 3) is None
    assert share(5, 10) == 50.0
    assert share(0, 10) == 0.0
    assert share(0, 0) is None


def test_no_share_is_ever_over_a_hundred_percent():
    for part in range(0, 40):
        for base in range(0, 40):
            value = share(part, base)
            assert value is None or 0 <= value <= 100


@pytest.fixture
def pool_without_conversations(app):
    """Ten invited, eight booked (who all joined the pool while booking), five attended, six applied again
    and six hired, of whom one after a conversation: joining, re-applying and hiring outnumber attending."""
    people = [_person(n) for n in range(10)]
    at = utcnow() - timedelta(days=20)
    for i, p in enumerate(people):
        record_event("invited", p, at=at)
        if i < 8:
            record_event("booked", p, at=at)
            record_event("joined_pool", p, at=at)
        if i < 5:
            record_event("attended", p, at=at)
        if i >= 4:
            record_event("reapplied", p, at=at)
            record_event("hired", p, at=at, value=1 if i == 4 else 0)
    db.session.commit()
    return people


def test_no_share_over_a_hundred_percent_on_the_page_or_in_the_export(pool_without_conversations, client, auth):
    auth.login("hr")
    set_english(client)
    text = page_text(client.get("/hr/"))
    shares = [float(n.replace(",", ".")) for n in re.findall(r"(\d+(?:[.,]\d+)?)\s?%", text)]
    assert shares and max(shares) <= 100
    assert "Everyone who joined, also without a conversation" in text
    rows = list(csv.reader(io.StringIO(client.get("/hr/export/funnel.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Step", "People", "Share (%)", "Share of"]
    by_step = {row[0]: row for row in rows[1:]}
    assert by_step["Booked"][1:] == ["8", "80.0", "Invited"]  # a share is a number, its base in its own column
    assert by_step["Joined the talent pool"][1:3] == ["8", ""]  # 8 joined of 5 attended: no share, a description
    assert by_step["Hired"][1:3] == ["6", ""]
    assert by_step["Hired after a conversation"][1:] == ["< 5", "", "Attended"]


def test_a_share_the_period_cuts_is_left_out_and_says_why(app, client, auth):
    """Invited in December, booked in January: a January period holds more bookings than invitations."""
    people = [_person(n) for n in range(11)]
    for i, p in enumerate(people):
        if i < 6:
            record_event("invited", p, at=datetime(2025, 12, 10, 12, tzinfo=UTC))
        else:
            record_event("invited", p, at=datetime(2026, 1, 10, 12, tzinfo=UTC))
        record_event("booked", p, at=datetime(2026, 1, 12, 12, tzinfo=UTC))
    db.session.commit()
    auth.login("hr")
    set_english(client)
    text = page_text(client.get("/hr/", query_string={"period": "custom", "from": "2026-01", "to": "2026-01"}))
    assert "Not shown: more than in the step before, who reached that before this period" in text
    assert "400" not in text


def test_the_funnel_takes_each_share_of_the_step_before():
    funnel = dict.fromkeys(("invited", "booked", "attended", "no_show", "suitable", "joined_pool", "reapplied",
                            "hired", "hired_attributed", "cancelled_late"), 0)
    funnel.update(invited=100, booked=50, attended=40, no_show=10, suitable=20, hired_attributed=10, hired=30)
    rows = {row[0]: row for row in funnel_table(funnel).rows}
    assert rows["Booked"][2] == 50.0
    assert rows["Attended"][2] == 80.0
    assert rows["No-show"][2] == 20.0
    assert rows["Suitable after all"][2] == 50.0
    assert rows["Hired after a conversation"][2] == 25.0
    assert rows["Hired"][2] is None


# --- the period control --------------------------------------------------------------------------

BAD_PERIODS = [
    ({"period": "quarter"}, "Choose a period from the list."),
    ({"period": "bogus"}, "Choose a period from the list."),
    ({"period": "custom"}, "Fill in both the first and the last month."),
    ({"period": "custom", "from": "2026-01"}, "Fill in both the first and the last month."),
    ({"period": "custom", "from": "2026-13", "to": "2026-12"}, "Type a month as year and month"),
    ({"period": "custom", "from": "0001-01", "to": "2026-12"}, "Type a month as year and month"),
    ({"period": "custom", "from": "2026-01", "to": "9999-12-31"}, "Type a month as year and month"),
    ({"period": "custom", "from": "januari", "to": "2026-12"}, "Type a month as year and month"),
    ({"period": "custom", "from": "2026-06", "to": "2026-01"}, "The last month lies before the first."),
    ({"period": "this-year", "from": "2026-01", "to": "2026-03"}, "choose “Months of my choice (from – to)”"),
]


@pytest.mark.parametrize(("args", "message"), BAD_PERIODS)
def test_a_bad_period_says_what_to_change_and_shows_no_other_period(app, client, auth, args, message):
    person = _person(1)
    record_event("invited", person, at=utcnow() - timedelta(days=3))
    db.session.commit()
    auth.login("hr")
    set_english(client)
    response = client.get("/hr/", query_string=args)
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "From rejection to rehire" not in text and "Showing whole months" not in text
    export = client.get("/hr/export/funnel.csv", query_string=args)
    assert export.status_code == 400 and message in export.get_data(as_text=True)


def test_a_range_of_months_is_shown_and_kept_in_the_form_and_the_exports(app, client, auth):
    auth.login("hr")
    set_english(client)
    response = client.get("/hr/", query_string={"period": "custom", "from": "2026-02", "to": "2026-04"})
    body = response.get_data(as_text=True)
    assert 'value="2026-02"' in body and 'value="2026-04"' in body
    assert "/hr/export/funnel.csv?period=custom&amp;from=2026-02&amp;to=2026-04" in body
    assert "Showing whole months: February 2026 – April 2026" in page_text(response)


@pytest.mark.parametrize("preset", ["12m", "this-month", "last-month", "this-quarter", "last-quarter", "this-year",
                                    "last-year"])
def test_every_preset_shows_figures(app, client, auth, preset):
    auth.login("hr")
    set_english(client)
    text = page_text(client.get("/hr/", query_string={"period": preset}))
    assert "From rejection to rehire" in text and "Showing whole months" in text


# --- the exports ---------------------------------------------------------------------------------

def _statements_during(client, url: str) -> list[str]:
    statements = []

    def listener(conn, cursor, statement, *rest):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    return statements


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_computes_only_its_own_table(small_history, client, auth, name):
    auth.login("hr")
    figures = [s for s in _statements_during(client, f"/hr/export/{name}.csv")
               if "stat_month" in s or "feedback_session" in s]
    assert len(figures) == 1, figures


def test_a_one_month_chart_has_axes_and_month_labels(app, client, auth):
    people = [_person(n) for n in range(12)]
    at = utcnow() - timedelta(hours=1)
    for p in people:
        record_event("invited", p, at=at)
        record_event("booked", p, at=at)
    db.session.commit()
    auth.login("hr")
    set_english(client)
    body = client.get("/hr/", query_string={"period": "this-month"}).get_data(as_text=True)
    chart = re.search(r'(?s)<svg[^>]*aria-labelledby="trend-chart-title".*?</svg>', body).group(0)
    assert chart.count('class="chart-axis"') == 2
    ticks = re.findall(r'class="chart-tick">([^<]+)<', chart)
    assert "0" in ticks and "15" in ticks  # the y axis runs past the largest figure (12)
    assert f"{local(utcnow()):%b %Y}" in ticks  # the month, written out
