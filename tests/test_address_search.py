"""A whole e-mail address as the search term is looked up through an index (migration 0015), not matched as a
piece of every row: the statements the list pages issue are explained on the database under test."""

from email.utils import formataddr

import pytest

from app.extensions import db
from app.models import AuditEntry, OutboxMessage, OutboxStatus
from tests.helpers import statements_of_get
from tests.talent.helpers import add_member

# (page, table searched, the index that must find the address)
SEARCHES = [
    ("/recruiter/candidates/?q=Jan%40Example.org", "candidate", "ix_candidate_email_lower"),
    ("/recruiter/talent/?q=jan%40example.org", "candidate", "ix_candidate_email_lower"),
    ("/recruiter/outbox/?q=JAN%40example.org", "outbox_message", "ix_outbox_message_to_email_lower_id"),
    ("/admin/audit/?user=jan%40example.org", "audit_entry", "ix_audit_entry_user_email_lower_id"),
]


def _plan(statement: str, parameters) -> str:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(row[-1] for row in rows)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a few rows: the table would be read whole
    return "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))


@pytest.mark.parametrize(("path", "table", "index"), SEARCHES)
def test_a_whole_address_is_found_through_its_index(app, auth, client, make_candidate, path, table, index):
    for name, email in (("Jan Jansen", "jan@example.org"), ("Marjan Smit", "marjan@example.org"),
                        ("Piet Pol", "piet@example.org")):
        candidate, _ = make_candidate(name=name, email=email)
        add_member(candidate)
        db.session.add(OutboxMessage(kind="rejection", candidate_id=candidate.id,
                                     to_address=formataddr((name, email)), subject="Je sollicitatie",
                                     body_text="Beste", body_html="<p>Beste</p>", status=OutboxStatus.SENT))
        db.session.add(AuditEntry(user_email=email, action="note_viewed"))
    db.session.commit()
    auth.login("admin" if path.startswith("/admin") else "recruiter")

    searched = [(s, p) for s, p in statements_of_get(client, path) if "lower(" in s and table in s]
    assert searched, path
    for statement, parameters in searched:
        plan = _plan(statement, parameters)
        assert index in plan, plan
        if db.engine.dialect.name == "sqlite":
            assert f"SCAN {table}" not in plan, plan
        else:
            assert f"Seq Scan on {table}" not in plan, plan
    db.session.rollback()
