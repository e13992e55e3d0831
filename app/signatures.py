"""HMAC-SHA256 signatures of webhook bodies, in and out.

The portal's own scheme, for the webhooks it sends and for the generic webhook it receives, is Stripe's
and Calendly's: one header ``Feedback-Signature: t=<unix seconds>,v1=<hex>``, where the hex is the
HMAC-SHA256, under the endpoint's secret, of ``<t>.<body>`` (the raw bytes of the body). Signing the time
with the body lets a receiver refuse an old copy replayed later (the timestamp window). Several ``v1=``
parts may be sent while a secret is rotated; one matching part is enough.

Greenhouse signs the body alone: ``Signature: sha256 <hex>`` (HMAC-SHA256 of the body under the secret key
entered when the web hook was created in Greenhouse), without a time.

Every comparison is constant-time (``hmac.compare_digest``).
"""

import hashlib
import hmac
import re
import time

SIGNATURE_HEADER = "Feedback-Signature"
GREENHOUSE_HEADER = "Signature"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SignatureRefused(Exception):
    """A webhook's signature is missing, malformed, wrong, or too old; ``reason`` is a short code
    ("missing", "malformed", "mismatch", "timestamp") and the message says it in English."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The ``Feedback-Signature`` header's value for ``body`` sent at ``timestamp`` (now by default)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_hmac(secret, str(timestamp).encode('ascii') + b'.' + body)}"


def verify(header: str | None, secret: str, body: bytes, *, tolerance_seconds: int, now: float | None = None) -> int:
    """Check a ``Feedback-Signature`` header; returns its timestamp, or raises SignatureRefused."""
    if not header:
        raise SignatureRefused("missing", f"The {SIGNATURE_HEADER} header is missing.")
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and _HEX64.match(value):
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureRefused("malformed", f"The {SIGNATURE_HEADER} header must look like t=<unix time>,v1=<hex>.")
    expected = _hmac(secret, str(timestamp).encode("ascii") + b"." + body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureRefused("mismatch", "The signature does not match the body and the shared secret.")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_seconds:
        raise SignatureRefused("timestamp", f"The signature's timestamp is more than {tolerance_seconds} seconds "
                                            "away from now (an old delivery sent again, or a wrong clock).")
    return timestamp


def verify_greenhouse(header: str | None, secret: str, body: bytes) -> None:
    """Check Greenhouse's ``Signature: sha256 <hex>`` header, or raise SignatureRefused."""
    if not header:
        raise SignatureRefused("missing", f"The {GREENHOUSE_HEADER} header is missing.")
    algorithm, _, digest = header.strip().partition(" ")
    digest = digest.strip().lower()
    if algorithm.lower() != "sha256" or not _HEX64.match(digest):
        raise SignatureRefused("malformed", f"The {GREENHOUSE_HEADER} header must look like: sha256 <hex>.")
    if not hmac.compare_digest(_hmac(secret, body), digest):
        raise SignatureRefused("mismatch", "The signature does not match the body and the shared secret.")
