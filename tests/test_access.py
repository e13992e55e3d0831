"""Every route in the URL map, as an anonymous visitor, a recruiter, HR and an admin.

Endpoints are classified here by hand; anything not named below is a recruiter page. A new route that
is protected differently from its class makes this test fail, and so does any 500.
"""

from datetime import timedelta

import pytest
from flask import url_for

from app.auth.decorators import allowed_roles
from app.database import utcnow
from app.extensions import db
from app.integrations.services import create_api_key, create_integration
from app.models import (
    AdviceSnippet,
    Booking,
    BookingStatus,
    FeedbackRule,
    OutboxMessage,
    PoolMembership,
    PoolSource,
    PoolTag,
    PreparationNote,
    Role,
    Topic,
)
from app.webhooks.events import queue_test_event
from app.webhooks.services import create_endpoint
from tests.fixtures.staff import STAFF_PASSWORD

PUBLIC = {
    "main.show_home",
    "main.check_health",
    "main.request_link",
    "main.set_language",
    "auth.sign_in",
    "auth.sign_out",
    "privacy.show_erased",
    "static",
    "sessions.download_feed",
    "auth.start_oidc_sign_in",
    "auth.finish_oidc_sign_in",
}
# The JSON API opens with API keys and webhook signatures only: a staff member's cookie opens nothing there.
API_BLUEPRINTS = {"api"}
CANDIDATE_LINK_BLUEPRINTS = {"booking", "privacy", "pool", "survey", "talent_link"}
HR_AND_ADMIN = {"stats.show_dashboard", "stats.export_table"}
ADMIN_ONLY = {"admin.create_user", "admin.edit_user", "admin.list_users", "admin.reset_password",
              "admin.toggle_user_active", "audit.list_entries", "notes.add_rule", "notes.delete_rule",
              "integrations.list_integrations", "integrations.create_integration", "integrations.edit_integration",
              "integrations.create_api_key", "integrations.revoke_api_key", "integrations.rotate_webhook_secret"}
ADMIN_BLUEPRINTS = {"webhooks"}
EVERY_STAFF_MEMBER = {"auth.change_own_password"}


def kind_of(endpoint: str) -> str:
    if endpoint in PUBLIC:
        return "public"
    if endpoint.split(".")[0] in API_BLUEPRINTS:
        return "api"
    if endpoint.split(".")[0] in ADMIN_BLUEPRINTS:
        return "admin"
    if endpoint.split(".")[0] in CANDIDATE_LINK_BLUEPRINTS and endpoint != "privacy.erase_candidate":
        return "candidate"
    if endpoint in HR_AND_ADMIN:
        return "hr"
    if endpoint in ADMIN_ONLY:
        return "admin"
    if endpoint in EVERY_STAFF_MEMBER:
        return "staff"
    return "recruiter"


@pytest.fixture
def world(app, make_session, make_candidate, make_user):
    """One of everything a route can point at."""
    session = make_session(days_ahead=-1)
    candidate, token = make_candidate(expires_at=utcnow() + timedelta(days=30))
    booking = Booking(candidate=candidate, slot=session.slots[0], status=BookingStatus.ATTENDED,
                      topics=["improve"], uid="access@test", outcome_recorded_at=utcnow())
    db.session.add(booking)
    db.session.flush()
    db.session.add(PreparationNote(booking=booking, went_well="Goed voorbereid"))
    membership = PoolMembership(candidate=candidate, source=PoolSource.RECRUITER, consented_at=utcnow(),
                                expires_at=utcnow() + timedelta(days=300))
    db.session.add(membership)
    db.session.flush()
    tag = PoolTag(membership_id=membership.id, kind="skill", value="Excel")
    rule = FeedbackRule(language="nl", category="vague", pattern="vaag", suggestion="Wees concreet")
    message = OutboxMessage(kind="test", candidate_id=candidate.id, to_address="x@example.org", subject="Test",
                            body_text="t", body_html="<p>t</p>")
    target = make_user("recruiter")
    snippet = AdviceSnippet(language="nl", topic=Topic.IMPROVE, title="STARR", body="Oefen drie voorbeelden.")
    db.session.add_all([tag, rule, message, snippet])
    integration, _secret = create_integration("Greenhouse")
    api_key, _key = create_api_key(integration, "ATS", ["rejections:write"], created_by="test")
    endpoint, _secret = create_endpoint("https://hooks.example.org/in", "", ["booking.created"], allow_private=False)
    delivery = queue_test_event(endpoint.id)
    db.session.commit()
    return {
        "feedback_session_id": session.id, "booking_id": booking.id, "candidate_id": candidate.id, "token": token,
        "membership_id": membership.id, "tag_id": tag.id, "rule_id": rule.id, "message_id": message.id,
        "user_id": target.id, "import_id": "0" * 32, "language": "nl", "stage": "interview", "code": "en",
        "name": "funnel", "filename": "css/app.css", "integration_id": integration.id, "key_id": api_key.id,
        "slug": integration.slug, "external_id": "ext-1", "endpoint_id": endpoint.id, "delivery_id": delivery.id,
        "snippet_id": snippet.id,
    }


