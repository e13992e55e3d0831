"""Migration 0005 on a database with data: accounts and what refers to them stay, existing personal links
keep working, and e-mails that had already failed keep no working link."""

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.tokens import hash_token, resolve_token

T = UTCDateTime()


def _tables() -> dict[str, sa.Table]:
    """The tables this test fills, as they are at revision 0004."""
    meta = sa.MetaData()
    when = ("created_at", "updated_at", "starts_at", "ends_at", "expires_at", "next_attempt_at")

    def table(name, *columns):
        return sa.Table(name, meta, *(sa.Column(c, T) if c in when else sa.Column(c) for c in columns))

    return {
        "user_account": table("user_account", "id", "email", "name", "password_hash", "role", "active",
                              "session_version", "failed_logins", "created_at"),
        "feedback_session": table("feedback_session", "id", "starts_at", "ends_at", "slot_minutes", "breaks",
                                  "location", "video_url", "status", "created_at", "updated_at"),
        "session_host": table("session_host", "session_id", "user_id"),
        "candidate": table("candidate", "id", "ref", "name", "email", "vacancy", "department", "stage",
                           "rejected_on", "language", "created_at"),
        "invitation": table("invitation", "id", "candidate_id", "token_hash", "created_at", "expires_at"),
        "outbox_message": table("outbox_message", "id", "kind", "candidate_id", "to_address", "subject",
                                "body_text", "body_html", "ics", "status", "attempts", "next_attempt_at",
                                "created_at"),
    }


def test_upgrading_keeps_accounts_and_links_and_hides_the_links_of_failed_emails(empty_database):
    upgrade(revision="0004")
    t, now = _tables(), utcnow()
    token = secrets.token_urlsafe(32)
    link = f"http://portal.test/b/{token}"
    ics = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDESCRIPTION:Bekijk of verzet je afspraak: " + link + "\r\n"
           "URL:" + link + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    folded = "\r\n".join(line[:70] + ("\r\n " + line[70:] if len(line) > 70 else "") for line in ics.split("\r\n"))
    with db.engine.begin() as connection:
        connection.execute(t["user_account"].insert(), [{
            "id": 1, "email": "r@example.org", "name": "R", "password_hash": "x", "role": "recruiter",
            "active": True, "session_version": 0, "failed_logins": 3, "created_at": now}])
        connection.execute(t["feedback_session"].insert(), [{
            "id": 1, "starts_at": now, "ends_at": now + timedelta(hours=2), "slot_minutes": 15, "breaks": "[]",
            "location": "", "video_url": "", "status": "published", "created_at": now, "updated_at": now}])
        connection.execute(t["session_host"].insert(), [{"session_id": 1, "user_id": 1}])
        connection.execute(t["candidate"].insert(), [{
            "id": 1, "ref": "r1", "name": "Noor", "email": "noor@example.org", "vacancy": "V", "department": "",
            "stage": "interview", "rejected_on": date.today(), "language": "nl", "created_at": now}])
        connection.execute(t["invitation"].insert(), [{
            "id": 1, "candidate_id": 1, "token_hash": hash_token(token), "created_at": now,
            "expires_at": now + timedelta(days=30)}])
        connection.execute(t["outbox_message"].insert(), [
            {"id": n, "kind": "booking_confirmed", "candidate_id": 1, "to_address": "noor@example.org",
             "subject": "S", "body_text": f"Je link: {link}", "body_html": f'<a href="{link}">link</a>',
             "ics": folded.encode(), "status": status, "attempts": 1, "next_attempt_at": now, "created_at": now}
            for n, status in ((1, "failed"), (2, "pending"))])

    upgrade()

    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT email FROM user_account")).scalars().all() == ["r@example.org"]
        assert connection.execute(sa.text("SELECT user_id FROM session_host")).scalars().all() == [1]
        assert connection.execute(sa.text("SELECT nonce FROM invitation")).scalars().all() == [None]
        rows = {r.id: r for r in connection.execute(
            sa.text("SELECT id, body_text, body_html, ics FROM outbox_message"))}
    assert resolve_token(token).candidate_id == 1  # the link from before keeps working
    db.session.rollback()
    failed, pending = rows[1], rows[2]
    assert token not in failed.body_text and "http://portal.test/b/…" in failed.body_text
    assert token not in failed.body_html and 'href="http://portal.test/b/…"' in failed.body_html
    unfolded = bytes(failed.ics).replace(b"\r\n ", b"").decode()
    assert token not in unfolded and "URL:http://portal.test/b/…" in unfolded
    assert all(len(line.encode()) <= 75 for line in bytes(failed.ics).decode().split("\r\n"))
    assert token in pending.body_text  # a waiting e-mail still goes out with its link

    downgrade(revision="0004")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT failed_logins FROM user_account")).scalars().all() == [0]
    upgrade()
