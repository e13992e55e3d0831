"""Staff sessions: each sign-in is a row on the server, which signing out deletes, and it ends after
``STAFF_SESSION_IDLE_MINUTES`` without a request and ``STAFF_SESSION_LIFETIME_HOURS`` after signing in
(OWASP ASVS V3.3).

Flask's session is a signed cookie that the browser keeps: on its own, a copy saved before signing out
would still work. So the cookie also carries a random id of the sign-in, of which the server keeps only
the SHA-256 (``StaffSession``), and Flask-Login's user loader accepts the cookie only while that row
exists; signing out deletes it, a password, role or account change deletes all of the person's rows. When
the browser was last seen is kept in the signed cookie (refreshed at most once a minute), so that staff
pages that only read write nothing to the database; the check against the row is one statement, which
loads the user as well. A remember-me cookie carries no sign-in id and so opens nothing.
"""

import hashlib
import secrets
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app.database import utcnow
from app.extensions import db
from app.models import StaffSession, User

SESSION_ID_KEY = "_staff_session"  # in the cookie: the random id of this sign-in
SEEN_KEY = "_staff_seen"  # in the cookie: when this browser last asked for a staff page (Unix seconds)
SEEN_PRECISION_SECONDS = 60  # "last seen" is refreshed at most this often, not at every request
_FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember_seconds")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["STAFF_SESSION_LIFETIME_HOURS"])


def start_staff_session(user: User, *, now: datetime | None = None) -> None:
    """Sign ``user`` in in this browser: a new server-side session and its id in the cookie. Sessions
    past their lifetime (anyone's) are deleted on the way. Does not commit."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    db.session.execute(sa.delete(StaffSession).where(StaffSession.created_at <= now - _lifetime()))
    db.session.add(StaffSession(user_id=user.id, token_hash=_hash(secret), created_at=now))
    login_user(user)
    session[SESSION_ID_KEY] = secret
    session[SEEN_KEY] = int(time.time())


def end_staff_session() -> None:
    """Sign this browser out: its session is deleted on the server, so that no copy of the cookie works
    any more. Does not commit."""
    secret = session.get(SESSION_ID_KEY)
    if isinstance(secret, str):
        db.session.execute(sa.delete(StaffSession).where(StaffSession.token_hash == _hash(secret)))
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Sign ``user`` out everywhere (a new password or role, a deactivated account). Does not commit."""
    user.session_version += 1
    db.session.execute(sa.delete(StaffSession).where(StaffSession.user_id == user.id))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the signed-in user, if this browser's session still holds on the server, has
    not been idle too long and is within its lifetime; None otherwise (and the cookie forgets it).

    The id carries the session version, so a password or role change ends older sessions too."""
    raw_id, _, version = (user_id or "").partition(":")
    secret, seen = session.get(SESSION_ID_KEY), session.get(SEEN_KEY)
    if not raw_id.isdigit() or not version.isdigit() or not isinstance(secret, str) or not isinstance(seen, int):
        return _forget(None)
    now = time.time()
    if now - seen > current_app.config["STAFF_SESSION_IDLE_MINUTES"] * 60:
        return _forget("idle")
    row = db.session.execute(
        sa.select(User, StaffSession.created_at).join(StaffSession, StaffSession.user_id == User.id)
        .where(StaffSession.token_hash == _hash(secret))
    ).one_or_none()
    if row is None:
        return _forget(None)
    user, created_at = row
    if user.id != int(raw_id) or user.session_version != int(version) or not user.active:
        return _forget(None)
    if created_at + _lifetime() <= utcnow():
        return _forget("lifetime")
    if now - seen >= SEEN_PRECISION_SECONDS:
        session[SEEN_KEY] = int(now)
    return user


def _forget(reason: str | None) -> None:
    """Drop this browser's sign-in from its cookie; ``reason`` ("idle", "lifetime") is told on the sign-in page."""
    for key in (SESSION_ID_KEY, SEEN_KEY, *_FLASK_LOGIN_KEYS):
        session.pop(key, None)
    if reason:
        g.staff_session_ended = reason
    return None


def send_to_sign_in():
    """Flask-Login's answer to a visitor who is not signed in (or no longer): the sign-in page, saying why
    when a session timed out, and back to the page they were on after signing in."""
    reason = g.pop("staff_session_ended", None)
    if reason == "idle":
        flash(_("You were signed out after %(minutes)s minutes without activity. Sign in again to continue "
                "where you were.", minutes=current_app.config["STAFF_SESSION_IDLE_MINUTES"]), "info")
    elif reason == "lifetime":
        flash(_("You were signed out because you signed in %(hours)s hours ago. Sign in again to continue "
                "where you were.", hours=current_app.config["STAFF_SESSION_LIFETIME_HOURS"]), "info")
    return redirect(url_for("auth.sign_in", next=_where_they_were()))


def _where_they_were() -> str | None:
    """The page to return to: this one for a GET, the page the form was sent from otherwise (only a path
    on this site; the sign-in page checks it again)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")
