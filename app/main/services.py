"""Sending a lost link again, without telling anyone whether an address is known.

The public form only records the request (``request_link``): one INSERT, whatever the address, so that
neither the answer nor its timing says whether someone with that address applied. The mail worker answers
the requests (``answer_link_requests``): it looks the address up, and sends at most one e-mail per address
per ``RESEND_LINK_INTERVAL_MINUTES``, with the link the candidate already has."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.database import utcnow
from app.extensions import db
from app.mail.notifications import notify_link_resent
from app.models import Candidate, LinkRequest, OutboxMessage


def normalise_address(email: str) -> str:
    return (email or "").strip().lower()


def request_link(email: str) -> None:
    """Record that someone asked for the link of ``email``; the same work for every address. Does not commit."""
    db.session.add(LinkRequest(email=normalise_address(email)[:320]))


def answer_link_requests(*, now: datetime | None = None) -> int:
    """Answer every recorded request and forget it; returns how many e-mails were queued. Does not commit.

    A request is answered for candidates with this address who still have a valid link, unless such an
    e-mail went to them less than ``RESEND_LINK_INTERVAL_MINUTES`` ago."""
    now = now or utcnow()
    query = sa.select(LinkRequest).order_by(LinkRequest.id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another worker answers the rows it holds
    requests = list(db.session.scalars(query))
    if not requests:
        return 0
    sent = sum(_answer(address, now) for address in sorted({r.email for r in requests}))
    db.session.execute(sa.delete(LinkRequest).where(LinkRequest.id.in_([r.id for r in requests])))
    return sent


def _answer(address: str, now: datetime) -> int:
    query = (
        sa.select(Candidate).where(sa.func.lower(Candidate.email) == address)
        .options(selectinload(Candidate.invitations)).order_by(Candidate.created_at, Candidate.id)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=Candidate)  # two workers answering one address: one after the other
    candidates = list(db.session.scalars(query))
    valid = [c for c in candidates
             if any(i.revoked_at is None and i.expires_at > now for i in c.invitations)]
    if not valid:
        return 0
    interval = timedelta(minutes=current_app.config["RESEND_LINK_INTERVAL_MINUTES"])
    recent = db.session.scalar(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.kind == "link_resent",
            OutboxMessage.candidate_id.in_([c.id for c in candidates]),
            OutboxMessage.created_at > now - interval,
        ).limit(1)
    )
    if recent is not None:
        return 0
    notify_link_resent(valid)
    return 1
