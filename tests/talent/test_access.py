"""Every talent-pool page shows names and addresses: recruiters and admins only. HR gets 403, an
anonymous visitor is sent to sign in, and neither changes anything."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Hire, PoolTag, Reapplication
from tests.talent.helpers import add_member


def _talent_routes(app, membership_id: int, tag_id: int) -> list[tuple[str, str]]:
    """Every talent route in the URL map, with real ids filled in, and each of its methods."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("talent."):
            continue
        path = re.sub(r"<int:membership_id>", str(membership_id), rule.rule)
        path = re.sub(r"<int:tag_id>", str(tag_id), path)
        assert "<" not in path, f"unexpected argument in {rule.rule}"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


@pytest.fixture
def history(make_candidate):
    candidate, _ = make_candidate(email="anna@example.org")
    membership = add_member(candidate, tags={"skill": ["Python"]})
    tag = db.session.scalar(sa.select(PoolTag))
    return membership, tag


def _attempt(client, method: str, path: str):
    data = {"kind": "skill", "value": "Leaked", "email": "anna@example.org", "vacancy": "X", "role": "X",
            "department": "X", "applied_on": "2026-01-01", "start_date": "2026-01-01"}
    return client.get(path) if method == "GET" else client.post(path, data=data)


def test_the_walk_covers_every_page(app, history):
    membership, tag = history
    routes = _talent_routes(app, membership.id, tag.id)
    assert len(routes) >= 8  # list, member, tags, records, re-application and hire forms


def test_hr_gets_403_everywhere_and_changes_nothing(app, english_client, auth, history):
    membership, tag = history
    auth.login("hr")
    for method, path in _talent_routes(app, membership.id, tag.id):
        response = _attempt(english_client, method, path)
        assert response.status_code == 403, (method, path)
        assert b"anna@example.org" not in response.data
    _assert_nothing_changed()


def test_anonymous_is_sent_to_sign_in_everywhere(app, english_client, history):
    membership, tag = history
    for method, path in _talent_routes(app, membership.id, tag.id):
        response = _attempt(english_client, method, path)
        assert response.status_code == 302, (method, path)
        assert "/login" in response.headers["Location"]
    _assert_nothing_changed()


def test_recruiters_and_admins_get_in(app, english_client, auth, history):
    membership, tag = history
    for role in ("recruiter", "admin"):
        auth.login(role)
        for method, path in _talent_routes(app, membership.id, tag.id):
            if method == "GET":
                assert english_client.get(path).status_code == 200, (role, path)
        auth.logout()


def test_the_staff_menu_links_to_the_talent_pool(english_client, auth):
    auth.login("recruiter")
    body = english_client.get("/recruiter/").get_data(as_text=True)
    assert 'href="/recruiter/talent/"' in body


def _assert_nothing_changed():
    db.session.expire_all()
    assert [t.value for t in db.session.scalars(sa.select(PoolTag))] == ["Python"]
    assert db.session.scalar(sa.select(sa.func.count(Reapplication.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Hire.id))) == 0
