"""Wrong passwords, counted per account and client address.

After ``LOGIN_FAILURE_LIMIT`` wrong passwords for one address (known or not) from one client address, that
pair waits until the window has moved on; the owner of the account, signing in from their own address, is
not affected, so that nobody can lock an account out by guessing its password. (Every attempt from one
client address is limited as well, more loosely: ``LOGIN_RATE_LIMIT`` in app/auth/routes.py.)

The counters live in ``RATELIMIT_STORAGE_URI`` (Redis in production, so that every worker counts the same)
under a keyed hash of the address typed, never the address itself. They are on even with
``RATELIMIT_ENABLED=false``, which only switches off the limits that shed load.
"""

import hashlib
import hmac
import math
import time

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

_EXTENSION = "auth.login_throttle"  # key in app.extensions: (storage URI, limiter)


class LoginThrottled(Exception):
    """Too many wrong passwords for this account from this client address; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__("throttled")
        self.retry_after = retry_after


def _limiter() -> MovingWindowRateLimiter:
    """The counters' store, made on first use for the storage the settings name now."""
    config = current_app.config
    uri = config["RATELIMIT_STORAGE_URI"]
    made = current_app.extensions.get(_EXTENSION)
    if made is None or made[0] != uri:
        storage = storage_from_string(uri, **(config.get("RATELIMIT_STORAGE_OPTIONS") or {}))
        made = (uri, MovingWindowRateLimiter(storage))
        current_app.extensions[_EXTENSION] = made
    return made[1]


def _limit() -> RateLimitItem:
    return parse(current_app.config["LOGIN_FAILURE_LIMIT"])


def _identifiers(email: str, address: str) -> tuple[str, ...]:
    key = current_app.config["SECRET_KEY"]
    key = key if isinstance(key, bytes) else key.encode("utf-8")
    account = hmac.new(key, (email or "").strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()[:32]
    return "login-failures", current_app.config.get("RATELIMIT_KEY_PREFIX") or "-", account, address or "-"


def check(email: str, address: str) -> None:
    """Raise LoginThrottled if this account may not be tried from this address now."""
    limiter, limit, identifiers = _limiter(), _limit(), _identifiers(email, address)
    if not limiter.test(limit, *identifiers):
        reset_at = limiter.get_window_stats(limit, *identifiers).reset_time
        raise LoginThrottled(max(1, math.ceil(reset_at - time.time())))


def count_failure(email: str, address: str) -> None:
    _limiter().hit(_limit(), *_identifiers(email, address))


def forget_failures(email: str, address: str) -> None:
    """After a good password: the earlier mistakes from this address no longer count."""
    _limiter().clear(_limit(), *_identifiers(email, address))
