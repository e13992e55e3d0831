"""The audit log records account changes and exports, without content, and only admins read it."""

import sqlalchemy as sa

from app.audit.services import facts_of, record_audit
from app.extensions import db
from app.models import AuditEntry


def _entries(action=None):
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def test_role_change_and_deactivation_are_logged_with_who_did_it(client, auth, make_user):
    admin = auth.login("admin")
    other = make_user("recruiter")
    client.post(f"/admin/users/{other.id}", data={"name": other.name, "role": "hr"})
    client.post(f"/admin/users/{other.id}/active")
    [role] = _entries("role_changed")
    assert role.user_email == admin.email and role.target_id == other.id and facts_of(role) == {
        "email": other.email, "from_role": "recruiter", "to_role": "hr"}
    assert _entries("account_deactivated")[0].target_id == other.id


def test_hr_export_is_logged(client, auth):
    hr = auth.login("hr")
    client.get("/hr/export/funnel.csv")
    [entry] = _entries("export")
    assert entry.user_email == hr.email and facts_of(entry)["table"] == "funnel"


def test_admin_reads_and_filters_the_log_others_cannot(client, auth, app):
    record_audit("erased", target_type="candidate", target_id=7, detail="on request", actor=None)
    record_audit("import", target_type="csv", detail="12 rows", actor=None)
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/audit/?action=erased").get_data(as_text=True)
    assert "on request" in page and "12 rows" not in page
    auth.logout()
    auth.login("recruiter")
    assert client.get("/admin/audit/").status_code == 403


def test_unknown_actions_are_refused(app):
    import pytest

    with pytest.raises(ValueError):
        record_audit("peeked")
