"""Outgoing webhooks: registered by an administrator, written in the same transaction as the change,
delivered signed to a real receiver on 127.0.0.1 (allowed explicitly), retried while it is down, refused
for addresses on the local network without that allowance, and visible with their state."""

import json
import re
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.secretbox import seal
from app.signatures import verify
from app.tokens import issue_invitation
from app.webhooks import network
from app.webhooks.delivery import run_round
from tests.fixtures.integrations import bearer, rejection
from tests.fixtures.webhooks import Receiver
from tests.helpers import page_text, set_english


@pytest.fixture
def admin_client(app, auth, client):
    auth.login("admin")
    set_english(client)
    return client


def register(client, url: str, events=("booking.created", "booking.cancelled"), allow_private=True):
    data = {"url": url, "description": "ATS", "events": list(events)}
    if allow_private:
        data["allow_private_network"] = "y"
    response = client.post("/admin/webhooks/", data=data)
    secret = re.search(r"whsec_[A-Za-z0-9_-]+", response.get_data(as_text=True))
    return response, secret.group(0) if secret else None


def deliveries() -> list[WebhookDelivery]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


@pytest.fixture
def ats_candidate(app, make_integration, make_key):
    """A candidate the ATS sent (external_id app-1001) with a personal link."""
    from app.models import Candidate

    integration, _secret = make_integration()
    app.test_client().post("/api/v1/rejections", json=rejection(), headers=bearer(make_key(integration)))
    candidate = db.session.scalar(sa.select(Candidate))
    token = issue_invitation(candidate)
    db.session.commit()
    return candidate, token


def book(client, token, feedback_session):
    response = client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]})
    assert response.status_code == 302
    return response


def test_a_booking_is_delivered_signed_to_the_local_receiver(app, admin_client, receiver, ats_candidate,
                                                             make_session):
    response, secret = register(admin_client, receiver.url)
    assert response.status_code == 200 and secret and "You see this only now" in page_text(response)
    candidate, token = ats_candidate
    book(app.test_client(), token, make_session())
    [delivery] = deliveries()  # written with the booking itself
    assert (delivery.event_type, delivery.status) == ("booking.created", DeliveryStatus.PENDING)
    assert receiver.requests == []

    report = run_round()
    assert report.delivered == 1
    [(headers, body)] = receiver.requests
    verify(headers["feedback-signature"], secret, body, tolerance_seconds=300)  # raises if it does not match
    event = json.loads(body)
    assert event["type"] == "booking.created" and event["id"] == headers["feedback-event-id"]
    assert event["data"]["external_id"] == "app-1001" and event["data"]["integration"] == "greenhouse"
    assert candidate.name not in body.decode() and candidate.email not in body.decode()
    assert set(event["data"]) == {"external_id", "integration", "feedback_session_id"}
    [delivered] = deliveries()
    assert (delivered.status, delivered.attempts, delivered.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    page = page_text(admin_client.get(f"/admin/webhooks/{delivered.endpoint_id}"))
    assert "booking.created" in page and "Delivered" in page


def test_a_signature_made_with_another_secret_does_not_verify(app, admin_client, receiver, ats_candidate,
                                                              make_session):
    from app.signatures import SignatureRefused

    _response, secret = register(admin_client, receiver.url)
    book(app.test_client(), ats_candidate[1], make_session())
    run_round()
    [(headers, body)] = receiver.requests
    with pytest.raises(SignatureRefused):
        verify(headers["feedback-signature"], secret + "x", body, tolerance_seconds=300)
    with pytest.raises(SignatureRefused):
        verify(headers["feedback-signature"], secret, body.replace(b"app-1001", b"app-1002"), tolerance_seconds=300)


def test_a_delivery_is_retried_while_the_receiver_is_down(app, admin_client, ats_candidate, make_session):
    receiver = Receiver()
    port = receiver.port
    _response, secret = register(admin_client, receiver.url)
    receiver.stop()  # down
    book(app.test_client(), ats_candidate[1], make_session())
    assert run_round().retrying == 1
    [waiting] = deliveries()
    assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 1)
    assert "could not be reached" in waiting.last_error and waiting.next_attempt_at > utcnow()
    assert run_round().retrying == 0  # not due yet: its back-off runs
    page = page_text(admin_client.get(f"/admin/webhooks/{waiting.endpoint_id}"))
    assert "Waiting" in page and "could not be reached" in page

    back = Receiver(port)  # up again on the same address
    try:
        back.status = 500  # up, but failing
        assert run_round(now=waiting.next_attempt_at + timedelta(seconds=1)).retrying == 1
        [failing] = deliveries()
        assert (failing.attempts, failing.last_status_code) == (2, 500)
        back.status = 200
        assert run_round(now=failing.next_attempt_at + timedelta(seconds=1)).delivered == 1
        assert len(back.requests) == 2
        assert json.loads(back.requests[0][1]) == json.loads(back.requests[1][1])  # the same event again
        verify(back.requests[1][0]["feedback-signature"], secret, back.requests[1][1], tolerance_seconds=300)
    finally:
        back.stop()
    assert deliveries()[0].status == DeliveryStatus.DELIVERED


