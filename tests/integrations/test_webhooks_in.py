"""Webhooks from applicant tracking systems: Greenhouse's "Candidate or Prospect Rejected" and the
portal's own, each signed with the integration's secret; a good, a bad and a replayed signature."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import Candidate, WebhookReceipt
from app.signatures import sign
from tests.fixtures.integrations import rejection
from tests.helpers import snapshot


def candidates() -> list[Candidate]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Candidate).order_by(Candidate.id)))


def greenhouse_body(application_id: int = 265293, *, rejected_at=None, stage: str = "Face to Face",
                    reason: str = "Too Junior", jobs=True) -> bytes:
    """Greenhouse's reject_candidate payload, shaped as its documentation shows it (trimmed)."""
    rejected_at = rejected_at or utcnow() - timedelta(minutes=3)
    body = {
        "action": "reject_candidate",
        "payload": {"application": {
            "id": application_id, "rejected_at": rejected_at.isoformat().replace("+00:00", "Z"), "prospect": False,
            "status": "rejected",
            "rejection_reason": {"id": 14, "name": reason, "type": {"id": 3, "name": "Wrong skill set"}},
            "current_stage": {"id": 2708728, "name": stage, "interviews": []},
            "candidate": {"id": 265788, "first_name": "Hector", "last_name": "Porter",
                          "email_addresses": [{"value": "hector.work@example.com", "type": "work"},
                                              {"value": "hector.porter@example.com", "type": "personal"}],
                          "phone_numbers": [{"value": "330-281-8004", "type": "home"}]},
            "jobs": [{"id": 371417, "name": "Designer", "departments": [{"id": 237, "name": "Community"}]}]
            if jobs else [],
        }},
    }
    return json.dumps(body).encode()


def greenhouse_signature(secret: str, body: bytes) -> str:
    return "sha256 " + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_greenhouse(client, integration, body: bytes, signature: str):
    return client.post(f"/api/v1/webhooks/greenhouse/{integration.slug}", data=body,
                       headers={"Signature": signature, "Greenhouse-Event-ID": "evt-1"},
                       content_type="application/json")


def post_generic(client, integration, body: bytes, signature: str):
    return client.post(f"/api/v1/webhooks/generic/{integration.slug}", data=body,
                       headers={"Feedback-Signature": signature}, content_type="application/json")


def test_greenhouse_rejection_with_a_good_signature_creates_the_candidate(client, make_integration):
    integration, secret = make_integration(language="en")
    body = greenhouse_body()
    response = post_greenhouse(client, integration, body, greenhouse_signature(secret, body))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["external_id"] == "265293"
    [stored] = candidates()
    assert (stored.name, stored.email, stored.vacancy, stored.department, stored.stage.value,
            stored.rejection_reason, stored.language) == (
        "Hector Porter", "hector.porter@example.com", "Designer", "Community", "interview", "experience", "en")


def test_greenhouse_with_a_bad_signature_is_refused_and_nothing_is_kept(client, make_integration):
    integration, secret = make_integration()
    body = greenhouse_body()
    before = snapshot()
    for signature in (greenhouse_signature("another secret", body), "sha256 " + "0" * 64, "sha1 abc", ""):
        response = post_greenhouse(client, integration, body, signature)
        assert response.status_code == 401, signature
        assert response.get_json()["error"].startswith("signature_")
    tampered = body.replace(b"Hector", b"Hacker")
    assert post_greenhouse(client, integration, tampered, greenhouse_signature(secret, body)).status_code == 401
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "audit_entry"} == {k: v for k, v in before.items()
                                                                      if k != "audit_entry"}
    assert candidates() == []


def test_greenhouse_replayed_is_refused(client, make_integration):
    integration, secret = make_integration()
    body = greenhouse_body()
    signature = greenhouse_signature(secret, body)
    assert post_greenhouse(client, integration, body, signature).status_code == 201
    replay = post_greenhouse(client, integration, body, signature)
    assert (replay.status_code, replay.get_json()["error"]) == (409, "replayed")
    old = greenhouse_body(rejected_at=utcnow() - timedelta(days=30))  # a captured old delivery
    refused = post_greenhouse(client, integration, old, greenhouse_signature(secret, old))
    assert (refused.status_code, refused.get_json()["error"]) == (401, "signature_timestamp")
    assert len(candidates()) == 1


def test_greenhouse_ping_and_other_actions_are_let_be(client, make_integration):
    integration, secret = make_integration()
    for body in (b'{"action": "ping", "payload": {"web_hook_id": 1}}', b'{"action": "candidate_hired"}'):
        assert post_greenhouse(client, integration, body, greenhouse_signature(secret, body)).status_code == 202
    prospect = greenhouse_body(jobs=False)
    assert post_greenhouse(client, integration, prospect, greenhouse_signature(secret, prospect)).status_code == 202
    assert candidates() == []


