"""Booking tests read pages in English: the default language is Dutch, whose catalog may or may not
be compiled when the tests run, and a test must not depend on that."""

import pytest

from tests.booking.helpers import set_english


@pytest.fixture
def client(app):
    client = app.test_client()
    set_english(client)
    return client


@pytest.fixture
def candidate_en(make_candidate):
    """make_candidate with English as the candidate's language (mail is rendered in it)."""

    def make(**overrides):
        overrides.setdefault("language", "en")
        return make_candidate(**overrides)

    return make
