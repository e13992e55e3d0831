"""Every sessions page is for recruiters and admins: HR gets 403, an anonymous visitor is sent to
sign in. Only the calendar feed is open, and only with its secret address."""

import pytest

from app.auth.decorators import allowed_roles
from app.models import FeedbackSessionStatus


def _session_routes(app, feedback_session_id: int) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("sessions.") or rule.endpoint == "sessions.download_feed":
            continue
        url = rule.build(
            {"feedback_session_id": feedback_session_id} if "feedback_session_id" in rule.arguments else {}
        )[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url))
    return routes


@pytest.fixture
def routes(app, make_session):
    feedback_session = make_session(status=FeedbackSessionStatus.DRAFT)
    found = _session_routes(app, feedback_session.id)
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("sessions.")}
    assert {"sessions.list_sessions", "sessions.show_session", "sessions.create_session", "sessions.edit_session",
            "sessions.plan_series", "sessions.publish_session", "sessions.close_session",
            "sessions.cancel_session"} <= endpoints
    return found


def test_anonymous_visitors_are_sent_to_sign_in(english_client, routes):
    for method, url in routes:
        response = english_client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.location, (method, url)


def test_hr_gets_403_everywhere(english_client, auth, routes):
    auth.login("hr")
    for method, url in routes:
        assert english_client.open(url, method=method).status_code == 403, (method, url)


def test_admins_may_plan_sessions_too(english_client, auth, routes):
    auth.login("admin")
    for method, url in routes:
        if method == "GET":
            assert english_client.open(url, method=method).status_code in (200, 302), url


def test_every_view_but_the_feed_is_role_protected(app):
    with app.app_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("sessions."):
                expected = () if rule.endpoint == "sessions.download_feed" else ("recruiter", "admin")
                assert allowed_roles(rule.endpoint) == expected, rule.endpoint
