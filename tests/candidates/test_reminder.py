"""The one gentle reminder: to invited candidates who did nothing with their link after
INVITE_REMINDER_DAYS, while the link works; never twice, never to someone who booked or waits."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.booking.services import join_waitlist
from app.database import utcnow
from app.extensions import db
from app.mail.worker import run_scheduled, send_due
from app.models import Booking, BookingStatus, Candidate
from tests.candidates.helpers import page_text
from tests.helpers import outbox


@pytest.fixture
def invited(make_candidate):
    """invited(days_ago=8, **overrides) -> a candidate whose rejection e-mail went out ``days_ago`` days ago."""

    def make(days_ago: float = 8, **overrides) -> tuple[Candidate, str]:
        overrides.setdefault("language", "en")
        candidate, token = make_candidate(**overrides)
        candidate.invited_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return candidate, token

    return make


def test_the_reminder_goes_once(app, invited, smtp_server, english_client):
    anna, _ = invited(name="Anna de Vries")
    run_scheduled()
    [reminder] = outbox("invite_reminder")
    assert reminder.candidate_id == anna.id
    assert reminder.subject == "Would you still like a feedback conversation?"
    assert "This is the only reminder we send." in reminder.body_text
    assert db.session.get(Candidate, anna.id).invite_reminder_at is not None

    run_scheduled()
    run_scheduled(now=utcnow() + timedelta(days=20))
    assert len(outbox("invite_reminder")) == 1

    send_due()
    [received] = smtp_server.messages
    link = received.get_body(("plain",)).get_content().split("http://portal.test", 1)[1].split()[0]
    page = english_client.get(link)
    assert page.status_code == 200 and "Anna" in page_text(page)


def test_not_before_the_configured_number_of_days(app, invited):
    invited(days_ago=3)
    run_scheduled()
    assert outbox("invite_reminder") == []
    app.config["INVITE_REMINDER_DAYS"] = 2
    run_scheduled()
    assert len(outbox("invite_reminder")) == 1


def test_no_reminder_for_who_booked_waits_or_has_no_working_link(app, invited, make_candidate, make_session):
    session = make_session()
    booked, _ = invited(name="Booked Person")
    db.session.add(Booking(candidate=booked, slot=session.slots[0], uid="uid-booked@test"))
    cancelled, _ = invited(name="Cancelled Person")
    db.session.add(Booking(candidate=cancelled, slot=session.slots[1], uid="uid-cancelled@test",
                           status=BookingStatus.CANCELLED, cancelled_at=utcnow()))
    db.session.commit()
    waiting, _ = invited(name="Waiting Person")
    join_waitlist(waiting)
    invited(name="Expired Link", expires_at=utcnow() - timedelta(days=1))
    make_candidate(name="Never Invited")  # has a link, but the rejection e-mail never went out

    run_scheduled()
    assert outbox("invite_reminder") == []
    assert all(c.invite_reminder_at is None for c in db.session.scalars(sa.select(Candidate)))
