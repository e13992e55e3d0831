"""Accounts and signing in, with a back-off after repeated failures."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.auth.passwords import (
    DUMMY_HASH,
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.database import utcnow
from app.extensions import db
from app.models import Role, User

FREE_ATTEMPTS = 5
MAX_LOCK = timedelta(minutes=30)


class AccountError(Exception):
    """An account could not be created or changed; the message says why."""


class LoginLocked(Exception):
    def __init__(self, until: datetime):
        super().__init__("locked")
        self.until = until


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == (email or "").strip().lower()))


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_LENGTH:
        raise AccountError(f"password must be at least {MIN_LENGTH} characters")


def create_user(email: str, name: str, role: Role, password: str) -> User:
    """A new active account. Does not commit."""
    email = email.strip().lower()
    if find_user(email) is not None:
        raise AccountError(f"an account for {email} exists already")
    check_password_rules(password)
    user = User(email=email, name=name.strip() or email, role=role, password_hash=hash_password(password))
    db.session.add(user)
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and end every existing login session of this account. Does not commit."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_logins, user.locked_until = 0, None


def authenticate(email: str, password: str, *, now: datetime | None = None) -> User | None:
    """The user if the password is right; None otherwise. Raises LoginLocked during a back-off.

    After FREE_ATTEMPTS failures each further failure locks the account for twice as long
    (30 s, 1 min, 2 min ... at most 30 minutes).
    """
    now = now or utcnow()
    user = find_user(email)
    if user is None:
        verify_password(DUMMY_HASH, password or "")
        return None
    if user.locked_until and user.locked_until > now:
        raise LoginLocked(user.locked_until)
    if not verify_password(user.password_hash, password or "") or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= FREE_ATTEMPTS:
            lock = timedelta(seconds=30 * 2 ** (user.failed_logins - FREE_ATTEMPTS))
            user.locked_until = now + min(lock, MAX_LOCK)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    return user


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version, so a password or role change logs out."""
    raw_id, _, version = (user_id or "").partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user