def test_after_the_last_attempt_it_fails_visibly_and_can_be_sent_again(app, admin_client, ats_candidate,
                                                                       make_session):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 2
    receiver = Receiver()
    register(admin_client, receiver.url)
    receiver.stop()
    book(app.test_client(), ats_candidate[1], make_session())
    run_round()
    run_round(now=utcnow() + timedelta(hours=7))
    [failed] = deliveries()
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 2)
    page = page_text(admin_client.get(f"/admin/webhooks/{failed.endpoint_id}"))
    assert "Failed" in page and "Send again" in page
    assert admin_client.post(f"/admin/webhooks/deliveries/{failed.id}/retry").status_code == 302
    assert (deliveries()[0].status, deliveries()[0].attempts) == (DeliveryStatus.PENDING, 0)


def test_a_private_address_is_refused_without_the_allowance(app, admin_client):
    response, secret = register(admin_client, "http://10.20.30.40/hooks", allow_private=False)
    assert response.status_code == 422 and secret is None
    assert "local or private network" in page_text(response)
    for url in ("http://127.0.0.1:9/x", "http://[::1]/x", "http://169.254.169.254/latest", "http://localhost/x",
                "http://[::ffff:10.0.0.1]/x", "http://100.64.0.1/x"):
        response, _ = register(admin_client, url, allow_private=False)
        assert response.status_code == 422, url
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_a_delivery_to_an_address_that_became_local_is_refused_before_sending(app, receiver, ats_candidate,
                                                                             make_session):
    """The name is checked at every delivery, with every address it resolves to (here: it resolves to the
    loopback now; the endpoint has no allowance): nothing is sent, and the delivery fails visibly."""
    endpoint = WebhookEndpoint(url=f"http://localhost:{receiver.port}/hooks", secret=seal("whsec_x"),
                               allow_private_network=False)
    db.session.add(endpoint)
    db.session.flush()
    db.session.execute(sa.text("INSERT INTO webhook_subscription (endpoint_id, event) VALUES (:e, 'booking.created')"),
                       {"e": endpoint.id})
    db.session.commit()
    book(app.test_client(), ats_candidate[1], make_session())
    assert run_round().failed == 1
    assert receiver.requests == []
    [refused] = deliveries()
    assert refused.status == DeliveryStatus.FAILED and "private network" in refused.last_error


