"""`flask demo load` (what `make run` runs): working booking links and staff accounts, safe to repeat."""

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.models import Candidate, FeedbackSession, Invitation, User


def _table_counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Candidate, FeedbackSession,
                                                                                  Invitation, User)]


def test_demo_load_prints_working_links_and_sign_ins_and_can_run_again(app, runner, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    urls = re.findall(r"^(http://\S+/b/\S+)$", first.output, flags=re.M)
    assert len(urls) >= 4
    for url in urls:
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
    accounts = re.findall(r"^\s+(recruiter|hr|admin)\s+(\S+@\S+)\s+password: (\S+)$", first.output, flags=re.M)
    assert {role for role, _, _ in accounts} == {"recruiter", "hr", "admin"}
    for role, email, password in accounts:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, role
        client.post("/logout")

    counts = _table_counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert re.findall(r"^(http://\S+/b/\S+)$", second.output, flags=re.M) == urls
    assert _table_counts() == counts
