"""Every staff list page issues the same number of SQL statements whatever the size of the history: counted
on a small synthetic history and again on one ten times larger (more rows than a page, more sessions than
the list shows, an outbox and an audit log longer than a page), filtered, searched and paged."""

import sqlalchemy as sa

from app.audit.services import record_audit
from app.extensions import db
from app.models import AuditEntry, Candidate, OutboxMessage, OutboxStatus, PoolTag
from app.synthetic import generate_history
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import statements_of_get

PAGES = [
    "/recruiter/candidates/",
    "/recruiter/candidates/?status=not_invited",
    "/recruiter/candidates/?status=booked",
    "/recruiter/candidates/?vacancy={vacancy}",
    "/recruiter/candidates/?department={department}&status=attended",
    "/recruiter/candidates/?q=a",
    "/recruiter/candidates/?q={email}",
    "/recruiter/candidates/?page=3",
    "/recruiter/talent/",
    "/recruiter/talent/?skill={skill}",
    "/recruiter/talent/?q=e",
    "/recruiter/talent/?q={email}",
    "/recruiter/talent/?page=2",
    "/recruiter/outbox/",
    "/recruiter/outbox/?status=failed",
    "/recruiter/outbox/?kind=rejection&q=example",
    "/recruiter/outbox/?q={email}",
    "/recruiter/outbox/?page=2",
    "/recruiter/sessions/",
    "/recruiter/sessions/?page=2",
    "/admin/audit/",
    "/admin/audit/?action=note_viewed",
    "/admin/audit/?user=recruiter&page=2",
    "/admin/audit/?user={user}",
]


def _grow_to(n: int, recruiter) -> dict[str, str]:
    """The synthetic history of ``n`` candidates, an outbox message per candidate (one in ten failed) and an
    audit line per candidate; the values the filters of PAGES use."""
    generate_history(n, seed=3)
    candidates = db.session.execute(sa.select(Candidate.id, Candidate.email)).all()
    db.session.execute(sa.insert(OutboxMessage), [
        {"kind": "rejection", "candidate_id": cid, "to_address": email, "subject": "Je sollicitatie",
         "body_text": "Beste", "body_html": "<p>Beste</p>",
         "status": OutboxStatus.FAILED if cid % 10 == 0 else OutboxStatus.SENT}
        for cid, email in candidates
    ])
    db.session.execute(sa.insert(AuditEntry), [
        {"user_id": recruiter.id, "user_email": recruiter.email, "action": "note_viewed", "target_type": "booking",
         "target_id": cid} for cid, _email in candidates
    ])
    record_audit("export", target_type="hr_table", actor=recruiter)
    db.session.commit()
    vacancy, department, email = db.session.execute(
        sa.select(Candidate.vacancy, Candidate.department, Candidate.email).order_by(Candidate.id).limit(1)).one()
    skill = db.session.scalar(sa.select(PoolTag.value).where(PoolTag.kind == "skill").limit(1))
    return {"vacancy": vacancy, "department": department, "skill": skill or "SQL", "email": email,
            "user": recruiter.email}


def test_list_pages_issue_as_many_statements_for_a_large_history_as_for_a_small_one(app, make_user):
    recruiter, admin = make_user("recruiter"), make_user("admin")
    clients = {}
    for user in (recruiter, admin):
        clients[user] = app.test_client()
        assert clients[user].post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302

    def count_all(values: dict[str, str]) -> dict[str, int]:
        return {path: len(statements_of_get(clients[admin if path.startswith("/admin") else recruiter],
                                            path.format(**values)))
                for path in PAGES}

    small = count_all(_grow_to(500, recruiter))
    large = count_all(_grow_to(2500, recruiter))
    assert db.session.scalar(sa.select(sa.func.count(Candidate.id))) >= 2500
    assert {path: (small[path], large[path]) for path in PAGES if small[path] != large[path]} == {}