def test_every_address_of_a_name_is_checked_and_the_checked_one_is_used(app, receiver, monkeypatch):
    real = socket.getaddrinfo
    lookups = []

    def two_answers(host, port, *args, **kwargs):
        lookups.append(host)
        if host == "mixed.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.5", port))]
        if host == "internal.example.test":
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", two_answers)
    with pytest.raises(network.AddressRefused, match="192.168.1.5"):
        network.post("https://mixed.example.test/x", b"{}", {}, timeout=1, allow_private=False, production=False)
    answer = network.post(f"http://internal.example.test:{receiver.port}/x", b"{}", {}, timeout=2,
                          allow_private=True, production=False)
    assert answer.status == 200
    assert lookups.count("internal.example.test") == 1  # resolved once: the connection goes to the checked address
    assert receiver.requests[0][0]["host"] == f"internal.example.test:{receiver.port}"


def test_only_https_in_production(app, admin_client):
    app.config["DEPLOYMENT"] = "production"
    response, _secret = register(admin_client, "http://hooks.example.org/in", allow_private=False)
    assert response.status_code == 422 and "only https://" in page_text(response)
    with pytest.raises(network.AddressRefused):
        network.check_url("http://hooks.example.org/in", production=True)
    assert network.check_url("https://hooks.example.org/in", production=True)[1] == "hooks.example.org"


def test_only_subscribed_events_of_active_endpoints_are_queued(app, admin_client, receiver, ats_candidate,
                                                               make_session):
    register(admin_client, receiver.url, events=("booking.cancelled",))
    book(app.test_client(), ats_candidate[1], make_session())
    assert deliveries() == []  # booking.created was not chosen
    endpoint = db.session.scalar(sa.select(WebhookEndpoint))
    form = {"url": endpoint.url, "description": "", "events": ["booking.created"], "allow_private_network": "y"}
    assert admin_client.post(f"/admin/webhooks/{endpoint.id}", data=form).status_code == 302  # saved, and off
    candidate, token = ats_candidate
    client = app.test_client()
    from app.models import Booking

    booking = db.session.scalar(sa.select(Booking))
    client.post(f"/b/{token}/cancel", data={"booking": booking.id, "sequence": booking.sequence})
    assert deliveries() == []


def test_a_failed_change_leaves_no_delivery(app, admin_client, receiver, ats_candidate, make_session):
    """Same transaction: a booking that is refused (the slot is taken) queues nothing."""
    register(admin_client, receiver.url)
    feedback_session = make_session()
    book(app.test_client(), ats_candidate[1], feedback_session)
    assert len(deliveries()) == 1
    other_candidate = ats_candidate[0]

    from app.models import Candidate

    second = Candidate(name="Sam Jansen", email="sam@example.org", vacancy="X", stage=other_candidate.stage,
                       rejected_on=other_candidate.rejected_on)
    db.session.add(second)
    db.session.flush()
    token = issue_invitation(second)
    db.session.commit()
    response = app.test_client().post(
        f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]}
    )
    assert response.status_code in (200, 409, 422)
    assert len(deliveries()) == 1


def test_a_test_delivery_can_be_sent_from_the_admin_page(app, admin_client, receiver):
    register(admin_client, receiver.url, events=())
    endpoint = db.session.scalar(sa.select(WebhookEndpoint))
    assert admin_client.post(f"/admin/webhooks/{endpoint.id}/test").status_code == 302
    assert run_round().delivered == 1
    assert json.loads(receiver.requests[0][1])["type"] == "ping"


def test_delivered_ones_go_after_the_keep_days_and_failed_ones_stay(app, admin_client, receiver):
    from app.webhooks.delivery import forget_delivered

    register(admin_client, receiver.url, events=())
    endpoint = db.session.scalar(sa.select(WebhookEndpoint))
    for status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        db.session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id=f"evt_{status.value}", event_type="ping",
                                       payload="{}", status=status, delivered_at=utcnow()))
    db.session.commit()
    assert forget_delivered(now=utcnow() + timedelta(days=29)) == 0
    assert forget_delivered(now=utcnow() + timedelta(days=31)) == 1
    db.session.commit()
    assert [d.status for d in deliveries()] == [DeliveryStatus.FAILED]
