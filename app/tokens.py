"""Personal links: a token of 256 bits, of which only the SHA-256 is stored.

A token is the HMAC-SHA256 of a random nonce (256 bits, kept with the invitation) under the server's
secret key: the database alone holds no working link, and the portal can build the same link again (the
lost-link form, a reminder, a failed e-mail sent again) instead of making a new one every time. A link
built under a key that has since been rotated is rebuilt under ``SECRET_KEY_FALLBACKS``; looking a link
up needs no key at all (its hash), so every link keeps working when the key changes."""

import base64
import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.orm import joinedload

from app.database import UTCDateTime, connection_for_reads, utcnow
from app.extensions import db
from app.models import BookingStatus, Candidate, Invitation, first_name

TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class TokenUnknown(Exception):
    """No invitation has this token (mistyped, cut off, tampered with, or erased)."""


class TokenExpired(Exception):
    """The invitation exists but has expired or was revoked."""


@dataclass(frozen=True)
class Link:
    """A working personal link as every page reached through it needs it: whose it is, their language,
    and whether they have a booking ahead or a conversation behind them. Read as one row without the
    ORM, since every such page asks for it and the busiest of them (the booking page, when the rejection
    e-mails have just gone out) needs no more; a view that needs the candidate itself, to change
    something or to show their booking, calls ``current_candidate()``."""

    candidate_id: int
    name: str
    vacancy: str
    language: str
    has_open_booking: bool
    had_conversation: bool

    @property
    def first_name(self) -> str:
        return first_name(self.name)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


_LINK_LABEL = b"feedback-hour personal link\x00"  # keeps these HMACs apart from anything else under the key


def _key_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else key.encode("utf-8")


def token_for_nonce(nonce: str, key: str | bytes | None = None) -> str:
    """The token of the invitation with ``nonce``, under ``key`` (default: the current SECRET_KEY)."""
    key = current_app.config["SECRET_KEY"] if key is None else key
    digest = hmac.new(_key_bytes(key), _LINK_LABEL + nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _new_link() -> tuple[str, str]:
    """A fresh (nonce, token)."""
    nonce = secrets.token_urlsafe(TOKEN_BYTES)
    return nonce, token_for_nonce(nonce)


def rebuild_token(invitation: Invitation) -> str | None:
    """The token of ``invitation`` built again from its nonce, under the current key or a fallback key;
    None for a link made before nonces existed or under a key the portal no longer has."""
    if not invitation.nonce:
        return None
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or ())]
    for key in keys:
        token = token_for_nonce(invitation.nonce, key)
        if hmac.compare_digest(hash_token(token), invitation.token_hash):
            return token
    return None


def issue_invitation(candidate: Candidate, *, expires_at: datetime | None = None) -> str:
    """Create a personal link for ``candidate`` and return its token (never stored as such)."""
    if expires_at is None:
        expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
    nonce, token = _new_link()
    db.session.add(Invitation(candidate=candidate, nonce=nonce, token_hash=hash_token(token), expires_at=expires_at))
    return token


def issue_invitations(candidates: Sequence[Candidate], *, expires_at: datetime) -> dict[int, str]:
    """A personal link for each of ``candidates`` (by id) in one batched INSERT, for a selection of rejection
    e-mails. Candidates whose links were loaded see the new ones after the commit."""
    links = {c.id: _new_link() for c in candidates}
    now = utcnow()
    db.session.execute(sa.insert(Invitation), [
        {"candidate_id": cid, "nonce": nonce, "token_hash": hash_token(token), "created_at": now,
         "expires_at": expires_at}
        for cid, (nonce, token) in links.items()])
    return {cid: token for cid, (_, token) in links.items()}


def valid_token(candidate: Candidate, *, now: datetime | None = None) -> str:
    """A working link of ``candidate`` for an e-mail: the longest-living valid link that can be built
    again, so that every e-mail carries the link the candidate already has; otherwise (all revoked or
    expired, or made before links could be rebuilt) a new one that lives as long as the longest-living
    valid link. Does not commit."""
    now = now or utcnow()
    valid = sorted((i for i in candidate.invitations if i.revoked_at is None and i.expires_at > now),
                   key=lambda i: i.expires_at, reverse=True)
    for invitation in valid:
        token = rebuild_token(invitation)
        if token is not None:
            return token
    return issue_invitation(candidate, expires_at=valid[0].expires_at if valid else None)


# The invitation with what ``Link`` holds of its candidate, in one round trip. Every page reached through a
# link runs it, the booking page hundreds of times a minute when the rejection e-mails have gone out: as
# text, SQLAlchemy finds it compiled under its string, where a select() would build and hash a cache key
# of some 600 parts at every run. (The statuses are constants of the code, not input.)
_LINK_BY_HASH = sa.text(f"""
    SELECT invitation.expires_at, invitation.revoked_at,
           candidate.id, candidate.name, candidate.vacancy, candidate.language,
           EXISTS (SELECT 1 FROM booking
                   WHERE booking.candidate_id = candidate.id
                     AND booking.status = '{BookingStatus.BOOKED}') AS has_open_booking,
           EXISTS (SELECT 1 FROM booking
                   WHERE booking.candidate_id = candidate.id
                     AND booking.status IN ('{BookingStatus.ATTENDED}', '{BookingStatus.NO_SHOW}')) AS had_conversation
    FROM invitation JOIN candidate ON candidate.id = invitation.candidate_id
    WHERE invitation.token_hash = :token_hash
""").columns(
    sa.column("expires_at", UTCDateTime), sa.column("revoked_at", UTCDateTime),
    sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("vacancy", sa.String),
    sa.column("language", sa.String), sa.column("has_open_booking", sa.Boolean),
    sa.column("had_conversation", sa.Boolean),
)


