"""Listing and retrying outbox messages."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import Candidate, OutboxMessage, OutboxStatus
from app.tokens import has_hidden_links, restore_links, restore_links_in_ics, valid_token

PAGE_SIZE = 50


class NotRetryable(Exception):
    """Only a failed e-mail can be retried."""


class CandidateGone(Exception):
    """The e-mail carried a personal link, and the candidate it was for is erased."""


@dataclass
class OutboxPage:
    messages: list[OutboxMessage]
    counts: dict[str, int]
    page: int
    has_next: bool


def list_messages(*, status: str | None = None, kind: str | None = None, search: str = "",
                  page: int = 1) -> OutboxPage:
    """Newest first, filtered by state, kind and (part of) the address or subject."""
    query = sa.select(OutboxMessage)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    search = search.strip()
    if search:  # % and _ are searched for as themselves, and a backslash is no escape (PostgreSQL)
        query = query.where(sa.or_(OutboxMessage.to_address.icontains(search, autoescape=True),
                                   OutboxMessage.subject.icontains(search, autoescape=True)))
    page = max(page, 1)
    rows = list(db.session.scalars(
        query.order_by(OutboxMessage.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    counts = dict.fromkeys((s.value for s in OutboxStatus), 0)
    counts.update({s.value: n for s, n in db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))})
    return OutboxPage(messages=rows[:PAGE_SIZE], counts=counts, page=page, has_next=len(rows) > PAGE_SIZE)


def kinds() -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind)))


def retry_message(message: OutboxMessage) -> None:
    """Put a failed e-mail back in the queue with a fresh count of attempts.

    A failed e-mail's stored copy has its personal links hidden (app/mail/outbox.py ``scrub_failed``);
    they are put back here with the link the candidate has now (``valid_token``: the same link if it still
    works, a new one if it was revoked or has expired), so that the e-mail reaches them with a working link."""
    if message.status != OutboxStatus.FAILED:
        raise NotRetryable()
    if any(has_hidden_links(text) for text in (message.body_text, message.body_html)):
        candidate = db.session.get(Candidate, message.candidate_id) if message.candidate_id else None
        if candidate is None:
            raise CandidateGone()
        token = valid_token(candidate)
        message.body_text = restore_links(message.body_text, token)
        message.body_html = restore_links(message.body_html, token)
        message.ics = restore_links_in_ics(message.ics, token)
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, utcnow()
