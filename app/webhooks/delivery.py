"""The webhook worker: claims due deliveries, sends them signed, and retries with back-off.

Like the mail worker (app/mail/worker.py): a delivery is leased in a short transaction of its own
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two workers never send it at once and a worker that dies
loses nothing (its lease runs out). Every attempt is recorded (status code or error); after
WEBHOOK_MAX_ATTEMPTS the delivery is marked failed and waits, visible to the administrator, who can send
it again. An address the portal may not reach is refused before anything is sent, and marked failed at
once. An endpoint that failed is not tried again in the same round: its other deliveries wait without
losing an attempt. It runs in the mail worker's loop and as ``flask --app wsgi webhooks deliver``.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.database import utcnow
from app.extensions import db
from app.mail.worker import WORKER_ID
from app.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.secretbox import open_sealed
from app.signatures import SIGNATURE_HEADER, sign
from app.webhooks.network import AddressRefused, DeliveryFailed, post

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=6)
USER_AGENT = "Feedbackspreekuur-Webhooks/1"


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"delivered {self.delivered}, will retry {self.retrying}, failed {self.failed}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … times WEBHOOK_RETRY_BASE_SECONDS, at most six hours."""
    base = timedelta(seconds=current_app.config["WEBHOOK_RETRY_BASE_SECONDS"])
    return min(base * (2 ** min(max(attempts - 1, 0), 20)), MAX_BACKOFF)


def claim_due(now: datetime, limit: int) -> list[int]:
    """Lease up to ``limit`` due deliveries of active endpoints to this worker; commits the lease."""
    due = sa.or_(
        sa.and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now),
        sa.and_(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.locked_until < now),
    )
    active = sa.select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True))
    query = (sa.select(WebhookDelivery.id).where(due, WebhookDelivery.endpoint_id.in_(active))
             .order_by(WebhookDelivery.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
                           .values(status=DeliveryStatus.SENDING, locked_until=now + LEASE, locked_by=WORKER_ID)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return ids


@dataclass(frozen=True)
class _Outgoing:
    """What one attempt needs, read before the transaction ends (nothing is loaded while sending)."""

    url: str
    secret: str | None
    allow_private: bool
    payload: str
    event_id: str
    event_type: str


def _attempt(outgoing: _Outgoing) -> tuple[str, int | None, str | None]:
    """Send one delivery; ("delivered" | "retry" | "refused", status code, error)."""
    if outgoing.secret is None:
        return "refused", None, "The endpoint's secret cannot be read (SECRET_KEY changed); make a new secret."
    body = outgoing.payload.encode("utf-8")
    headers = {SIGNATURE_HEADER: sign(outgoing.secret, body), "User-Agent": USER_AGENT,
               "Feedback-Event-Id": outgoing.event_id, "Feedback-Event-Type": outgoing.event_type}
    config = current_app.config
    try:
        answer = post(outgoing.url, body, headers, timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
                      allow_private=outgoing.allow_private, production=config.get("DEPLOYMENT") == "production")
    except AddressRefused as refused:
        return "refused", None, str(refused)
    except DeliveryFailed as failed:
        return "retry", None, str(failed)
    if 200 <= answer.status < 300:
        return "delivered", answer.status, None
    return "retry", answer.status, f"The endpoint answered {answer.status}."


def deliver_due(*, now: datetime | None = None, batch: int = 50) -> DeliveryReport:
    """Send what is due now (one batch per call of at most ``batch``), recording each result at once."""
    report = DeliveryReport()
    ids = claim_due(now or utcnow(), batch)
    failed_endpoints: set[int] = set()
    for delivery_id in ids:
        delivery = db.session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != DeliveryStatus.SENDING or delivery.locked_by != WORKER_ID:
            db.session.commit()
            continue
        if delivery.endpoint_id in failed_endpoints:  # it just failed: the rest waits, no attempt lost
            delivery.status, delivery.locked_until, delivery.locked_by = DeliveryStatus.PENDING, None, None
            db.session.commit()
            continue
        endpoint = delivery.endpoint
        outgoing = _Outgoing(url=endpoint.url, secret=open_sealed(endpoint.secret),
                             allow_private=endpoint.allow_private_network, payload=delivery.payload,
                             event_id=delivery.event_id, event_type=delivery.event_type)
        db.session.commit()  # no transaction (nor SQLite's write lock) is held while the endpoint answers
        outcome, status_code, error = _attempt(outgoing)
        _record(db.session.get(WebhookDelivery, delivery_id), outcome, status_code, error, report)
        if outcome != "delivered":
            failed_endpoints.add(delivery.endpoint_id)
        db.session.commit()
    return report


def _record(delivery: WebhookDelivery, outcome: str, status_code: int | None, error: str | None,
            report: DeliveryReport) -> None:
    now = utcnow()
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = status_code, (error or None) and error[:500]
    delivery.locked_until, delivery.locked_by = None, None
    if outcome == "delivered":
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        report.delivered += 1
        return
    # The delivery id only in the log: its body holds an external id.
    log.warning("webhook delivery %s not delivered (attempt %s): %s", delivery.id, delivery.attempts, error)
    if outcome == "retry" and delivery.attempts < current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now + backoff(delivery.attempts)
        report.retrying += 1
    else:
        delivery.status = DeliveryStatus.FAILED
        report.failed += 1


def forget_delivered(*, now: datetime | None = None) -> int:
    """Delivered deliveries older than WEBHOOK_KEEP_DAYS go (they hold external ids); failed ones stay
    until an administrator sends them again. Does not commit."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["WEBHOOK_KEEP_DAYS"])
    return db.session.execute(sa.delete(WebhookDelivery).where(
        WebhookDelivery.status == DeliveryStatus.DELIVERED, WebhookDelivery.delivered_at < cutoff)).rowcount


def run_round(now: datetime | None = None) -> DeliveryReport:
    """One round of the worker: everything due, batch by batch (each delivery at most once a round)."""
    total = DeliveryReport()
    seen = 0
    while seen < 1000:
        report = deliver_due(now=now)
        if not (report.delivered or report.retrying or report.failed):
            break
        total.delivered += report.delivered
        total.retrying += report.retrying
        total.failed += report.failed
        seen += report.delivered + report.retrying + report.failed
        if report.retrying or report.failed:
            break  # what failed is due again only after its back-off
    forget_delivered(now=now)
    db.session.commit()
    return total
