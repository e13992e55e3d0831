"""Registering webhook endpoints and looking after their deliveries (the administrator's side)."""

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.database import utcnow
from app.extensions import db
from app.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, webhook_subscription
from app.secretbox import seal
from app.webhooks.events import EVENT_TYPES
from app.webhooks.network import AddressRefused, DeliveryFailed, check_url, resolve

EVENTS = tuple(EVENT_TYPES.values())
PAGE_SIZE = 50


class EndpointRefused(Exception):
    """The address may not be used; the message says why (in English: it names hosts and addresses)."""


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def check_endpoint_url(url: str, *, allow_private: bool) -> str:
    """The URL if the portal may send to it: https in production, and no address on the local network
    unless allowed (as far as the name resolves now; every delivery checks again)."""
    production = current_app.config.get("DEPLOYMENT") == "production"
    try:
        _scheme, host, port, _path = check_url(url, production=production)
        resolve(host, port, allow_private=allow_private)
    except AddressRefused as refused:
        raise EndpointRefused(str(refused)) from None
    except DeliveryFailed:
        pass  # not resolvable now (an internal name, say): every delivery checks it again
    return url


def subscribed_events(endpoint: WebhookEndpoint) -> list[str]:
    return list(db.session.scalars(sa.select(webhook_subscription.c.event)
                                   .where(webhook_subscription.c.endpoint_id == endpoint.id)))


def _subscribe(endpoint: WebhookEndpoint, events: list[str]) -> None:
    db.session.execute(sa.delete(webhook_subscription).where(webhook_subscription.c.endpoint_id == endpoint.id))
    chosen = [event for event in EVENTS if event in events]
    if chosen:
        db.session.execute(sa.insert(webhook_subscription), [{"endpoint_id": endpoint.id, "event": e} for e in chosen])


def create_endpoint(url: str, description: str, events: list[str], *,
                    allow_private: bool) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (returned once, kept encrypted)."""
    check_endpoint_url(url, allow_private=allow_private)
    secret = new_secret()
    endpoint = WebhookEndpoint(url=url.strip(), description=description.strip()[:200], secret=seal(secret),
                               allow_private_network=allow_private, active=True)
    db.session.add(endpoint)
    db.session.flush()
    _subscribe(endpoint, events)
    return endpoint, secret


def update_endpoint(endpoint: WebhookEndpoint, url: str, description: str, events: list[str], *,
                    allow_private: bool, active: bool) -> None:
    check_endpoint_url(url, allow_private=allow_private)
    endpoint.url, endpoint.description = url.strip(), description.strip()[:200]
    endpoint.allow_private_network, endpoint.active = allow_private, active
    _subscribe(endpoint, events)


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    secret = new_secret()
    endpoint.secret = seal(secret)
    return secret


def list_endpoints() -> list[tuple[WebhookEndpoint, dict[str, int]]]:
    """Every endpoint with how many of its deliveries are in each state."""
    counts: dict[int, dict[str, int]] = {}
    for endpoint_id, status, n in db.session.execute(
            sa.select(WebhookDelivery.endpoint_id, WebhookDelivery.status, sa.func.count())
            .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.status)):
        counts.setdefault(endpoint_id, dict.fromkeys((s.value for s in DeliveryStatus), 0))[status.value] = n
    endpoints = db.session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.active.desc(),
                                                                      WebhookEndpoint.id))
    return [(e, counts.get(e.id, dict.fromkeys((s.value for s in DeliveryStatus), 0))) for e in endpoints]


@dataclass
class DeliveryPage:
    deliveries: list[WebhookDelivery]
    page: int
    has_next: bool


def list_deliveries(endpoint: WebhookEndpoint, *, status: str = "", page: int = 1) -> DeliveryPage:
    query = sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status in {s.value for s in DeliveryStatus}:
        query = query.where(WebhookDelivery.status == DeliveryStatus(status))
    rows = list(db.session.scalars(query.order_by(WebhookDelivery.id.desc()).offset((page - 1) * PAGE_SIZE)
                                   .limit(PAGE_SIZE + 1)))
    return DeliveryPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def retry_delivery(delivery: WebhookDelivery) -> bool:
    """A failed delivery back in the queue with a fresh count of attempts (the same body and event id)."""
    if delivery.status != DeliveryStatus.FAILED:
        return False
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, utcnow()
    return True
