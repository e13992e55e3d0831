"""What people and tools put in the address bar or a JSON body never answers with a 500: a NUL in a search
(PostgreSQL refuses it in text), a page number SQL cannot count to, a day the calendar cannot convert, an
id larger than the database holds, a query key that collides with a link's own, JSON nested thousands
deep. Every view reads these through app/core/query.py; these are its regressions, on SQLite and PostgreSQL."""

import re
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from app.audit.services import record_audit
from app.core import query
from app.extensions import db
from app.models import OutboxMessage
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import page_text, set_english

HUGE = "99999999999999999999"


@pytest.fixture
def admin_client(app, auth, client, make_candidate):
    """An admin (who may open every staff page) reading in English, with a candidate and an e-mail to find."""
    make_candidate(name="Eva de Vries", vacancy="Verpleegkundige", department="Cardiologie")
    user = auth.login("admin")
    record_audit("export", target_type="hr_table", detail="test", actor=user)
    db.session.add(OutboxMessage(kind="rejection", to_address="eva@example.org", subject="Beste Eva",
                                 body_text="t", body_html="<p>t</p>"))
    db.session.commit()
    set_english(client)
    return client


SEARCHES = [
    ("/recruiter/candidates/", "q"), ("/recruiter/candidates/", "vacancy"),
    ("/recruiter/candidates/", "department"), ("/recruiter/candidates/", "status"),
    ("/recruiter/talent/", "q"), ("/recruiter/talent/", "skill"), ("/recruiter/talent/", "department"),
    ("/recruiter/outbox/", "q"), ("/recruiter/outbox/", "kind"), ("/recruiter/outbox/", "status"),
    ("/admin/audit/", "user"), ("/admin/audit/", "action"), ("/admin/audit/", "from"), ("/admin/audit/", "to"),
    ("/hr/", "period"), ("/hr/", "from"), ("/hr/", "to"), ("/recruiter/talent/reapplications/new", "email"),
    ("/recruiter/talent/hires/new", "email"), ("/login", "next"), ("/privacy/erased", "lang"),
]


def test_control_characters_and_like_wildcards_in_a_filter_are_no_error(admin_client):
    failures = []
    for page, key in SEARCHES:
        for value in ("Eva\x00", "\x00", "a\x00b\x1f\x7f", "50%_\\", "\\"):
            status = admin_client.get(page, query_string={key: value}).status_code
            if status >= 400:  # /login sends the signed-in on (302)
                failures.append((page, key, value, status))
    assert failures == []


def test_a_nul_in_a_filter_is_dropped_and_the_filter_still_works(admin_client):
    for page, key, value, found in (
        ("/recruiter/candidates/", "q", "Eva\x00", "Eva de Vries"),
        ("/recruiter/candidates/", "vacancy", "Verpleeg\x00kundige", "Eva de Vries"),
        ("/recruiter/candidates/", "department", "\x00Cardiologie", "Eva de Vries"),
        ("/recruiter/outbox/", "q", "beste\x00 eva", "Beste Eva"),
        ("/recruiter/outbox/", "kind", "rejection\x00", "Beste Eva"),
    ):
        response = admin_client.get(page, query_string={key: value})
        assert response.status_code == 200 and found in page_text(response), (page, key)


def test_a_search_for_a_wildcard_finds_only_the_wildcard(admin_client):
    assert "Beste Eva" not in page_text(admin_client.get("/recruiter/outbox/", query_string={"q": "%"}))
    assert "Beste Eva" not in page_text(admin_client.get("/recruiter/outbox/", query_string={"q": "B_ste"}))
    assert "hr_table" not in page_text(admin_client.get("/admin/audit/", query_string={"user": "_"}))
    assert "HR table" in page_text(admin_client.get("/admin/audit/", query_string={"user": "admin"}))


def test_any_page_number_is_no_error(admin_client):
    failures = []
    for page in ("/admin/audit/", "/recruiter/outbox/", "/recruiter/candidates/", "/recruiter/talent/"):
        for number in (HUGE, "9" * 5000, "-" + HUGE, "1e9", "٣", "0x10", "", "+2"):
            status = admin_client.get(page, query_string={"page": number}).status_code
            if status != 200:
                failures.append((page, number, status))
    assert failures == []


def test_a_page_beyond_the_last_shows_no_rows_and_a_way_back(admin_client):
    text = page_text(admin_client.get("/recruiter/outbox/", query_string={"page": HUGE}))
    assert "Beste Eva" not in text
    assert "Beste Eva" in page_text(admin_client.get("/recruiter/outbox/", query_string={"page": "1"}))


def test_days_outside_the_calendar_in_the_audit_filter_are_ignored(admin_client):
    for args in ({"from": "0001-01-01"}, {"to": "9999-12-31"}, {"from": "9999-12-31", "to": "0001-01-01"},
                 {"from": "2026-02-30"}, {"to": "2026-1-1"}):
        response = admin_client.get("/admin/audit/", query_string=args)
        assert response.status_code == 200 and "HR table" in page_text(response), args


def test_a_period_outside_the_calendar_says_so_and_shows_no_other_period(admin_client):
    for args in ({"period": "custom", "from": "0001-01", "to": "2026-01"},
                 {"period": "custom", "from": HUGE, "to": "1"},
                 {"period": "custom", "from": "9999-12", "to": "9999-12"},
                 {"period": "custom", "from": "0001-01-01", "to": "2026-01-01"},
                 {"period": "custom", "from": "2026-01-01", "to": "9999-12-31"}):
        response = admin_client.get("/hr/", query_string=args)
        assert response.status_code == 200, args
        assert "Type a month as year and month, for example" in page_text(response), args
        assert "Showing whole months" not in page_text(response), args


