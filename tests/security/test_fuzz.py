"""Arbitrary text, unicode, huge and empty values at every public and staff form, in the query string of
every GET route (as every role) and in every JSON body: never a 500, and the database stays consistent
(what was stored before is still there, no half-written rows)."""

import inspect
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.database import utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, Candidate, FeedbackSession, Slot, User
from tests.fixtures.staff import STAFF_PASSWORD

NASTY = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(["", " ", "\x00", "\r\n=cmd|' /C calc'!A0", "-1", "0", "99999999999999999999", "1e308",
                     "'; DROP TABLE candidate; --", "<script>alert(1)</script>", "2026-02-30", "25:99",
                     "../../etc/passwd", "💥" * 50, "a" * 20000]),
)

FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')


def form_fields(html: str) -> list[str]:
    return sorted({name for name in FIELD.findall(html) if name != "csrf_token"})


@pytest.fixture
def scene(app, make_session, make_candidate, make_user):
    feedback_session = make_session()
    past = make_session(days_ahead=-1)
    candidate, token = make_candidate(expires_at=utcnow() + timedelta(days=30))
    attended, attended_token = make_candidate()
    booking = Booking(candidate=attended, slot=past.slots[0], status=BookingStatus.ATTENDED, topics=["improve"],
                      uid="fuzz@test", outcome_recorded_at=utcnow())
    db.session.add(booking)
    db.session.commit()
    admin = make_user("admin")
    return {"session": feedback_session, "token": token, "attended_token": attended_token, "booking": booking,
            "candidate": candidate, "admin": admin}


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Candidate, FeedbackSession, Slot, User)}


def _fuzz_form(client, page_url: str, post_url: str, data_strategy, check):
    fields = form_fields(client.get(page_url).get_data(as_text=True))
    assert fields, f"no form fields found on {page_url}"

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries(dict.fromkeys(fields, data_strategy)))
    def run(data):
        response = client.post(post_url, data=data)
        assert response.status_code < 500, (post_url, data, response.status_code)
        check()

    run()


def _booking_invariants():
    active = db.session.execute(sa.select(Booking.slot_id, sa.func.count()).where(
        Booking.status != BookingStatus.CANCELLED).group_by(Booking.slot_id).having(sa.func.count() > 1)).all()
    assert active == []


CANDIDATE_FORMS = [
    ("/b/{token}", "/b/{token}/book"),
    ("/", "/link"),
    ("/b/{token}/privacy", "/b/{token}/privacy/erase"),
    ("/b/{attended_token}/survey", "/b/{attended_token}/survey"),
    ("/b/{token}/pool", "/b/{token}/pool"),
]


@pytest.mark.parametrize("page,target", CANDIDATE_FORMS)
def test_candidate_forms_survive_anything(app, client, scene, page, target):
    fill = {k: v for k, v in scene.items() if isinstance(v, str)}
    before = counts()

    def check():
        _booking_invariants()
        after = counts()
        # Only an erasure may remove a candidate; nothing else disappears.
        assert after["FeedbackSession"] == before["FeedbackSession"] and after["Slot"] == before["Slot"]

    _fuzz_form(client, page.format(**fill), target.format(**fill), NASTY, check)


STAFF_FORMS = [
    ("/recruiter/sessions/new", "/recruiter/sessions/new"),
    ("/recruiter/sessions/{feedback_session_id}/edit", "/recruiter/sessions/{feedback_session_id}/edit"),
    ("/recruiter/sessions/plan", "/recruiter/sessions/plan"),
    ("/recruiter/candidates/new", "/recruiter/candidates/new"),
    ("/recruiter/candidates/{candidate_id}/rejection", "/recruiter/candidates/{candidate_id}/rejection"),
    ("/recruiter/candidates/templates/nl/interview", "/recruiter/candidates/templates/nl/interview"),
    ("/recruiter/bookings/{booking_id}/notes", "/recruiter/bookings/{booking_id}/notes"),
    ("/recruiter/bookings/{booking_id}/outcome", "/recruiter/bookings/{booking_id}/outcome"),
    ("/recruiter/bookings/{booking_id}/summary", "/recruiter/bookings/{booking_id}/summary"),
    ("/recruiter/talent/hires/new", "/recruiter/talent/hires/new"),
    ("/recruiter/talent/reapplications/new", "/recruiter/talent/reapplications/new"),
    ("/recruiter/feedback-rules", "/recruiter/feedback-rules"),
    ("/admin/users", "/admin/users"),
    ("/admin/account/password", "/admin/account/password"),
    ("/hr/", "/hr/"),
]


