"""Session-planning tests read pages in English and sign in as a recruiter unless they say otherwise."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Booking
from tests.booking.helpers import set_english


@pytest.fixture
def client(app):
    client = app.test_client()
    set_english(client)
    return client


@pytest.fixture
def recruiter(auth, client):
    """A signed-in recruiter (the test client carries their session). Signing in starts a fresh
    session, so English is pinned again afterwards."""
    user = auth.login("recruiter")
    set_english(client)
    return user


@pytest.fixture
def book(make_candidate):
    """book(slot, **candidate overrides) -> a booking made through the booking rules, as a candidate would."""
    from app.booking.services import book_slot

    def make(slot, **overrides):
        overrides.setdefault("language", "en")
        candidate, token = make_candidate(**overrides)
        booking = book_slot(candidate, slot.id, ["improve"], "", token=token)
        return db.session.scalar(sa.select(Booking).where(Booking.id == booking.id))

    return make


@pytest.fixture
def make_session(make_session):
    """The shared make_session, plus ``hosts=[user, ...]``."""

    def make(*args, hosts=(), **overrides):
        session = make_session(*args, **overrides)
        if hosts:
            session.hosts = list(hosts)
            db.session.commit()
        return session

    return make


@pytest.fixture
def english(app):
    """A request context in English, for service functions whose messages are translated."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield
