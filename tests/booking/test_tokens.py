"""Personal links: long random tokens, stored only as hashes, valid for eight weeks by default."""

import base64
import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.worker import send_due
from app.models import Invitation
from app.tokens import TokenExpired, TokenUnknown, resolve_token
from tests.booking.helpers import active_bookings, book, snapshot

URL_SAFE_43 = re.compile(r"^[A-Za-z0-9_-]{43,}$")


def test_tokens_have_at_least_128_bits_and_are_url_safe(candidate_en):
    tokens = [candidate_en()[1] for _ in range(20)]

    for token in tokens:
        assert URL_SAFE_43.match(token), token
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    assert len(set(tokens)) == len(tokens)


def test_the_database_stores_only_the_hash(english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    candidate, token = candidate_en()
    book(english_client, token, slot.id)
    send_due()  # mail goes to a folder in tests; afterwards the outbox keeps no working link either

    [invitation] = db.session.scalars(sa.select(Invitation).where(Invitation.candidate_id == candidate.id))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for table, rows in snapshot().items():
        for row in rows:
            for value in row:
                if isinstance(value, bytes):
                    value = value.decode("utf-8", "replace")
                assert token not in str(value), f"raw token stored in {table}"


def test_links_are_valid_for_eight_weeks_by_default(app, candidate_en):
    assert app.config["INVITATION_VALID_DAYS"] == 56
    before = utcnow()
    candidate, token = candidate_en()
    after = utcnow()

    expires_at = candidate.invitations[0].expires_at
    assert before + timedelta(days=56) <= expires_at <= after + timedelta(days=56)
    assert resolve_token(token, now=expires_at - timedelta(seconds=1)).candidate_id == candidate.id
    with pytest.raises(TokenExpired):
        resolve_token(token, now=expires_at)


def test_link_validity_follows_the_setting(app, candidate_en):
    app.config["INVITATION_VALID_DAYS"] = 7
    before = utcnow()

    candidate, _ = candidate_en()

    assert before + timedelta(days=7) <= candidate.invitations[0].expires_at <= utcnow() + timedelta(days=7)


def test_a_link_that_expires_before_the_conversation_is_kept_alive_by_the_booking(
    english_client, make_session, candidate_en
):
    slot = make_session(days_ahead=14).slots[0]
    candidate, token = candidate_en(expires_at=utcnow() + timedelta(days=3))

    book(english_client, token, slot.id)

    assert len(active_bookings()) == 1
    db.session.rollback()
    assert db.session.get(Invitation, candidate.invitations[0].id).expires_at > slot.ends_at
    assert english_client.get(f"/b/{token}").status_code == 200


def test_malformed_tokens_are_unknown(app):
    for token in ["", "short", "x" * 42, "x" * 44, "a" * 42 + "!", "é" * 43, "x" * 43]:
        with pytest.raises(TokenUnknown):
            resolve_token(token)