def test_query_keys_the_dashboard_does_not_know_are_ignored(admin_client):
    for key in ("name", "_external", "_scheme", "_anchor", "_method", "sep"):
        for path in ("/hr/", "/hr/export/funnel.csv"):
            response = admin_client.get(path, query_string={key: "javascript", "period": "12m"})
            assert response.status_code == 200, (path, key, response.status_code)
        body = admin_client.get("/hr/", query_string={key: "javascript"}).get_data(as_text=True)
        exports = re.findall(r'href="([^"]*/export/[^"]*)"', body)
        assert exports and not any("javascript" in link for link in exports), key


def test_the_export_links_keep_the_chosen_period(admin_client):
    body = admin_client.get("/hr/", query_string={"period": "custom", "from": "2025-01\x00", "to": "2025-03"}
                            ).get_data(as_text=True)
    assert 'href="/hr/export/funnel.csv?period=custom&amp;from=2025-01&amp;to=2025-03"' in body


def test_an_id_larger_than_the_database_holds_is_not_found(admin_client):
    for path in ("/recruiter/sessions/{n}", "/recruiter/candidates/{n}", "/admin/users/{n}", "/recruiter/outbox/{n}",
                 "/recruiter/talent/{n}", "/recruiter/bookings/{n}/notes", "/recruiter/sessions/{n}/agenda"):
        assert admin_client.get(path.format(n=HUGE)).status_code == 404, path
        assert admin_client.get(path.format(n=2**31)).status_code == 404, path


def test_a_selection_of_ids_takes_only_ids(admin_client):
    response = admin_client.get("/recruiter/candidates/rejections",
                                query_string={"ids": f"{HUGE},1\x00,-3,x,{2**31}"}, follow_redirects=True)
    assert response.status_code == 200 and "Select one or more candidates first." in page_text(response)


# --- JSON bodies -------------------------------------------------------------------------------------------

CHECK = "/recruiter/feedback-check"


def test_bad_json_is_answered_with_a_clear_json_400(admin_client):
    for body, message in (
        ("[" * 5000 + "]" * 5000, "This JSON is nested too deeply."),
        ('{"text": "x", "language": ' + "[" * 30 + "]" * 30 + "}", "This JSON is nested too deeply."),
        ('{"text": ', "This is not valid JSON."),
        (b"\xff\xfe{}", "This is not valid JSON."),
        ('{"text": 1' + "0" * 5000 + "}", "This is not valid JSON."),
        ('{"text": "' + "a" * 300_000 + '"}', "This request is too large."),
    ):
        response = admin_client.post(CHECK, data=body, content_type="application/json")
        assert response.status_code == 400 and response.is_json, body[:40]
        assert response.get_json() == {"error": message}


def test_json_sent_as_something_else_is_refused_in_json(admin_client):
    response = admin_client.post(CHECK, data='{"text": "x"}', content_type="text/plain")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Send the data as JSON (Content-Type: application/json)."}


def test_the_messages_are_in_dutch_by_default(app, make_user):
    client = app.test_client()
    user = make_user("recruiter")
    assert client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
    response = client.post(CHECK, data="[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "Deze JSON is te diep genest."


def test_good_json_is_still_checked(admin_client):
    response = admin_client.post(CHECK, json={"text": "Je paste niet in het team.", "language": "nl"})
    assert response.status_code == 200 and response.get_json()["warnings"]
    for language in ("\x00", "x" * 10_000, ["nl"], {"nl": 1}, 3):  # a language the portal has not: none first
        response = admin_client.post(CHECK, json={"text": "Je paste niet in het team.", "language": language})
        assert response.status_code == 200 and response.get_json()["warnings"], language


# --- the readers themselves ----------------------------------------------------------------------------------

def test_the_readers_bound_and_clean_what_they_read(app):
    args = MultiDict([("q", "  a\x00b\nc  "), ("long", "x" * 500), ("page", HUGE), ("neg", "-5"), ("bad", "1.5"),
                      ("day", "2026-03-01"), ("old", "1066-10-14"), ("ids", "3,1"), ("ids", "3,x,2"),
                      ("choice", "b"), ("flag", "1")])
    assert query.text_arg("q", args=args) == "ab c"  # NUL gone, the line break one space (app/core/text.py)
    assert query.text_arg("missing", args=args) == ""
    assert len(query.text_arg("long", args=args)) == query.TEXT_MAX_LENGTH
    assert query.page_arg(args=args) == query.MAX_PAGE
    assert query.int_arg("neg", 7, minimum=1, maximum=10, args=args) == 1
    assert query.int_arg("bad", 7, minimum=1, maximum=10, args=args) == 7
    assert query.int_arg("missing", 7, minimum=1, maximum=10, args=args) == 7
    assert query.day_arg("day", args=args) == date(2026, 3, 1)
    assert query.day_arg("old", args=args) is None and query.day_arg("q", args=args) is None
    assert query.id_list_arg("ids", limit=10, args=args) == [3, 1, 2]
    assert query.id_list_arg("ids", limit=2, args=args) == [3, 1]
    assert query.choice_arg("choice", ("a", "b"), args=args) == "b"
    assert query.choice_arg("choice", ("a",), "a", args=args) == "a"
    assert query.flag_arg("flag", args=args) and not query.flag_arg("q", args=args)
    assert query.in_calendar(date.today() + timedelta(days=365 * 100))