def resolve_token(token: str, *, now: datetime | None = None) -> Link:
    """The working link behind ``token``; raises TokenUnknown or TokenExpired.

    One Core statement (``connection_for_reads``), without building ORM objects."""
    if not _TOKEN_SHAPE.match(token or ""):
        raise TokenUnknown()
    with connection_for_reads() as connection:
        row = connection.execute(_LINK_BY_HASH, {"token_hash": hash_token(token)}).one_or_none()
    if row is None:
        raise TokenUnknown()
    now = now or utcnow()
    if row.revoked_at is not None or row.expires_at <= now:
        raise TokenExpired()
    return Link(row.id, row.name, row.vacancy, row.language, row.has_open_booking, row.had_conversation)


@functools.cache
def _candidate_with_bookings() -> sa.Select:
    return (sa.select(Candidate).where(Candidate.id == sa.bindparam("candidate_id"))
            .options(joinedload(Candidate.bookings)))


def current_candidate() -> Candidate:
    """The candidate behind this request's personal link, with their bookings, loaded on first use."""
    candidate = g.get("candidate")
    if candidate is None:
        candidate = db.session.execute(
            _candidate_with_bookings(), {"candidate_id": g.link.candidate_id}).unique().scalar_one_or_none()
        if candidate is None:  # erased since the link was read
            raise TokenUnknown()
        g.candidate = candidate
    return candidate


def revoke_invitations(candidate: Candidate) -> int:
    """Stop every still-working link of ``candidate`` (e.g. one that was forwarded). Does not commit."""
    now = utcnow()
    revoked = 0
    for invitation in candidate.invitations:
        if invitation.revoked_at is None and invitation.expires_at > now:
            invitation.revoked_at = now
            revoked += 1
    return revoked


def keep_links_alive(candidate: Candidate, until: datetime) -> None:
    """Make sure the candidate's valid links work at least until ``until`` (e.g. after their conversation)."""
    now = utcnow()
    for invitation in candidate.invitations:
        if invitation.revoked_at is None and invitation.expires_at > now and invitation.expires_at < until:
            invitation.expires_at = until


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on PORTAL_URL, so that links in e-mails never depend on a request's Host header."""
    base = current_app.config["PORTAL_URL"].rstrip("/")
    adapter = current_app.extensions.get(_EXTERNAL_ADAPTER)
    if adapter is None:  # bound once: a selection of rejection e-mails builds a hundred links
        adapter = current_app.url_map.bind("portal.invalid", script_name="/")
        current_app.extensions[_EXTERNAL_ADAPTER] = adapter
    return base + adapter.build(endpoint, values)


_EXTERNAL_ADAPTER = "tokens.external_url_adapter"  # key in app.extensions


def booking_url(token: str) -> str:
    return external_url("booking.show_booking", token=token)


# --- personal links in stored e-mails -------------------------------------------------------------------

# Every page reached through a personal link is below /b/<token>; a stored e-mail whose link is hidden keeps
# the path with HIDDEN_TOKEN in the token's place, so that the link can be put back when it is sent again.
_TOKEN_IN_LINK = re.compile(r"/b/[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
HIDDEN_TOKEN = "…"
_HIDDEN_LINK = "/b/" + HIDDEN_TOKEN
_FOLDED = re.compile(r"\r\n[ \t]")


def hide_links(text: str) -> str:
    """``text`` with every personal link's token replaced by HIDDEN_TOKEN: what staff may see of an e-mail."""
    return _TOKEN_IN_LINK.sub(_HIDDEN_LINK, text or "")


def has_hidden_links(text: str) -> bool:
    return _HIDDEN_LINK in (text or "")


def restore_links(text: str, token: str) -> str:
    """``text`` (from ``hide_links``) with ``token`` in the place of every hidden token."""
    return (text or "").replace(_HIDDEN_LINK, f"/b/{token}")


def _fold(line: str, octets: int = 74) -> str:
    """A calendar content line folded as RFC 5545 asks: at most 75 octets a line with the space that starts
    each continuation, never inside a UTF-8 character."""
    chunks, chunk, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if chunk and size + width > octets:
            chunks.append(chunk)
            chunk, size = "", 0
        chunk, size = chunk + char, size + width
    return "\r\n ".join([*chunks, chunk])


def _map_ics_lines(ics: bytes, change) -> bytes:
    """``change`` applied to every unfolded content line of a calendar file, folded again after (a link in
    a description is often folded over two lines)."""
    text = _FOLDED.sub("", ics.decode("utf-8"))
    return "\r\n".join(_fold(change(line)) for line in text.split("\r\n")).encode("utf-8")


def hide_links_in_ics(ics: bytes | None) -> bytes | None:
    return None if ics is None else _map_ics_lines(ics, hide_links)


def restore_links_in_ics(ics: bytes | None, token: str) -> bytes | None:
    return None if ics is None else _map_ics_lines(ics, lambda line: restore_links(line, token))



def load_candidate_from_url() -> None:
    """``before_request`` for every blueprint reached through a candidate's personal link.

    Sets ``g.link`` (a ``Link``), ``g.token`` and ``g.candidate_language``; an unknown or expired token
    ends in the 404 or 410 page. It runs after Flask-Limiter's check, so guesses at tokens are rate
    limited too. (Referrer-Policy and Cache-Control for these pages are set in app/security.py.)
    """
    token = (request.view_args or {}).get("token")
    if token is None:
        return
    link = resolve_token(token)
    g.link, g.token, g.candidate_language = link, token, link.language
