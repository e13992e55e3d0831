"""Migration 0013 (ways of talking, several hosts) on a database with data: bookings keep their notes (SQLite
adds the columns in place rather
than rebuilding the table, which would cascade), sessions and bookings take the way of talking they had, and
the one-booking-per-place rule holds from then on."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.exc import IntegrityError

from app.database import UTCDateTime, utcnow
from app.extensions import db

T = UTCDateTime()
WHEN = ("created_at", "updated_at", "starts_at", "ends_at")


def _table(meta, name, *columns):
    return sa.Table(name, meta, *(sa.Column(c, T) if c in WHEN else sa.Column(c) for c in columns))


def test_upgrading_keeps_bookings_and_notes_and_reads_the_old_places(empty_database):
    upgrade(revision="0007_integrations")
    meta, now = sa.MetaData(), utcnow()
    later = now + timedelta(minutes=15)
    sessions = _table(meta, "feedback_session", "id", "starts_at", "ends_at", "slot_minutes", "breaks", "location",
                      "video_url", "status", "created_at", "updated_at")
    slots = _table(meta, "slot", "id", "session_id", "starts_at", "ends_at")
    candidates = _table(meta, "candidate", "id", "ref", "name", "email", "vacancy", "department", "stage",
                        "rejected_on", "language", "created_at")
    bookings = _table(meta, "booking", "id", "candidate_id", "slot_id", "status", "topics", "question", "uid",
                      "sequence", "created_at", "updated_at")
    notes = _table(meta, "preparation_note", "id", "booking_id", "went_well", "why_not", "advice", "free_notes",
                   "updated_at")
    with db.engine.begin() as connection:
        connection.execute(sessions.insert(), [
            {"id": n, "starts_at": now, "ends_at": later, "slot_minutes": 15, "breaks": "[]", "location": location,
             "video_url": video, "status": "published", "created_at": now, "updated_at": now}
            for n, location, video in ((1, "Spreekkamer 3", ""), (2, "", "https://meet.example.org/x"))])
        connection.execute(slots.insert(), [{"id": n, "session_id": n, "starts_at": now, "ends_at": later}
                                            for n in (1, 2)])
        connection.execute(candidates.insert(), [
            {"id": n, "ref": f"r{n}", "name": "Noor", "email": f"n{n}@example.org", "vacancy": "V",
             "department": "", "stage": "interview", "rejected_on": now.date(), "language": "nl", "created_at": now}
            for n in (1, 2, 3)])
        connection.execute(bookings.insert(), [
            {"id": n, "candidate_id": n, "slot_id": n, "status": "booked", "topics": '["improve"]', "question": "",
             "uid": f"u{n}", "sequence": 0, "created_at": now, "updated_at": now} for n in (1, 2)])
        connection.execute(notes.insert(), [{"id": 1, "booking_id": 1, "went_well": "Sterk", "why_not": "",
                                             "advice": "", "free_notes": "", "updated_at": now}])

    upgrade()

    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT went_well FROM preparation_note")).scalars().all() == ["Sterk"]
        assert connection.execute(sa.text(
            "SELECT id, mode, phone, host_id FROM booking ORDER BY id")).all() == [(1, "on_site", "", None),
                                                                                  (2, "video", "", None)]
        offered = connection.execute(sa.text(
            "SELECT id, offers_on_site, offers_video, offers_phone FROM feedback_session ORDER BY id")).all()
        assert [(i, bool(a), bool(b), bool(c)) for i, a, b, c in offered] == [(1, True, False, False),
                                                                             (2, False, True, False)]
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # still one booking per slot without hosts
        connection.execute(bookings.insert(), [{"id": 3, "candidate_id": 3, "slot_id": 1, "status": "booked",
                                                "topics": "[]", "question": "", "uid": "u3", "sequence": 0,
                                                "created_at": now, "updated_at": now}])
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # a phone call needs a number
        connection.execute(sa.text("UPDATE booking SET mode = 'phone' WHERE id = 1"))
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # a session offers some way
        connection.execute(sa.text("UPDATE feedback_session SET offers_on_site = false, offers_video = false "
                                   "WHERE id = 1"))
