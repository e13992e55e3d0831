"""Staff sessions end: on signing out (also for a saved copy of the cookie), after 30 minutes without a
request, 12 hours after signing in, and everywhere on a password or role change; a remember-me cookie
opens nothing."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from flask import request_finished, request_started
from flask_login.utils import encode_cookie

from app.auth.staff_sessions import SEEN_KEY
from app.database import utcnow
from app.extensions import db
from app.models import StaffSession
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import page_text, set_english

CANDIDATES = "/recruiter/candidates/"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(app, value: str):
    """A second browser holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _last_seen(client, seconds_ago: float) -> None:
    with client.session_transaction() as cookie:
        cookie[SEEN_KEY] = int(time.time() - seconds_ago)


def test_a_cookie_saved_before_signing_out_no_longer_opens_staff_pages(app, client, auth):
    auth.login("recruiter")
    saved = _cookie(client)
    assert _with_cookie(app, saved).get("/recruiter/").status_code == 200

    auth.logout()

    response = _with_cookie(app, saved).get("/recruiter/")
    assert response.status_code == 302 and urlsplit(response.location).path == "/login"
    assert client.get("/recruiter/").status_code == 302
    assert db.session.scalars(sa.select(StaffSession)).all() == []


def test_signing_out_ends_only_that_sign_in(app, client, auth, make_user):
    user = auth.login("recruiter")
    phone = app.test_client()
    assert phone.post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302

    auth.logout()

    assert phone.get("/recruiter/").status_code == 200
    assert client.get("/recruiter/").status_code == 302


def test_after_30_idle_minutes_the_sign_in_page_says_why_and_leads_back(app, client, auth):
    user = auth.login("recruiter")
    set_english(client)
    _last_seen(client, 29 * 60)
    assert client.get(CANDIDATES).status_code == 200  # still within the idle time

    _last_seen(client, 31 * 60)
    response = client.get(f"{CANDIDATES}?q=Jansen")

    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/login" and parse_qs(location.query)["next"] == [f"{CANDIDATES}?q=Jansen"]
    page = page_text(client.get(response.location))
    assert "You were signed out after 30 minutes without activity" in page
    assert client.get(CANDIDATES).status_code == 302  # the cookie forgot the sign-in
    again = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD,
                                        "next": parse_qs(location.query)["next"][0]})
    assert again.location == f"{CANDIDATES}?q=Jansen"
    assert client.get(CANDIDATES).status_code == 200


def test_the_idle_timeout_is_said_in_dutch_too(app, client, auth):
    auth.login("recruiter")
    _last_seen(client, 31 * 60)
    response = client.get(CANDIDATES)
    assert "Je bent afgemeld na 30 minuten zonder activiteit" in page_text(client.get(response.location))


def test_using_the_portal_keeps_the_session_alive_without_writing_to_the_database(app, client, auth):
    auth.login("recruiter")
    _last_seen(client, 20 * 60)
    writes: list[str] = []
    during = {"request": False}

    def started(sender, **extra):
        during["request"] = True

    def finished(sender, response, **extra):
        during["request"] = False

    def record(connection, cursor, statement, parameters, context, executemany):
        if during["request"] and statement.split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    request_started.connect(started, app)
    request_finished.connect(finished, app)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/recruiter/").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
        request_started.disconnect(started, app)
        request_finished.disconnect(finished, app)

    assert writes == []
    with client.session_transaction() as cookie:
        assert time.time() - cookie[SEEN_KEY] < 60  # "last seen" moved on in the signed cookie


def test_the_idle_time_is_a_setting(app, client, auth):
    app.config["STAFF_SESSION_IDLE_MINUTES"] = 5
    auth.login("recruiter")
    _last_seen(client, 6 * 60)
    assert client.get("/recruiter/").status_code == 302


def test_a_session_ends_12_hours_after_signing_in_however_busy(app, client, auth):
    auth.login("recruiter")
    set_english(client)
    [row] = db.session.scalars(sa.select(StaffSession)).all()
    row.created_at = utcnow() - timedelta(hours=11, minutes=59)
    db.session.commit()
    assert client.get("/recruiter/").status_code == 200

    row.created_at = utcnow() - timedelta(hours=12, seconds=1)
    db.session.commit()
    response = client.get(CANDIDATES)

    assert response.status_code == 302
    assert "You were signed out because you signed in 12 hours ago" in page_text(client.get(response.location))


def test_the_lifetime_is_a_setting(app, client, auth):
    app.config["STAFF_SESSION_LIFETIME_HOURS"] = 1
    auth.login("recruiter")
    db.session.execute(sa.update(StaffSession).values(created_at=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    assert client.get("/recruiter/").status_code == 302


def test_a_remember_me_cookie_opens_nothing(app, client, auth, make_user):
    user = make_user("admin")
    browser = app.test_client()
    browser.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert browser.get("/admin/users").status_code == 302

    auth.login(user=user)
    _last_seen(client, 31 * 60)
    client.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert client.get("/admin/users").status_code == 302  # nor brings an idle session back


def test_a_role_change_and_a_password_reset_end_every_session_of_that_person(app, client, auth, make_user):
    auth.login("admin")
    target = make_user("recruiter")
    browser = app.test_client()
    browser.post("/login", data={"email": target.email, "password": STAFF_PASSWORD})
    saved = _cookie(browser)
    assert browser.get("/recruiter/").status_code == 200

    client.post(f"/admin/users/{target.id}", data={"name": target.name, "role": "hr"})
    assert browser.get("/hr/").status_code == 302
    assert _with_cookie(app, saved).get("/recruiter/").status_code == 302

    browser.post("/login", data={"email": target.email, "password": STAFF_PASSWORD})
    assert browser.get("/hr/").status_code == 200
    client.post(f"/admin/users/{target.id}/password")
    assert browser.get("/hr/").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffSession)
                             .where(StaffSession.user_id == target.id)) == 0


def test_the_server_keeps_only_a_hash_of_the_session_id(app, client, auth):
    auth.login("recruiter")
    with client.session_transaction() as cookie:
        secret = cookie["_staff_session"]
    [row] = db.session.scalars(sa.select(StaffSession)).all()
    assert secret not in row.token_hash and len(row.token_hash) == 64
