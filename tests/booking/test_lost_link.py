"""Asking for the link again: the same answer, and the same work, for every address; the mail worker then
sends a known candidate whose link is still valid that same link, at most once per address per interval."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import request_finished, request_started

from app.database import utcnow
from app.extensions import db
from app.mail.worker import run_scheduled
from app.main.services import answer_link_requests
from app.models import Invitation, LinkRequest, OutboxMessage
from app.tokens import hash_token
from tests.booking.helpers import page_text
from tests.helpers import outbox

LINK = re.compile(r"http://portal\.test(/b/([A-Za-z0-9_-]{43}))")


def _ask(client, address: str):
    response = client.post("/link", data={"email": address})
    return response, page_text(client.get(response.location)) if response.status_code == 302 else None


@pytest.fixture
def statements(app):
    """The SQL statements each request runs between its start and its response, in order."""
    seen: list[list[str]] = []
    during = {"request": False}

    def started(sender, **extra):
        during["request"] = True
        seen.append([])

    def finished(sender, response, **extra):
        during["request"] = False

    def record(connection, cursor, statement, parameters, context, executemany):
        if during["request"]:
            seen[-1].append(statement)

    request_started.connect(started, app)
    request_finished.connect(finished, app)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)
    request_started.disconnect(started, app)
    request_finished.disconnect(finished, app)


def test_known_and_unknown_address_get_the_same_answer_after_the_same_work(english_client, candidate_en, statements):
    candidate_en(name="Sanne de Vries", email="Sanne.deVries@example.org")

    known, known_page = _ask(english_client, "  sanne.devries@EXAMPLE.org ")
    unknown, unknown_page = _ask(english_client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert known_page == unknown_page
    assert "we send the personal link to it" in known_page
    known_statements, _, unknown_statements, _ = statements  # (each answer, then the page it leads to)
    assert known_statements == unknown_statements  # the same statements, in the same order: the same work
    verbs = [s.split()[0].upper() for s in known_statements]
    assert [v for v in verbs if v != "BEGIN"] == ["INSERT"]  # the request only records the address
    assert outbox() == []  # nothing is looked up or sent while the visitor waits


def test_the_worker_sends_the_link_the_candidate_already_has(english_client, candidate_en):
    candidate, token = candidate_en(name="Sanne de Vries", email="Sanne.deVries@example.org")

    _, page = _ask(english_client, "  sanne.devries@EXAMPLE.org ")
    _ask(english_client, "nobody@example.org")
    assert "If this address belongs to someone who may book a feedback conversation" in page
    run_scheduled()

    [message] = outbox()
    assert message.kind == "link_resent" and message.candidate_id == candidate.id
    assert "Sanne.deVries@example.org" in message.to_address
    path, sent_token = LINK.search(message.body_text).groups()
    assert sent_token == token  # the same link, not a new one
    assert f"/b/{token}" in message.body_html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1
    assert "Hello Sanne," in page_text(english_client.get(path))
    assert db.session.scalars(sa.select(LinkRequest)).all() == []  # the addresses typed are not kept


def test_at_most_one_email_per_address_per_interval(app, english_client, candidate_en):
    candidate_en(email="sanne@example.org")
    for _ in range(3):
        _ask(english_client, "sanne@example.org")
    answer_link_requests()
    db.session.commit()
    _ask(english_client, "SANNE@example.org")
    answer_link_requests()
    db.session.commit()
    assert len(outbox("link_resent")) == 1

    [message] = outbox("link_resent")
    message.created_at = utcnow() - timedelta(minutes=app.config["RESEND_LINK_INTERVAL_MINUTES"], seconds=1)
    db.session.commit()
    _ask(english_client, "sanne@example.org")
    answer_link_requests()
    db.session.commit()
    assert len(outbox("link_resent")) == 2
    first, second = outbox("link_resent")
    assert LINK.search(first.body_text).group(2) == LINK.search(second.body_text).group(2)


def test_the_interval_is_a_setting(app, english_client, candidate_en):
    app.config["RESEND_LINK_INTERVAL_MINUTES"] = 0
    candidate_en(email="sanne@example.org")
    for _ in range(2):
        _ask(english_client, "sanne@example.org")
        answer_link_requests()
        db.session.commit()
    assert len(outbox("link_resent")) == 2


def test_several_applications_get_one_email_with_a_link_for_each(english_client, candidate_en):
    first, first_token = candidate_en(email="sanne@example.org", vacancy="Verpleegkundige")
    second, second_token = candidate_en(email="Sanne@example.org", vacancy="Doktersassistent")

    _ask(english_client, "sanne@example.org")
    answer_link_requests()
    db.session.commit()

    [message] = outbox("link_resent")
    assert message.candidate_id == second.id  # the newest application's language and name
    text = message.body_text
    assert f"Verpleegkundige: http://portal.test/b/{first_token}" in text
    assert f"Doktersassistent: http://portal.test/b/{second_token}" in text
    assert f"/b/{first_token}" in message.body_html and f"/b/{second_token}" in message.body_html


def test_a_link_made_before_links_could_be_rebuilt_is_replaced_once_then_sent_again(english_client, candidate_en):
    candidate, old_token = candidate_en(email="sanne@example.org")
    [invitation] = candidate.invitations
    invitation.nonce = None  # as every link made before migration 0005
    db.session.commit()

    _ask(english_client, "sanne@example.org")
    answer_link_requests()
    db.session.commit()
    [message] = outbox("link_resent")
    new_token = LINK.search(message.body_text).group(2)
    assert new_token != old_token
    new = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(new_token)))
    assert new.expires_at == invitation.expires_at  # lives as long as the link the candidate had
    assert english_client.get(f"/b/{old_token}").status_code == 200  # the old link keeps working too

    message.created_at -= timedelta(hours=1)
    db.session.commit()
    _ask(english_client, "sanne@example.org")
    answer_link_requests()
    db.session.commit()
    assert LINK.search(outbox("link_resent")[-1].body_text).group(2) == new_token
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 2


def test_a_link_made_under_a_rotated_key_is_rebuilt_with_the_fallback_key(app, english_client, candidate_en):
    _, token = candidate_en(email="sanne@example.org")
    app.config.update(SECRET_KEY="the new secret key", SECRET_KEY_FALLBACKS=["test-secret"])

    _ask(english_client, "sanne@example.org")
    answer_link_requests()
    db.session.commit()

    assert LINK.search(outbox("link_resent")[0].body_text).group(2) == token


def test_no_link_for_a_candidate_whose_link_has_expired(english_client, candidate_en):
    candidate_en(email="verlopen@example.org", expires_at=utcnow() - timedelta(days=1))
    _, reference_page = _ask(english_client, "nobody@example.org")

    response, page = _ask(english_client, "verlopen@example.org")
    run_scheduled()

    assert response.status_code == 302
    assert page == reference_page
    assert db.session.scalars(sa.select(OutboxMessage)).all() == []


def test_not_an_address(english_client, candidate_en):
    candidate_en()

    response = english_client.post("/link", data={"email": "not an address"})

    assert response.status_code == 422
    assert "does not look like an e-mail address" in page_text(response)
    assert db.session.scalars(sa.select(LinkRequest)).all() == []


def test_a_control_character_in_the_address_is_refused_not_a_500(english_client, candidate_en):
    candidate_en(email="sanne@example.org")

    response = english_client.post("/link", data={"email": "sanne\x00@example.org"})

    assert response.status_code == 422
    assert db.session.scalars(sa.select(LinkRequest)).all() == []
