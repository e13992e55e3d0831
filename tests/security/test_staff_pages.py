"""Every staff page: never kept in the browser's cache, and never showing a working personal link."""

import re

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.mail.notifications import notify_booking_confirmed, notify_link_resent
from app.models import Booking, BookingStatus, Candidate, OutboxMessage, OutboxStatus
from app.tokens import TokenExpired, TokenUnknown, resolve_token
from tests.fixtures.staff import STAFF_PASSWORD
from tests.test_access import kind_of, routes
from tests.test_access import world as world_fixture

world = world_fixture  # the fixture with one of everything a route can point at

STAFF_KINDS = ("recruiter", "hr", "admin", "staff")
LINK = re.compile(r"/b/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])")


def _signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
    return client


def test_no_staff_page_is_kept_in_the_browsers_cache(app, world, make_user):
    clients = {role: _signed_in(app, make_user(role)) for role in ("recruiter", "hr", "admin")}
    clients["anonymous"] = app.test_client()
    problems, walked = [], 0
    for endpoint, method, url in routes(app, world):
        if method != "GET" or kind_of(endpoint) not in STAFF_KINDS:
            continue
        for who, client in clients.items():
            response = client.get(url)
            walked += 1
            if response.headers.get("Cache-Control") != "no-store":
                problems.append(f"{who} {url} ({endpoint}) {response.status_code}: "
                                f"Cache-Control {response.headers.get('Cache-Control')!r}")
    assert problems == [] and walked > 100


def test_the_sign_in_page_and_its_answers_are_not_kept_either(app, client, make_user):
    user = make_user("recruiter")
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert client.post("/login", data={"email": user.email, "password": "wrong!"}).headers["Cache-Control"] == \
        "no-store"
    assert client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).headers[
        "Cache-Control"] == "no-store"
    assert client.post("/logout").headers["Cache-Control"] == "no-store"


def test_public_pages_may_still_be_cached(client):
    assert client.get("/").headers.get("Cache-Control") != "no-store"


@pytest.fixture
def mail_with_links(app, world, smtp_server):
    """Beside the world: an e-mail with the link waiting, one with a calendar invitation waiting, and one
    that failed; returns every token the outbox held."""
    candidate = db.session.get(Candidate, world["candidate_id"])
    booking = db.session.get(Booking, world["booking_id"])
    waiting = notify_link_resent([candidate])
    booking.status = BookingStatus.BOOKED
    invitation = notify_booking_confirmed(booking, world["token"])
    booking.status = BookingStatus.ATTENDED
    db.session.commit()
    tokens = {world["token"], *LINK.findall(waiting.body_text), *LINK.findall(invitation.body_html)}
    smtp_server.handler.refuse_with = "550 no such mailbox"
    failing = notify_link_resent([candidate])
    db.session.commit()
    from app.mail.worker import send_due

    waiting.next_attempt_at = invitation.next_attempt_at = waiting.created_at.replace(year=2999)
    db.session.commit()
    send_due()
    db.session.refresh(failing)
    assert failing.status == OutboxStatus.FAILED
    return {"tokens": tokens, "message_ids": [waiting.id, invitation.id, failing.id]}


def test_no_staff_page_shows_a_working_personal_link(app, world, mail_with_links, make_user):
    assert all(_works(token) for token in mail_with_links["tokens"])
    clients = {role: _signed_in(app, make_user(role)) for role in ("recruiter", "admin")}
    urls = [url for endpoint, method, url in routes(app, world)
            if method == "GET" and kind_of(endpoint) in STAFF_KINDS]
    with app.test_request_context():
        for message_id in mail_with_links["message_ids"]:
            urls += [url_for("outbox.show_message", message_id=message_id),
                     url_for("outbox.show_message_html", message_id=message_id)]
    problems = []
    for who, client in clients.items():
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            shown = {token for token in LINK.findall(body) if _works(token)}
            shown |= {token for token in mail_with_links["tokens"] if token in body}
            if shown:
                problems.append(f"{who} {url} shows a working link")
    assert problems == []
    assert db.session.scalars(sa.select(OutboxMessage.status)).all().count(OutboxStatus.PENDING) >= 2


def _works(token: str) -> bool:
    try:
        resolve_token(token)
    except (TokenUnknown, TokenExpired):
        return False
    return True