@pytest.mark.parametrize("page,target", STAFF_FORMS)
def test_staff_forms_survive_anything(app, scene, page, target):
    client = app.test_client()
    assert client.post("/login", data={"email": scene["admin"].email, "password": STAFF_PASSWORD}).status_code == 302
    fill = {"feedback_session_id": scene["session"].id, "candidate_id": scene["candidate"].id,
            "booking_id": scene["booking"].id}
    page, target = page.format(**fill), target.format(**fill)
    if target == "/hr/":
        # The dashboard's form is a GET with query parameters.
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(st.dictionaries(st.sampled_from(["period", "month", "quarter", "year", "from", "to"]), NASTY))
        def run(query):
            assert client.get("/hr/", query_string=query).status_code == 200

        run()
        return
    _fuzz_form(client, page, target, NASTY, _booking_invariants)


# --- query strings of every GET route, as every role --------------------------------------------------

# The keys views read (app/core/query.py) and keys that collide with url_for's own; any other text too.
QUERY_KEYS = ["page", "q", "status", "kind", "vacancy", "department", "skill", "user", "action", "from", "to",
              "period", "month", "quarter", "year", "sep", "notes", "print", "email", "ids", "next", "lang",
              "name", "_external", "_scheme", "_anchor"]
QUERY_VALUES = st.one_of(
    NASTY,
    st.sampled_from(["\\", "%", "_", "a\x00b", "9" * 5000, "-99999999999999999999", "0001-01-01", "9999-12-31",
                     "2026-Q5", "0001-Q1", "9999-12", "javascript:alert(1)", "//evil.example/", "1,2,x", "nl", "1"]),
)
QUERIES = st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), st.text(max_size=8)), QUERY_VALUES), max_size=4)


@pytest.fixture
def walk(app, scene, make_user):
    """Every GET route with its path parameters filled from stored objects, and a client per role."""
    from flask import url_for

    from app.models import FeedbackRule, OutboxMessage, PoolMembership, PoolSource, PoolTag
    from app.sessions.feed import issue_feed_token

    recruiter = make_user("recruiter")
    membership = PoolMembership(candidate=scene["candidate"], source=PoolSource.RECRUITER, consented_at=utcnow(),
                                expires_at=utcnow() + timedelta(days=300))
    db.session.add(membership)
    db.session.flush()
    tag = PoolTag(membership_id=membership.id, kind="skill", value="Excel")
    rule = FeedbackRule(language="nl", category="vague", pattern="vaag", suggestion="Wees concreet")
    message = OutboxMessage(kind="test", candidate_id=scene["candidate"].id, to_address="x@example.org",
                            subject="Test", body_text="t", body_html="<p>t</p>")
    db.session.add_all([tag, rule, message])
    feed_token = issue_feed_token(recruiter)
    from app.integrations.services import create_integration
    from app.webhooks.services import create_endpoint

    integration, _secret = create_integration("Greenhouse")
    endpoint, _secret = create_endpoint("https://hooks.example.org/in", "", ["booking.created"], allow_private=False)
    db.session.commit()
    values = {
        "feedback_session_id": scene["session"].id,
        "booking_id": scene["booking"].id,
        "candidate_id": scene["candidate"].id,
        "token": scene["token"],
        "membership_id": membership.id,
        "tag_id": tag.id,
        "rule_id": rule.id,
        "message_id": message.id,
        "user_id": recruiter.id,
        "import_id": "0" * 22,
        "language": "nl",
        "stage": "interview",
        "code": "en",
        "name": "funnel",
        "filename": "css/app.css",
        "integration_id": integration.id,
        "endpoint_id": endpoint.id,
        "external_id": "ats-1",
    }
    urls = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" in rule.methods:
                arguments = {arg: values[arg] for arg in rule.arguments}
                if rule.endpoint == "sessions.download_feed":
                    arguments["token"] = feed_token
                urls.append(url_for(rule.endpoint, **arguments))
    clients = {"anonymous": app.test_client()}
    for role, user in (("recruiter", recruiter), ("hr", make_user("hr")), ("admin", scene["admin"])):
        clients[role] = app.test_client()
        assert clients[role].post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
    return urls, clients


