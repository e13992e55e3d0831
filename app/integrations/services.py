"""Rejections from applicant tracking systems: integrations and their API keys, creating or updating a
rejected candidate by the system's own id (idempotent), reading back their progress, the signed webhooks
they send, and what follows (the recruiter's personal line, or the default e-mail after a delay).

None of these functions commits: the request (or the mail worker's round) does.
"""

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app

from app.audit.services import record_audit
from app.calls.duty import owes_call, record_calls_due
from app.candidates.csv_import import FIELDS, CandidateData, check_values, clean_text, duplicate_key, today_local
from app.candidates.services import candidate_row, send_rejections
from app.core.query import BadJsonBody, parse_json
from app.database import utcnow
from app.extensions import db
from app.i18n import _l
from app.integrations.payloads import greenhouse_rejection
from app.models import ApiKey, Candidate, FollowUp, Integration, WebhookReceipt
from app.secretbox import open_sealed, seal
from app.signatures import SignatureRefused, verify, verify_greenhouse
from app.timeutil import AMSTERDAM

SCOPES = {
    "rejections:write": _l("Send rejections (create or update candidates)"),
    "progress:read": _l("Read candidates' progress (invited, booked, attended)"),
}
KEY_PREFIX = "fhk_"
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,100}$")
_SLUG = re.compile(r"[^a-z0-9]+")
MAX_DELAY_MINUTES = 7 * 24 * 60
AUTO_SEND_BATCH = 200


# --- errors, in the API's language (English) ---------------------------------------------------------

