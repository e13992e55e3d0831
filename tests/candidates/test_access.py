"""Every candidates page shows names and addresses: anonymous visitors are sent to sign in, HR gets
403, on every route and method, and nothing changes."""

import pytest

from tests.candidates.helpers import snapshot

ARGUMENTS = {"import_id": "A" * 22, "language": "nl", "stage": "interview"}


def _routes(app, candidate_id: int) -> list[tuple[str, str]]:
    routes = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("candidates."):
            continue
        values = {name: ARGUMENTS.get(name, candidate_id) for name in rule.arguments}
        url = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url))
    return routes


@pytest.fixture
def routes(app, make_candidate):
    candidate, _ = make_candidate()
    found = _routes(app, candidate.id)
    assert len(found) >= 14  # every page and form of the feature
    return found


def test_anonymous_visitors_are_sent_to_sign_in(app, english_client, routes):
    before = snapshot()
    for method, url in routes:
        response = english_client.open(url, method=method, data={"mode": "good_rows", "ids": "1"})
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"], (method, url)
    assert snapshot() == before


def test_hr_gets_403_everywhere(app, english_client, auth, routes):
    auth.login("hr")
    before = snapshot()
    for method, url in routes:
        response = english_client.open(url, method=method, data={"mode": "good_rows", "ids": "1"})
        assert response.status_code == 403, (method, url)
        assert "Kandidaat" not in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["recruiter", "admin"])
def test_recruiters_and_admins_see_every_page(app, english_client, auth, make_candidate, role):
    candidate, _ = make_candidate()
    auth.login(role)
    for method, url in _routes(app, candidate.id):
        if method == "GET":
            response = english_client.get(url, query_string={"ids": str(candidate.id)})
            assert response.status_code == 200, url


def test_a_recruiter_revokes_a_candidates_links_and_they_stop_working(app, english_client, recruiter, make_candidate):
    candidate, token = make_candidate()
    visitor = app.test_client()
    assert visitor.get(f"/b/{token}").status_code == 200
    page = english_client.get(f"/recruiter/candidates/{candidate.id}").get_data(as_text=True)
    assert "Revoke all links" in page
    response = english_client.post(f"/recruiter/candidates/{candidate.id}/links/revoke")
    assert response.status_code == 302
    assert visitor.get(f"/b/{token}").status_code == 410
    assert "Revoke all links" not in english_client.get(f"/recruiter/candidates/{candidate.id}").get_data(as_text=True)