def _everywhere(value: str, **overrides) -> list[tuple[str, str]]:
    return list((dict.fromkeys(QUERY_KEYS, value) | overrides).items())


# Every key a view may read at once, set to what broke pages before: NUL (PostgreSQL), a number no SQL
# OFFSET or date holds, days outside the calendar, a trailing backslash in a LIKE search (PostgreSQL).
EVERY_KEY_AT_ONCE = [
    _everywhere("a\x00b"),
    _everywhere("99999999999999999999", period="year"),
    _everywhere("9999-12-31", period="custom"),
    _everywhere("0001-01-01", period="custom"),
    _everywhere("\\"),
]


def _refused(response) -> bool:
    return response.status_code in (401, 403) or "/login" in response.headers.get("Location", "")


@pytest.mark.parametrize("role", ["anonymous", "recruiter", "hr", "admin"])
def test_every_get_route_survives_any_query_string(walk, role):
    """Every GET route, as every role: each key at once set to a known troublemaker, then random queries
    (more on the pages the role may open); never a 5xx. A candidate's pages are the same for everyone:
    staff get them once."""
    urls, clients = walk
    client = clients[role]
    assert len(urls) > 30
    failures = []

    @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(QUERIES)
    def run(url, query):
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (role, url, query, response.status_code)

    for url in urls:
        if _refused(client.get(url)) or (role != "anonymous" and url.startswith("/b/")):
            examples = EVERY_KEY_AT_ONCE[:1]
        else:
            examples = EVERY_KEY_AT_ONCE
            run(url)
        for query in examples:
            status = client.get(url, query_string=query).status_code
            if status >= 500:
                failures.append((url, dict(query), status))
    assert failures == []


# --- JSON bodies ---------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | NASTY,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(["text", "language"]) | NASTY,
                                                                       children, max_size=4),
    max_leaves=12,
)
JSON_BODIES = st.one_of(
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries({"text": NASTY, "language": NASTY}).map(lambda value: json.dumps(value).encode()),
    st.integers(1, 20_000).map(lambda depth: ("[" * depth + "]" * depth).encode()),
    st.integers(1, 5000).map(lambda depth: ('{"text": "x", "language": ' + "[" * depth + "]" * depth + "}").encode()),
    st.binary(max_size=200),
)


def json_endpoints(app) -> list[str]:
    """The POST routes whose view reads a JSON body (app/core/query.py's json_body)."""
    with app.test_request_context():
        from flask import url_for

        return [url_for(rule.endpoint) for rule in app.url_map.iter_rules()
                if "POST" in rule.methods and not rule.arguments
                and "json_body(" in inspect.getsource(app.view_functions[rule.endpoint])]


def test_json_endpoints_survive_any_body(app, scene):
    client = app.test_client()
    assert client.post("/login", data={"email": scene["admin"].email, "password": STAFF_PASSWORD}).status_code == 302
    endpoints = json_endpoints(app)
    assert "/recruiter/feedback-check" in endpoints

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.sampled_from(endpoints), JSON_BODIES)
    def run(url, body):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code < 500, (url, body[:80], response.status_code)
        assert response.is_json, (url, body[:80])
        if response.status_code == 400:
            assert response.get_json().get("error"), (url, body[:80])

    run()
