"""The JSON API for integrations, version 1 (described in docs/openapi.json): rejections in and progress
out, and the webhook receivers. Only API keys and webhook signatures open it, never a staff cookie, so it
is the one blueprint without CSRF protection. It answers in English, errors too, always as JSON."""

import hashlib

import flask_babel
from flask import Blueprint, current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from app.audit.services import record_audit
from app.core.query import BadJsonBody, json_body
from app.database import writes_on_get
from app.extensions import limiter
from app.integrations import services
from app.integrations.services import IntegrationError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.record_once
def _errors_in_json(state) -> None:
    """Every HTTP error under /api/ (an unknown version or path included) is answered in JSON."""
    from app.errors import answer_errors_in_json

    answer_errors_in_json(state.app, "/api/", http_error)


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _credential() -> str:
    """The rate limit's key: the API key presented (hashed), else the client address."""
    key = services.bearer_key(request.headers.get("Authorization"))
    return "api-key:" + hashlib.sha256(key.encode()).hexdigest()[:32] if key else "address:" + get_remote_address()


@bp.before_request
def _in_english() -> None:
    g.fixed_language = "en"
    flask_babel.refresh()


@bp.errorhandler(IntegrationError)
def _refused(error: IntegrationError):
    return error_response(error.status, error.code, error.message, fields=error.fields)


def error_response(status: int, code: str, message: str, *, fields: dict | None = None, headers=None):
    body = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status, headers or {}


def http_error(error: HTTPException):
    """An HTTP error anywhere under /api/ as JSON (app/errors.py sends them here)."""
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_fields",
             429: "rate_limited"}
    messages = {404: "There is nothing at this address.", 405: "This method is not allowed here.",
                413: "The request body is too large.", 429: "Too many requests; wait a little and try again."}
    status = error.code or 500
    message = str(error.description) if isinstance(error, BadJsonBody) else messages.get(status, error.name + ".")
    headers = {key: value for key, value in error.get_headers() if key.lower() == "retry-after"}
    return error_response(status, codes.get(status, "error"), message, headers=headers)


def _raw_body() -> bytes:
    """The body's bytes, at most API_MAX_BODY_BYTES (413 beyond)."""
    limit = current_app.config["API_MAX_BODY_BYTES"]
    if (request.content_length or 0) > limit:
        raise IntegrationError(f"The body is larger than {limit} bytes.", code="too_large", status=413)
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise IntegrationError(f"The body is larger than {limit} bytes.", code="too_large", status=413)
    return raw


def _body():
    """The JSON body, at most API_MAX_BODY_BYTES (413 beyond), parsed with bounds (400 if it is no JSON)."""
    _raw_body()
    return json_body(max_bytes=current_app.config["API_MAX_BODY_BYTES"])


@bp.post("/rejections")
@limiter.limit(_api_rate_limit, key_func=_credential)
def create_rejection():
    """Create a rejected candidate, or update the one with the same external_id (idempotent)."""
    api_key = services.authenticate(request.headers.get("Authorization"), "rejections:write")
    try:
        body = _body()
        external_id, data = services.check_rejection(body, api_key.integration)
        result = services.upsert_rejection(api_key.integration, external_id, data)
    except (IntegrationError, BadJsonBody) as error:  # a refused use is a use: logged, nothing else kept
        code = getattr(error, "code", 400)
        services.audit_api_use(api_key, {"request": "rejection", "result": "refused", "answer": code})
        return _refused(error) if isinstance(error, IntegrationError) else http_error(error)
    what = "created" if result.created else ("updated" if result.changed else "unchanged")
    services.audit_api_use(api_key, {"request": "rejection", "result": what, "external_id": external_id},
                           candidate=result.candidate)
    return jsonify({"status": what, **services.progress(result.candidate)}), 201 if result.created else 200


@bp.get("/rejections/<external_id>")
@writes_on_get  # every use of a key is in the audit log
@limiter.limit(_api_rate_limit, key_func=_credential)
def show_progress(external_id: str):
    """How far the candidate with this external_id got: invited, booked, attended."""
    api_key = services.authenticate(request.headers.get("Authorization"), "progress:read")
    candidate = services.find_candidate(api_key.integration, external_id)
    services.audit_api_use(api_key, {"request": "progress", "result": "read", "external_id": external_id[:100]},
                           candidate=candidate)
    if candidate is None:
        return error_response(404, "not_found", "No candidate with this external_id came from this integration "
                                                "(never sent, or erased after the retention period).")
    return jsonify(services.progress(candidate))


def _receive(kind: str, slug: str, receive, header: str):
    integration = services.active_integration(slug)
    try:
        received = receive(integration, request.headers.get(header), _raw_body())
    except IntegrationError as error:  # nothing of the delivery was kept (a savepoint); the refusal is logged
        record_audit("webhook_received", target_type="integration", target_id=integration.id,
                     facts={"source": kind, "result": "refused", "answer": error.code})
        return _refused(error)
    if received.upserted is None:
        record_audit("webhook_received", target_type="integration", target_id=integration.id,
                     facts={"source": kind, "result": "ignored"})
        return jsonify({"status": "ignored", "message": received.ignored}), 202
    result = received.upserted
    what = "created" if result.created else ("updated" if result.changed else "unchanged")
    record_audit("webhook_received", target_type="candidate", target_id=result.candidate.id,
                 facts={"source": kind, "integration": integration.slug, "request": "rejection", "result": what,
                        "external_id": result.candidate.external_id})
    return jsonify({"status": what, **services.progress(result.candidate)}), 201 if result.created else 200


@bp.post("/webhooks/generic/<slug>")
@limiter.limit(lambda: current_app.config["WEBHOOK_RECEIVE_RATE_LIMIT"])
def receive_generic_webhook(slug: str):
    """The portal's own rejection webhook (Feedback-Signature: t=…,v1=…)."""
    return _receive("generic", slug, services.receive_generic, "Feedback-Signature")


@bp.post("/webhooks/greenhouse/<slug>")
@limiter.limit(lambda: current_app.config["WEBHOOK_RECEIVE_RATE_LIMIT"])
def receive_greenhouse_webhook(slug: str):
    """Greenhouse's "Candidate or Prospect Rejected" web hook (Signature: sha256 <hex>)."""
    return _receive("greenhouse", slug, services.receive_greenhouse, "Signature")