def test_greenhouse_stages_and_reasons_map_to_the_portals(client, make_integration):
    integration, secret = make_integration()
    cases = [(1, "Application Review", "Not enough experience", "cv_screening", "experience"),
             (2, "Phone Screen", "Lacking skill(s)/qualification(s)", "phone", "qualifications"),
             (3, "Take Home Test", "Culture fit", "interview", "team_fit"),
             (4, "Preliminary Screening", "Hired another candidate", "cv_screening", "other")]
    for application_id, stage, reason, _stage, _reason in cases:
        body = greenhouse_body(application_id, stage=stage, reason=reason).replace(
            b"hector.porter@example.com", f"hector{application_id}@example.com".encode())
        assert post_greenhouse(client, integration, body, greenhouse_signature(secret, body)).status_code == 201
    assert [(c.stage.value, c.rejection_reason) for c in candidates()] == [(s, r) for *_, s, r in cases]


def test_generic_webhook_good_bad_and_replayed_signature(client, make_integration):
    integration, secret = make_integration()
    body = json.dumps(rejection()).encode()
    good = sign(secret, body)
    assert post_generic(client, integration, body, good).status_code == 201
    bad = post_generic(client, integration, body, sign("not the secret", body))
    assert (bad.status_code, bad.get_json()["error"]) == (401, "signature_mismatch")
    replayed = post_generic(client, integration, body, good)
    assert (replayed.status_code, replayed.get_json()["error"]) == (409, "replayed")
    stale = post_generic(client, integration, body, sign(secret, body, timestamp=int(time.time()) - 3600))
    assert (stale.status_code, stale.get_json()["error"]) == (401, "signature_timestamp")
    malformed = post_generic(client, integration, body, "v1=abc")
    assert (malformed.status_code, malformed.get_json()["error"]) == (401, "signature_malformed")
    assert len(candidates()) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookReceipt)) == 1


def test_the_same_rejection_sent_twice_by_webhook_creates_one_candidate(client, make_integration):
    """Two real deliveries of one rejection (a retry of the ATS, new timestamp): the second updates."""
    integration, secret = make_integration()
    body = json.dumps({"event": "candidate.rejected", **rejection()}).encode()
    first = post_generic(client, integration, body, sign(secret, body, timestamp=int(time.time()) - 5))
    second = post_generic(client, integration, body, sign(secret, body))
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["status"] == "unchanged"
    assert len(candidates()) == 1


def test_a_webhook_with_bad_fields_keeps_nothing_and_says_why(client, make_integration):
    integration, secret = make_integration()
    body = json.dumps(rejection(email="nope")).encode()
    response = post_generic(client, integration, body, sign(secret, body))
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"email": ['"nope" is not a valid e-mail address.']}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookReceipt)) == 0  # all or nothing
    fixed = json.dumps(rejection()).encode()
    assert post_generic(client, integration, fixed, sign(secret, fixed)).status_code == 201


def test_an_unknown_or_switched_off_integration_is_refused(client, make_integration):
    integration, secret = make_integration()
    body = json.dumps(rejection()).encode()
    assert client.post("/api/v1/webhooks/generic/nobody", data=body,
                       headers={"Feedback-Signature": sign(secret, body)}).status_code == 401
    integration.active = False
    db.session.commit()
    assert post_generic(client, integration, body, sign(secret, body)).status_code == 401


def test_every_webhook_is_in_the_audit_log(client, make_integration):
    from app.audit.services import facts_of, list_entries

    integration, secret = make_integration()
    body = json.dumps(rejection()).encode()
    post_generic(client, integration, body, sign(secret, body))
    post_generic(client, integration, body, sign("wrong", body))
    db.session.rollback()
    details = [facts_of(e) for e in reversed(list_entries(action="webhook_received").rows)]
    assert details == [{"source": "generic", "integration": integration.slug, "request": "rejection",
                        "result": "created", "external_id": "app-1001"},
                       {"source": "generic", "result": "refused", "answer": "signature_mismatch"}]


def test_a_rotated_secret_replaces_the_old_one(client, auth, make_integration):
    from tests.helpers import page_text

    integration, old_secret = make_integration()
    auth.login("admin")
    page = page_text(client.post(f"/admin/integrations/{integration.id}/secret"))
    new_secret = next(word for word in page.split() if word.startswith("whsec_"))
    body = json.dumps(rejection()).encode()
    assert post_generic(client, integration, body, sign(old_secret, body)).status_code == 401
    assert post_generic(client, integration, body, sign(new_secret, body)).status_code == 201


def test_webhook_deliveries_are_rate_limited_per_address(redis_limits, make_integration):
    redis_limits.config["WEBHOOK_RECEIVE_RATE_LIMIT"] = "2 per minute"
    integration, secret = make_integration()
    client = redis_limits.test_client()
    statuses = []
    for n in range(3):
        body = json.dumps(rejection(f"r-{n}", email=f"r{n}@example.org")).encode()
        statuses.append(post_generic(client, integration, body, sign(secret, body)).status_code)
    assert statuses == [201, 201, 429]


def test_old_receipts_are_forgotten_after_the_window(app, client, make_integration):
    from app.integrations.services import forget_old_receipts

    integration, secret = make_integration()
    body = json.dumps(rejection()).encode()
    post_generic(client, integration, body, sign(secret, body))
    assert forget_old_receipts(now=utcnow() + timedelta(hours=2)) == 0  # Greenhouse's window is longer
    assert forget_old_receipts(now=utcnow() + timedelta(days=8)) == 1
