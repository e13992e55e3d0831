"""Secrets the portal must be able to read again (the shared secrets of webhooks, in and out), kept
encrypted in the database under a key derived from SECRET_KEY.

Unlike a password or an API key, an HMAC secret cannot be stored as a hash: the portal needs it to sign
and to check signatures. So the database holds it encrypted (Fernet: AES-128-CBC with an HMAC-SHA256),
and a stolen database alone holds no usable secret. After a key rotation, secrets stored under an earlier
key are still read while that key is listed in SECRET_KEY_FALLBACKS.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

_CONTEXT = b"feedbackspreekuur:secretbox:v1:"


def _fernet(key: str | bytes) -> Fernet:
    raw = key if isinstance(key, bytes) else key.encode("utf-8")
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(_CONTEXT + raw).digest()))


def _box() -> MultiFernet:
    config = current_app.config
    keys = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]
    return MultiFernet([_fernet(key) for key in keys])


def seal(secret: str) -> str:
    """``secret`` encrypted under the current SECRET_KEY, as text for a database column."""
    return _box().encrypt(secret.encode("utf-8")).decode("ascii")


def open_sealed(sealed: str) -> str | None:
    """The secret again; None when no key the portal has can read it (SECRET_KEY changed without keeping
    the old one in SECRET_KEY_FALLBACKS): the administrator makes a new secret then."""
    try:
        return _box().decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError, UnicodeError):
        return None
