"""Session-planning tests read pages in English (``english_client``) and sign in as a recruiter
(``recruiter``) unless they say otherwise."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Booking


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