def routes(app, world):
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
            if rule.endpoint == "auth.sign_out":
                continue  # would sign the client out in the middle of the walk; tested in tests/auth
            url = url_for(rule.endpoint, **{arg: world[arg] for arg in rule.arguments})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, url


def _signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 302
    return client


def test_every_route_answers_each_role_as_its_class_says(app, world, make_user):
    clients = {
        "anonymous": app.test_client(),
        "recruiter": _signed_in(app, make_user("recruiter")),
        "hr": _signed_in(app, make_user("hr")),
        "admin": _signed_in(app, make_user("admin")),
    }
    allowed = {
        "public": {"anonymous", "recruiter", "hr", "admin"},
        "candidate": {"anonymous", "recruiter", "hr", "admin"},
        "recruiter": {"recruiter", "admin"},
        "hr": {"hr", "admin"},
        "admin": {"admin"},
        "staff": {"recruiter", "hr", "admin"},
        "api": set(),
    }
    problems = []
    walked = 0
    for endpoint, method, url in routes(app, world):
        kind = kind_of(endpoint)
        for who, client in clients.items():
            response = client.open(url, method=method, data={})
            walked += 1
            status = response.status_code
            if status >= 500:
                problems.append(f"{who} {method} {url} ({endpoint}): {status}")
            elif kind == "api":
                if status != 401 or not response.is_json:
                    problems.append(f"{who} {method} {url} ({endpoint}): {status}, expected 401 in JSON")
            elif who in allowed[kind]:
                if status in (401, 403):
                    problems.append(f"{who} {method} {url} ({endpoint}): refused with {status}")
            elif who == "anonymous":
                if status != 302 or "/login" not in response.headers.get("Location", ""):
                    problems.append(f"{who} {method} {url} ({endpoint}): {status}, not sent to sign in")
            elif status != 403:
                problems.append(f"{who} {method} {url} ({endpoint}): {status}, expected 403")
    assert problems == []
    assert walked > 200


def test_the_roles_each_view_declares_are_those_of_its_class(app):
    """What ``allowed_roles`` reads (a view's own role check, else its blueprint's ``only_for``) agrees with
    the classes the walk above holds every route to."""
    declared = {
        "public": set(), "candidate": set(), "api": set(),
        "recruiter": {Role.RECRUITER, Role.ADMIN}, "hr": {Role.HR, Role.ADMIN}, "admin": {Role.ADMIN},
        "staff": {Role.RECRUITER, Role.HR, Role.ADMIN},
    }
    with app.app_context():
        wrong = {rule.endpoint: allowed_roles(rule.endpoint) for rule in app.url_map.iter_rules()
                 if set(allowed_roles(rule.endpoint)) != declared[kind_of(rule.endpoint)]}
    assert wrong == {}


def test_hr_never_sees_candidate_names_or_notes_anywhere_it_may_go(app, world, make_user):
    from app.models import Candidate

    candidate = db.session.get(Candidate, world["candidate_id"])
    hr = _signed_in(app, make_user("hr"))
    for endpoint, method, url in routes(app, world):
        if method == "GET" and kind_of(endpoint) in ("hr", "staff"):
            text = hr.get(url).get_data(as_text=True)
            assert candidate.name not in text and candidate.email not in text, url
            assert "Goed voorbereid" not in text, url


def test_one_candidates_link_never_reaches_another_candidates_data(app, world, make_candidate, client):
    other, other_token = make_candidate(name="Andere Persoon", email="andere@example.org")
    from app.models import Candidate

    mine = db.session.get(Candidate, world["candidate_id"])
    for path in ("", "/privacy", "/privacy/data.json", "/survey", "/pool"):
        text = client.get(f"/b/{other_token}{path}").get_data(as_text=True)
        assert mine.name not in text and mine.email not in text, path
    response = client.post(f"/b/{other_token}/cancel", data={"booking": world["booking_id"], "sequence": 0})
    assert response.status_code in (302, 303)
    assert db.session.get(Booking, world["booking_id"]).status == BookingStatus.ATTENDED
