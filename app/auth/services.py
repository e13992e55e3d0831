"""Accounts and signing in. Wrong passwords are counted per account and client address (app/auth/throttle.py);
known and unknown addresses take the same way through ``authenticate``."""

import sqlalchemy as sa

from app.auth import throttle
from app.auth.passwords import (
    DUMMY_HASH,
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.auth.staff_sessions import end_all_sessions
from app.core.errors import DomainError
from app.database import utcnow
from app.extensions import db
from app.models import Role, User

LoginThrottled = throttle.LoginThrottled


class AccountError(DomainError):
    """An account could not be created or changed; ``message`` says why."""


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
    end_all_sessions(user)


def authenticate(email: str, password: str, *, address: str = "local") -> User | None:
    """The active account whose password this is, or None. Raises LoginThrottled after LOGIN_FAILURE_LIMIT
    wrong passwords for ``email`` from the client ``address``.

    An unknown address goes the same way as a known one: one lookup, one argon2 verification (against a
    dummy hash), one count of the failure, the same answer; so neither the answer nor its time tells
    which accounts exist. Does not commit.
    """
    throttle.check(email, address)
    user = find_user(email)
    right = verify_password(user.password_hash if user is not None else DUMMY_HASH, password or "")
    if not right or user is None or not user.active:
        throttle.count_failure(email, address)
        return None
    throttle.forget_failures(email, address)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user
