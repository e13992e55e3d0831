"""Asking for the link again: the same answer for every address, a fresh working link only for a
known candidate whose link is still valid."""

import re
from datetime import timedelta

from app.database import utcnow
from tests.booking.helpers import page_text
from tests.conftest import outbox

LINK = re.compile(r"http://portal\.test(/b/([A-Za-z0-9_-]{43}))")


def _ask(client, address: str):
    response = client.post("/link", data={"email": address})
    return response, page_text(client.get(response.location)) if response.status_code == 302 else None


def test_known_and_unknown_address_get_the_same_answer_and_only_the_known_one_a_link(client, candidate_en):
    candidate, old_token = candidate_en(name="Sanne de Vries", email="Sanne.deVries@example.org")

    known, known_page = _ask(client, "  sanne.devries@EXAMPLE.org ")
    unknown, unknown_page = _ask(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert known_page == unknown_page
    assert "a new link is on its way" in known_page

    [message] = outbox()
    assert message.kind == "link_resent"
    assert message.candidate_id == candidate.id
    assert "Sanne.deVries@example.org" in message.to_address
    path, new_token = LINK.search(message.body_text).groups()
    assert new_token != old_token

    page = client.get(path)
    assert page.status_code == 200
    assert "Hello Sanne," in page_text(page)
    assert client.get(f"/b/{old_token}").status_code == 200  # the old link keeps working too


def test_no_link_for_a_candidate_whose_link_has_expired(client, candidate_en):
    candidate_en(email="verlopen@example.org", expires_at=utcnow() - timedelta(days=1))
    _, reference_page = _ask(client, "nobody@example.org")

    response, page = _ask(client, "verlopen@example.org")

    assert response.status_code == 302
    assert page == reference_page
    assert outbox() == []


def test_not_an_address(client, candidate_en):
    candidate_en()

    response = client.post("/link", data={"email": "not an address"})

    assert response.status_code == 422
    assert "does not look like an e-mail address" in page_text(response)
    assert outbox() == []


def test_a_control_character_in_the_address_is_refused_not_a_500(client, candidate_en):
    candidate_en(email="sanne@example.org")

    response = client.post("/link", data={"email": "sanne\x00@example.org"})

    assert response.status_code == 422
    assert outbox() == []
