"""Which steps of a candidate's way other systems hear about, and the deliveries they cause.

Hooked into the event log (``app.events.add_listener``): every step recorded there is looked at here in
the same transaction, so a delivery exists exactly when the change it announces was committed. A step no
endpoint subscribed to costs one small query; the body carries the ATS's ``external_id`` (the only
personal datum, and only for candidates an integration sent), never names, addresses or notes.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from flask import Flask

from app.database import utcnow
from app.events import add_listener
from app.extensions import db
from app.i18n import _l
from app.models import (
    Candidate,
    DeliveryStatus,
    Integration,
    WebhookDelivery,
    WebhookEndpoint,
    webhook_subscription,
)

# The event log's kinds that are announced, by the name they have outside.
EVENT_TYPES = {
    "booked": "booking.created",
    "rescheduled": "booking.rescheduled",
    "cancelled": "booking.cancelled",
    "attended": "conversation.held",
    "no_show": "conversation.missed",
    "joined_pool": "talent_pool.joined",
    "left_pool": "talent_pool.left",
    "hired": "candidate.hired",
}
EVENT_LABELS = {
    "booking.created": _l("A conversation is booked"),
    "booking.rescheduled": _l("A conversation is moved"),
    "booking.cancelled": _l("A conversation is cancelled"),
    "conversation.held": _l("A conversation was held"),
    "conversation.missed": _l("A candidate did not come"),
    "talent_pool.joined": _l("A candidate joined the talent pool"),
    "talent_pool.left": _l("A candidate left the talent pool"),
    "candidate.hired": _l("A candidate was hired"),
}
TEST_EVENT = "ping"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def event_body(event_type: str, *, at: datetime, data: dict) -> tuple[str, str]:
    """The event's id and the JSON body every endpoint gets for it, the same at every attempt."""
    event_id = "evt_" + uuid.uuid4().hex
    body = {"id": event_id, "type": event_type, "created_at": _iso(at), "data": data}
    return event_id, json.dumps(body, separators=(",", ":"), sort_keys=True)


def announce(kind: str, candidates: Sequence[Candidate], *, feedback_session_id: int | None = None,
             at: datetime | None = None) -> int:
    """Queue a delivery of this step to every active endpoint that subscribed to it; returns how many."""
    event_type = EVENT_TYPES.get(kind)
    if event_type is None or not candidates:
        return 0
    endpoint_ids = list(db.session.scalars(
        sa.select(webhook_subscription.c.endpoint_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == webhook_subscription.c.endpoint_id)
        .where(webhook_subscription.c.event == event_type, WebhookEndpoint.active.is_(True))))
    if not endpoint_ids:
        return 0
    at = at or utcnow()
    slugs = dict(db.session.execute(sa.select(Integration.id, Integration.slug).where(
        Integration.id.in_({c.integration_id for c in candidates if c.integration_id}))).all())
    rows = []
    for candidate in candidates:
        data = {"external_id": candidate.external_id, "integration": slugs.get(candidate.integration_id),
                "feedback_session_id": feedback_session_id}
        event_id, body = event_body(event_type, at=at, data=data)
        rows += [{"endpoint_id": endpoint_id, "event_id": event_id, "event_type": event_type, "payload": body,
                  "status": DeliveryStatus.PENDING, "attempts": 0, "next_attempt_at": at, "created_at": at}
                 for endpoint_id in endpoint_ids]
    db.session.execute(sa.insert(WebhookDelivery.__table__), rows)
    return len(rows)


def queue_test_event(endpoint_id: int) -> WebhookDelivery:
    """A ``ping`` for one endpoint, so that the administrator can check the address and the signature."""
    now = utcnow()
    event_id, body = event_body(TEST_EVENT, at=now, data={"message": "A test delivery from the feedback portal."})
    delivery = WebhookDelivery(endpoint_id=endpoint_id, event_id=event_id, event_type=TEST_EVENT, payload=body,
                               next_attempt_at=now, created_at=now)
    db.session.add(delivery)
    db.session.flush()
    return delivery


def init_app(app: Flask) -> None:
    add_listener(app, announce)
