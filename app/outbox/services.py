"""Listing and retrying outbox messages."""

import sqlalchemy as sa

from app.core.errors import DomainError
from app.core.pagination import Page, fetch_page
from app.core.text import contains, is_whole_address, same_address
from app.database import utcnow
from app.extensions import db
from app.i18n import _l
from app.models import Candidate, OutboxMessage, OutboxStatus
from app.tokens import has_hidden_links, restore_links, restore_links_in_ics, valid_token

PAGE_SIZE = 50


class NotRetryable(DomainError):
    """Only a failed e-mail can be retried."""

    message = _l("Only a failed e-mail can be sent again.")


class CandidateGone(DomainError):
    """The e-mail carried a personal link, and the candidate it was for is erased."""

    message = _l("This e-mail cannot be sent again: the candidate's data has been erased.")


def list_messages(*, status: str | None = None, kind: str | None = None, search: str = "",
                  page: int = 1) -> Page[OutboxMessage]:
    """Newest first, filtered by state, kind and a piece of the address or subject; a whole address finds the
    messages to exactly that address (through its index)."""
    query = sa.select(OutboxMessage)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    search = search.strip()
    if is_whole_address(search):
        query = query.where(same_address(OutboxMessage.to_email, search))
    elif search:
        query = query.where(sa.or_(contains(OutboxMessage.to_address, search), contains(OutboxMessage.subject, search)))
    return fetch_page(query.order_by(OutboxMessage.id.desc()), page, PAGE_SIZE, counted=False, scalars=True)


COUNT_BOUND = 10_000  # a state with more e-mails says "more than 10,000" (sent e-mails pile up by the year)


def status_counts() -> dict[str, int]:
    """How many e-mails are in each state (every state, 0 included), counted up to COUNT_BOUND + 1: one
    statement that reads at most that many index entries per state, however large the outbox."""
    statuses = list(OutboxStatus)
    counted = [
        sa.select(sa.func.count()).select_from(
            sa.select(OutboxMessage.id).where(OutboxMessage.status == status).limit(COUNT_BOUND + 1).subquery()
        ).scalar_subquery()
        for status in statuses
    ]
    row = db.session.execute(sa.select(*counted)).one()
    return {status.value: n for status, n in zip(statuses, row, strict=True)}


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
