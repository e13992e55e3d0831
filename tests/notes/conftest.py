"""Notes tests read pages in English (whatever catalogs are compiled) and start from a booked
conversation, made directly in the database."""

import uuid

import pytest

from app.extensions import db
from app.models import Booking, BookingStatus, PreparationNote
from tests.booking.helpers import set_english


@pytest.fixture
def sign_in(client, auth):
    """sign_in(role="recruiter") signs the test client in and reads pages in English."""

    def login(role: str = "recruiter"):
        auth.logout()  # signing in while signed in keeps the earlier account
        user = auth.login(role)
        set_english(client)  # signing in starts a fresh session, so the language comes after it
        return user

    return login


@pytest.fixture
def make_booking(make_session, make_candidate):
    """make_booking(days_ahead=14, slot=0, note=None, **candidate) -> a booked conversation."""

    def make(days_ahead: int = 14, slot: int = 0, feedback_session=None, note: dict | None = None,
             topics=("improve", "cv_profile"), question: str = "Wat mist er in mijn cv?",
             status: BookingStatus = BookingStatus.BOOKED, **candidate_values) -> Booking:
        feedback_session = feedback_session or make_session(days_ahead=days_ahead)
        candidate, _token = make_candidate(**candidate_values)
        booking = Booking(
            candidate=candidate,
            slot=feedback_session.slots[slot],
            topics=list(topics),
            question=question,
            uid=f"{uuid.uuid4()}@test",
            status=status,
        )
        db.session.add(booking)
        if note is not None:
            db.session.add(PreparationNote(booking=booking, **note))
        db.session.commit()
        return booking

    return make
