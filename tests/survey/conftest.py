"""Survey tests read pages in English (the catalogs may or may not be compiled when the tests run)."""

import pytest

from tests.booking.helpers import set_english


@pytest.fixture
def client(app):
    client = app.test_client()
    set_english(client)
    return client


@pytest.fixture
def recruiter(auth, client):
    """Signed in as a recruiter (signing in starts a new session, so English is chosen again)."""
    user = auth.login("recruiter")
    set_english(client)
    return user


@pytest.fixture
def candidate_en(make_candidate):
    def make(**overrides):
        overrides.setdefault("language", "en")
        return make_candidate(**overrides)

    return make


@pytest.fixture
def english(app):
    """Messages made outside a request (service functions called directly) in English."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