class IntegrationError(Exception):
    """Something an integration sent cannot be taken; ``status``, a short ``code``, an English ``message``
    and, for fields, what is wrong with each (``fields``)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: Mapping[str, list[str]] | None = None, code: str | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        self.code = code or self.code
        self.status = status or self.status


class Unauthorized(IntegrationError):
    status, code = 401, "unauthorized"


class Forbidden(IntegrationError):
    status, code = 403, "forbidden"


class Conflict(IntegrationError):
    status, code = 409, "conflict"


class InvalidFields(IntegrationError):
    status, code = 422, "invalid_fields"


# --- integrations and their keys -------------------------------------------------------------------

def slug_for(name: str) -> str:
    """A short, readable, unused name for the webhook's address."""
    base = _SLUG.sub("-", name.casefold()).strip("-")[:30] or "integration"
    slug, n = base, 1
    while db.session.scalar(sa.select(Integration.id).where(Integration.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def create_integration(name: str, *, default_language: str = "nl") -> tuple[Integration, str]:
    """A new integration and its webhook secret (returned once, kept encrypted)."""
    secret = new_secret()
    integration = Integration(name=name.strip()[:100], slug=slug_for(name), webhook_secret=seal(secret),
                              default_language=default_language, follow_up=FollowUp.PERSONAL_LINE,
                              auto_send_delay_minutes=120)
    db.session.add(integration)
    db.session.flush()
    return integration, secret


def rotate_webhook_secret(integration: Integration) -> str:
    """A new webhook secret; the old one stops working at once."""
    secret = new_secret()
    integration.webhook_secret = seal(secret)
    return secret


def webhook_secret(integration: Integration) -> str | None:
    return open_sealed(integration.webhook_secret)


def set_follow_up(integration: Integration, follow_up: FollowUp, delay_minutes: int) -> int:
    """The recruiters' choice for this integration. Going back to personal lines stops the automatic e-mail
    of everyone still waiting for it (they join the list of those waiting for a personal line); choosing
    automatic applies to rejections that arrive from now on. Returns how many waiting e-mails stopped."""
    integration.follow_up = follow_up
    integration.auto_send_delay_minutes = max(0, min(int(delay_minutes), MAX_DELAY_MINUTES))
    if follow_up == FollowUp.AUTOMATIC:
        return 0
    return db.session.execute(
        sa.update(Candidate).where(Candidate.integration_id == integration.id, Candidate.invited_at.is_(None),
                                   Candidate.auto_send_at.is_not(None))
        .values(auto_send_at=None).execution_options(synchronize_session=False)).rowcount


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(integration: Integration, name: str, scopes: list[str], *, created_by: str) -> tuple[ApiKey, str]:
    """A new key for ``integration`` with ``scopes``; the key itself is returned once and never stored."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"unknown or no scopes: {sorted(unknown)}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(integration_id=integration.id, name=name.strip()[:100], prefix=key[:12],
                     key_hash=_hash_key(key), scopes=sorted(scopes), created_by=created_by[:320])
    db.session.add(api_key)
    db.session.flush()
    return api_key, key


def revoke_api_key(api_key: ApiKey, *, now: datetime | None = None) -> None:
    """The key stops working at once (its next request is refused with 401)."""
    if api_key.revoked_at is None:
        api_key.revoked_at = now or utcnow()


def api_keys(integration: Integration) -> list[ApiKey]:
    return list(db.session.scalars(sa.select(ApiKey).where(ApiKey.integration_id == integration.id)
                                   .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())))


def list_integrations() -> list[Integration]:
    return list(db.session.scalars(sa.select(Integration).order_by(Integration.active.desc(), Integration.name)))


def active_integration(slug: str) -> Integration:
    """The active integration at the webhook address ``slug``; Unauthorized for any other."""
    integration = db.session.scalar(sa.select(Integration).where(Integration.slug == slug))
    if integration is None or not integration.active:
        raise Unauthorized("No active integration has this address.")
    return integration


def bearer_key(authorization: str | None) -> str | None:
    """The key in an ``Authorization: Bearer <key>`` header, if it has one."""
    scheme, _, key = (authorization or "").partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key.startswith(KEY_PREFIX) and len(key) <= 100 else None


def authenticate(authorization: str | None, scope: str, *, now: datetime | None = None) -> ApiKey:
    """The API key of this request, if it exists, is not revoked, belongs to an active integration and has
    ``scope``; else Unauthorized (401: no key, unknown, revoked) or Forbidden (403: not this scope)."""
    key = bearer_key(authorization)
    if key is None:
        raise Unauthorized("Send an API key: Authorization: Bearer <key>.")
    api_key = db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == _hash_key(key)))
    if api_key is None or api_key.revoked_at is not None or not api_key.integration.active:
        raise Unauthorized("This API key is not valid (unknown, or revoked).")
    if scope not in api_key.scopes:
        raise Forbidden(f"This API key may not do this: it lacks the scope {scope}.")
    api_key.last_used_at = now or utcnow()
    return api_key


def audit_api_use(api_key: ApiKey, facts: dict, *, candidate: Candidate | None = None) -> None:
    """Every use of an API key in the audit log: which key of which integration, what, which candidate."""
    actor = SimpleNamespace(id=None, email=f"api-key {api_key.prefix}… ({api_key.integration.slug})")
    record_audit("api_used", target_type="candidate" if candidate else "", actor=actor,
                 target_id=candidate.id if candidate else None, facts=facts)


# --- rejections in -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Upserted:
    candidate: Candidate
    created: bool
    changed: bool


def _text(value) -> str:
    """A JSON value as the text the field checks read; numbers are text too, anything else is empty."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return clean_text(value) if isinstance(value, str) else "\x00invalid"


def _date_text(value: str) -> str:
    """An ISO moment ("2026-12-01T10:00:00Z") as its day in Amsterdam; anything else as it is."""
    if len(value) > 10 and value[4:5] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return moment.astimezone(AMSTERDAM).date().isoformat()
        return moment.date().isoformat()
    return value


def check_rejection(body, integration: Integration) -> tuple[str, CandidateData]:
    """The external id and the checked candidate in a rejection as the API and the generic webhook take it
    (a JSON object: ``external_id`` plus the CSV import's fields), or InvalidFields with a reason per field."""
    if not isinstance(body, dict):
        raise IntegrationError("The body must be a JSON object.", code="not_an_object")
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(key)[:50] for key in body if key not in (*FIELDS, "external_id"))
    for key in unknown[:10]:
        errors[key] = ["Unknown field."]
    raw_id = body.get("external_id")
    external_id = str(raw_id) if isinstance(raw_id, int | str) and not isinstance(raw_id, bool) else ""
    if not external_id:
        errors["external_id"] = ["The external_id (the application's id in your system) is missing."]
    elif not EXTERNAL_ID.match(external_id):
        errors["external_id"] = ["Use 1 to 100 letters, digits or . _ : @ - for the external_id."]
    values = {name: _text(body.get(name)) for name in FIELDS}
    for name, value in values.items():
        if value.startswith("\x00invalid"):
            errors.setdefault(name, []).append("Send this field as a string.")
            values[name] = ""
    values["rejected_on"] = _date_text(values["rejected_on"])
    if not values["language"]:
        values["language"] = integration.default_language
    data, field_errors = check_values(values, today=today_local())
    for name, messages in field_errors.items():
        errors.setdefault(name, []).extend(str(m) for m in messages)
    if errors or data is None:
        raise InvalidFields("Some fields are missing or not valid.", fields=errors)
    return external_id, data


def find_candidate(integration: Integration, external_id: str) -> Candidate | None:
    return db.session.scalar(sa.select(Candidate).where(Candidate.integration_id == integration.id,
                                                        Candidate.external_id == external_id))


def _same_person_elsewhere(data: CandidateData, other_than: int | None) -> bool:
    email, vacancy = duplicate_key(data.email, data.vacancy)
    query = sa.select(Candidate.id).where(sa.func.lower(Candidate.email) == email,
                                          sa.func.lower(Candidate.vacancy) == vacancy)
    if other_than is not None:
        query = query.where(Candidate.id != other_than)
    return db.session.scalar(query.limit(1)) is not None


_UPDATED = FIELDS  # what a second copy of the same rejection updates: every field


def upsert_rejection(integration: Integration, external_id: str, data: CandidateData, *,
                     now: datetime | None = None) -> Upserted:
    """Create the rejected candidate, or update the one this integration sent with the same
    ``external_id`` (sending the same rejection twice creates one candidate). A new candidate follows the
    integration's choice: the list of those waiting for a personal line, or the default e-mail at
    ``now`` + the delay. Conflict when the address is in the portal for this vacancy already (added by
    hand, by CSV or by another integration)."""
    now = now or utcnow()
    candidate = find_candidate(integration, external_id)
    if _same_person_elsewhere(data, candidate.id if candidate else None):
        raise Conflict("This e-mail address is in the portal already for this vacancy, from another source.",
                       fields={"email": ["This person is already in the portal for this vacancy."]})
    values = {name: getattr(data, name) for name in _UPDATED}
    if candidate is not None:
        changed = any(getattr(candidate, name) != value for name, value in values.items())
        was_owed = owes_call(candidate)
        for name, value in values.items():
            setattr(candidate, name, value)
        if not was_owed:
            record_calls_due([candidate])  # now rejected after an interview
        return Upserted(candidate, created=False, changed=changed)
    try:
        with db.session.begin_nested():  # two copies at once: the unique index lets one through
            candidate = Candidate(integration_id=integration.id, external_id=external_id, **values)
            if integration.follow_up == FollowUp.AUTOMATIC:
                candidate.auto_send_at = now + timedelta(minutes=integration.auto_send_delay_minutes)
            db.session.add(candidate)
            db.session.flush()
            record_calls_due([candidate])
    except sa.exc.IntegrityError:
        candidate = find_candidate(integration, external_id)
        if candidate is None:
            raise
        return Upserted(candidate, created=False, changed=False)
    return Upserted(candidate, created=True, changed=True)


def progress(candidate: Candidate) -> dict:
    """How far the candidate got, as the API says it."""
    row = candidate_row(candidate)
    return {
        "external_id": candidate.external_id,
        "progress": row.progress.value,
        "invited": row.invited,
        "invited_at": _iso(candidate.invited_at),
        "booked": row.booked,
        "attended": row.attended,
        "automatic_email_at": _iso(candidate.auto_send_at) if candidate.invited_at is None else None,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


# --- webhooks in -------------------------------------------------------------------------------------

class Replayed(IntegrationError):
    status, code = 409, "replayed"


@dataclass(frozen=True)
class Received:
    """What a webhook delivery came to: the candidate it created or updated, or why it was let be."""

    upserted: Upserted | None = None
    ignored: str = ""


def _receipt_window() -> timedelta:
    config = current_app.config
    return timedelta(seconds=max(config["WEBHOOK_TOLERANCE_SECONDS"], config["GREENHOUSE_MAX_AGE_HOURS"] * 3600)
                     + 3600)


def _remember(integration: Integration, signature: str, body: bytes, now: datetime) -> None:
    """Keep a hash of this delivery; the same one again is a replay (Replayed, 409)."""
    digest = hashlib.sha256(signature.encode("utf-8", "replace") + b"\n" + body).hexdigest()
    try:
        with db.session.begin_nested():
            db.session.add(WebhookReceipt(integration_id=integration.id, digest=digest, received_at=now))
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Replayed("This delivery was received before; a copy sent again is refused.") from None


def forget_old_receipts(now: datetime | None = None) -> int:
    """Receipts older than any copy could still pass the time checks go (run by the mail worker)."""
    cutoff = (now or utcnow()) - _receipt_window()
    return db.session.execute(sa.delete(WebhookReceipt).where(WebhookReceipt.received_at < cutoff)).rowcount


def _secret_of(integration: Integration) -> str:
    secret = webhook_secret(integration)
    if secret is None:  # SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS
        raise Unauthorized("This integration's secret cannot be read; an administrator makes a new one.")
    return secret


def _parsed(body: bytes):
    """The body as JSON, read only once its signature is known to be good."""
    try:
        return parse_json(body)
    except BadJsonBody as error:
        raise IntegrationError(str(error.description), code="bad_json") from None


def receive_generic(integration: Integration, signature: str | None, body: bytes, *,
                    now: datetime | None = None) -> Received:
    """The portal's own webhook (README: the same JSON as POST /api/v1/rejections, signed as the portal
    signs its own webhooks): signature and time checked, replays refused, then created or updated. All
    or nothing: a refusal keeps nothing of the delivery (not even its receipt)."""
    with db.session.begin_nested():
        return _receive_generic(integration, signature, body, now=now or utcnow())


def _receive_generic(integration: Integration, signature: str | None, body: bytes, *, now: datetime) -> Received:
    try:
        verify(signature, _secret_of(integration), body,
               tolerance_seconds=current_app.config["WEBHOOK_TOLERANCE_SECONDS"], now=now.timestamp())
    except SignatureRefused as refused:
        raise Unauthorized(str(refused), code=f"signature_{refused.reason}") from None
    _remember(integration, signature or "", body, now)
    parsed = _parsed(body)
    if isinstance(parsed, dict) and "event" in parsed:
        if parsed.get("event") != "candidate.rejected":
            return Received(ignored="Only the event candidate.rejected is taken.")
        parsed = {key: value for key, value in parsed.items() if key != "event"}
    external_id, data = check_rejection(parsed, integration)
    return Received(upsert_rejection(integration, external_id, data, now=now))


def receive_greenhouse(integration: Integration, signature: str | None, body: bytes, *,
                       now: datetime | None = None) -> Received:
    """Greenhouse's "Candidate or Prospect Rejected" web hook (action ``reject_candidate``), signed with
    ``Signature: sha256 <hex>``. Greenhouse signs no time, so an old delivery is told by the application's
    ``rejected_at`` (at most GREENHOUSE_MAX_AGE_HOURS ago) and a copy of a recent one by its hash. All or
    nothing, as ``receive_generic``."""
    with db.session.begin_nested():
        return _receive_greenhouse(integration, signature, body, now=now or utcnow())


def _receive_greenhouse(integration: Integration, signature: str | None, body: bytes, *,
                        now: datetime) -> Received:
    try:
        verify_greenhouse(signature, _secret_of(integration), body)
    except SignatureRefused as refused:
        raise Unauthorized(str(refused), code=f"signature_{refused.reason}") from None
    parsed = _parsed(body)
    if not isinstance(parsed, dict):
        raise IntegrationError("The body must be a JSON object.", code="not_an_object")
    action = parsed.get("action")
    if action == "ping":
        return Received(ignored="ping")
    if action != "reject_candidate":
        return Received(ignored="Only the action reject_candidate is taken.")
    external_id, values, rejected_at = greenhouse_rejection(parsed)
    if rejected_at is None or now - rejected_at > timedelta(hours=current_app.config["GREENHOUSE_MAX_AGE_HOURS"]):
        raise Unauthorized("The application's rejected_at is missing or too long ago for a web hook (a copy sent "
                           "again?); send older rejections through the API.", code="signature_timestamp")
    _remember(integration, signature or "", body, now)
    if values is None:
        return Received(ignored="A prospect without a job: nobody to invite to the feedback hour.")
    external_id, data = check_rejection({"external_id": external_id, **values}, integration)
    return Received(upsert_rejection(integration, external_id, data, now=now))


# --- what follows: the personal line, or the default e-mail --------------------------------------------

def waiting_for_a_line(*, limit: int = 200) -> list[Candidate]:
    """Candidates an integration brought in who have had no rejection e-mail yet, oldest first: those
    waiting for a recruiter's personal line, and those whose automatic e-mail is still ahead."""
    return list(db.session.scalars(
        sa.select(Candidate).where(Candidate.integration_id.is_not(None), Candidate.invited_at.is_(None))
        .order_by(Candidate.created_at, Candidate.id).limit(limit)))


def count_waiting() -> int:
    return db.session.scalar(sa.select(sa.func.count(Candidate.id)).where(
        Candidate.integration_id.is_not(None), Candidate.invited_at.is_(None)))


def stop_automatic_email(candidate: Candidate) -> bool:
    """The recruiter steps in: no automatic e-mail; the candidate waits for a personal line."""
    if candidate.auto_send_at is None or candidate.invited_at is not None:
        return False
    candidate.auto_send_at = None
    return True


def send_automatic_rejections(*, now: datetime | None = None) -> int:
    """Queue the stage's default rejection e-mail (no personal line) to every candidate whose automatic
    e-mail is due and who has had none. Each is claimed with a conditional update, so two workers never
    both send; the figures count the invitation as for any rejection e-mail. Run by the mail worker's
    round; does not commit."""
    now = now or utcnow()
    due = list(db.session.scalars(
        sa.select(Candidate).where(Candidate.auto_send_at <= now, Candidate.invited_at.is_(None))
        .order_by(Candidate.auto_send_at, Candidate.id).limit(AUTO_SEND_BATCH)))
    claimed = []
    for candidate in due:
        if db.session.execute(
            sa.update(Candidate).where(Candidate.id == candidate.id, Candidate.auto_send_at.is_not(None),
                                       Candidate.invited_at.is_(None))
            .values(auto_send_at=None).execution_options(synchronize_session=False)
        ).rowcount:
            db.session.refresh(candidate, ["auto_send_at", "invited_at"])
            claimed.append(candidate)
    if not claimed:
        return 0
    # The stage's template as the recruiters keep it: saving it with warnings took a confirmation already, and
    # nobody is there to confirm again; the audit log still records the send despite them.
    return send_rejections(claimed, {}, personal=False, now=now, warnings_confirmed=True)
