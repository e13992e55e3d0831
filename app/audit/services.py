"""Writing and reading the audit log. Entries name the action and its target, never the content.

An entry's details are facts (``facts={"warnings": [...]}``), kept as JSON and put into words when a page
shows them (``describe``), so that a Dutch page reads Dutch whatever the language of the person who acted.
"""

import json
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_login import current_user

from app.core.pagination import Page, fetch_page
from app.core.text import contains, is_whole_address, same_address
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry

ACTIONS = (
    "note_viewed", "note_changed", "summary_sent", "export", "import", "erased", "data_downloaded",
    "role_changed", "account_created", "account_deactivated", "account_activated", "password_reset",
    "feedback_rule_changed", "outbox_viewed", "warning_overridden",
    "integration_created", "integration_changed", "api_key_created", "api_key_revoked", "api_used",
    "webhook_received", "follow_up_changed", "webhook_endpoint_created", "webhook_endpoint_changed",
    "webhook_delivery_retried", "role_source_changed", "signed_in_with_oidc",
    "call_recorded", "advice_snippet_changed",
)
PAGE_SIZE = 100


def record_audit(action: str, *, target_type: str = "", target_id: int | None = None, detail: str = "",
                 facts: dict | None = None, actor=None) -> AuditEntry:
    """Add an entry for the signed-in user (or ``actor``; the system when neither). Does not commit.

    ``facts``: the details as named values (see ``FACTS``), shown in the reader's language; ``detail``: a
    text shown as it is (a value no one translates)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if facts:
        detail = json.dumps({k: v for k, v in facts.items() if v not in (None, "", [])}, ensure_ascii=False,
                            default=str)
        if len(detail) > 500:
            detail = json.dumps({k: str(v)[:40] for k, v in facts.items()}, ensure_ascii=False)[:500]
    user = actor if actor is not None else (current_user if current_user and current_user.is_authenticated else None)
    entry = AuditEntry(
        user_id=user.id if user else None,
        user_email=user.email if user else "system",
        action=action, target_type=target_type, target_id=target_id, detail=detail[:500],
    )
    db.session.add(entry)
    return entry


def record_audit_once(action: str, *, target_type: str, target_id: int, within: timedelta = timedelta(minutes=15),
                      actor=None) -> AuditEntry | None:
    """Like record_audit, but once per person, action and target within ``within``: autosave and
    reloading a page would otherwise fill the log with the same line."""
    user = actor if actor is not None else (current_user if current_user and current_user.is_authenticated else None)
    recent = db.session.scalar(
        sa.select(AuditEntry.id).where(
            AuditEntry.action == action, AuditEntry.target_type == target_type, AuditEntry.target_id == target_id,
            AuditEntry.user_id == (user.id if user else None), AuditEntry.at > utcnow() - within,
        ).limit(1)
    )
    if recent is not None:
        return None
    return record_audit(action, target_type=target_type, target_id=target_id, actor=actor)


def list_entries(*, action: str = "", user: str = "", start: datetime | None = None, end: datetime | None = None,
                 page: int = 1) -> Page[AuditEntry]:
    """The log newest first, filtered by action, a piece of the person's address (a whole address: exactly
    that person, through its index) and a period."""
    query = sa.select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if is_whole_address(user):
        query = query.where(same_address(AuditEntry.user_email, user))
    elif user.strip():
        query = query.where(contains(AuditEntry.user_email, user.strip()))
    if start:
        query = query.where(AuditEntry.at >= start)
    if end:
        query = query.where(AuditEntry.at < end)
    return fetch_page(query.order_by(AuditEntry.id.desc()), page, PAGE_SIZE, counted=False, scalars=True)


def facts_of(entry: AuditEntry) -> dict | None:
    """The entry's facts, or None for a detail that is plain text (and for entries written before facts)."""
    if not entry.detail.startswith("{"):
        return None
    try:
        facts = json.loads(entry.detail)
    except ValueError:
        return None
    return facts if isinstance(facts, dict) else None


def describe(entry: AuditEntry) -> str:
    """The entry's details in the reader's language: each fact as "label: value", values that are codes
    (roles, warnings, scopes…) by their labels."""
    from app.audit.facts import describe_facts  # the labels of every feature; imported when a page asks

    facts = facts_of(entry)
    return entry.detail if facts is None else describe_facts(facts)
