"""The JSON API under /api/v1/: rejections in, idempotent by the ATS's id, progress out; keys, scopes,
errors per field in English with the right status codes; every use in the audit log; no CSRF there and
nowhere else without it."""

import sqlalchemy as sa

from app.audit.services import facts_of, list_entries
from app.database import utcnow
from app.extensions import db
from app.models import ApiKey, Booking, BookingStatus, Candidate
from tests.fixtures.integrations import bearer, rejection
from tests.helpers import set_english


def candidates() -> list[Candidate]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Candidate).order_by(Candidate.id)))


def test_a_rejection_is_created_and_the_same_one_twice_creates_one_candidate(client, make_integration, make_key):
    integration, _secret = make_integration()
    key = make_key(integration)
    first = client.post("/api/v1/rejections", json=rejection(), headers=bearer(key))
    assert first.status_code == 201, first.get_json()
    assert first.get_json() | {"invited_at": None} == {
        "status": "created", "external_id": "app-1001", "progress": "not_invited", "invited": False,
        "invited_at": None, "booked": False, "attended": False, "automatic_email_at": None}
    again = client.post("/api/v1/rejections", json=rejection(), headers=bearer(key))
    assert again.status_code == 200
    assert again.get_json()["status"] == "unchanged"
    [stored] = candidates()
    assert (stored.name, stored.email, stored.vacancy, stored.stage.value, stored.language, stored.external_id,
            stored.integration_id) == ("Noor Bakker", "noor.bakker@example.org", "Verpleegkundige IC", "interview",
                                       "en", "app-1001", integration.id)


def test_sending_it_again_with_a_correction_updates_the_same_candidate(client, make_integration, make_key):
    integration, _secret = make_integration()
    key = make_key(integration)
    client.post("/api/v1/rejections", json=rejection(), headers=bearer(key))
    response = client.post("/api/v1/rejections", json=rejection(name="Noor Bakker-de Wit", stage="phone"),
                           headers=bearer(key))
    assert response.status_code == 200 and response.get_json()["status"] == "updated"
    [stored] = candidates()
    assert (stored.name, stored.stage.value) == ("Noor Bakker-de Wit", "phone")


def test_the_same_external_id_from_another_integration_is_another_candidate(client, make_integration, make_key):
    greenhouse, _ = make_integration("Greenhouse")
    lever, _ = make_integration("Lever")
    assert client.post("/api/v1/rejections", json=rejection(), headers=bearer(make_key(greenhouse))).status_code == 201
    other = rejection(email="noor@elders.example")
    assert client.post("/api/v1/rejections", json=other, headers=bearer(make_key(lever))).status_code == 201
    assert len(candidates()) == 2


def test_field_errors_are_json_with_a_reason_per_field_in_english(client, make_integration, make_key):
    integration, _secret = make_integration()
    key = make_key(integration)
    with client.session_transaction() as cookie:
        cookie["lang"] = "nl"  # a Dutch visitor's cookie changes nothing: the API speaks English
    body = rejection(email="not-an-address", stage="lunch", rejected_on="2999-01-01", name="", colour="blue")
    response = client.post("/api/v1/rejections", json=body, headers=bearer(key))
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["error"] == "invalid_fields"
    assert answer["fields"] == {
        "colour": ["Unknown field."],
        "name": ["The name is missing."],
        "email": ['"not-an-address" is not a valid e-mail address.'],
        "stage": ['Unknown stage "lunch" (use CV screening, phone or interview).'],
        "rejected_on": ["The rejection date 2999-01-01 is in the future."],
    }
    assert candidates() == []


def test_the_csv_imports_checks_apply_to_the_api(client, make_integration, make_key):
    """The same words in Dutch as the CSV import knows, and the same limits."""
    integration, _secret = make_integration()
    key = make_key(integration)
    body = rejection(stage="Telefonisch gesprek", rejection_reason="ervaring", language="Nederlands",
                     rejected_on="1-12-2026", vacancy="x" * 201)
    response = client.post("/api/v1/rejections", json=body, headers=bearer(key))
    assert response.get_json()["fields"] == {"vacancy": ["Vacancy is longer than 200 characters."]}
    body["vacancy"] = "Verpleegkundige"
    assert client.post("/api/v1/rejections", json=body, headers=bearer(key)).status_code == 201
    [stored] = candidates()
    assert (stored.stage.value, stored.rejection_reason, stored.language, stored.rejected_on.isoformat()) == (
        "phone", "experience", "nl", "2026-12-01")


def test_a_moment_as_the_rejection_date_is_its_day_in_amsterdam(client, make_integration, make_key):
    integration, _secret = make_integration()
    response = client.post("/api/v1/rejections", json=rejection(rejected_on="2026-11-30T23:30:00Z"),
                           headers=bearer(make_key(integration)))
    assert response.status_code == 201
    assert candidates()[0].rejected_on.isoformat() == "2026-12-01"


def test_the_same_person_for_the_same_vacancy_from_elsewhere_is_a_conflict(client, make_integration, make_key,
                                                                           make_candidate):
    make_candidate(email="Noor.Bakker@example.org", vacancy="Verpleegkundige IC")  # imported by CSV, say
    integration, _secret = make_integration()
    response = client.post("/api/v1/rejections", json=rejection(), headers=bearer(make_key(integration)))
    assert response.status_code == 409
    assert response.get_json()["fields"] == {"email": ["This person is already in the portal for this vacancy."]}
    assert len(candidates()) == 1


def test_status_codes_for_what_is_not_a_good_request(app, client, make_integration, make_key):
    integration, _secret = make_integration()
    key = make_key(integration)
    post = lambda **kw: client.post("/api/v1/rejections", **kw)  # noqa: E731
    no_key = post(json=rejection())
    assert (no_key.status_code, no_key.get_json()["error"]) == (401, "unauthorized")
    assert post(json=rejection(), headers=bearer("fhk_" + "x" * 43)).status_code == 401
    assert post(json=rejection(), headers={"Authorization": f"Basic {key}"}).status_code == 401
    not_json = post(data="name=Noor", headers=bearer(key), content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 400 and not_json.is_json
    broken = post(data=b'{"external_id": ', headers=bearer(key), content_type="application/json")
    assert (broken.status_code, broken.get_json()["error"]) == (400, "bad_request")
    array = post(json=[rejection()], headers=bearer(key))
    assert (array.status_code, array.get_json()["error"]) == (400, "not_an_object")
    app.config["API_MAX_BODY_BYTES"] = 1000
    big = post(json=rejection(department="x" * 2000), headers=bearer(key))
    assert (big.status_code, big.get_json()["error"]) == (413, "too_large")
    missing = client.get("/api/v1/nothing-here")
    assert (missing.status_code, missing.get_json()["error"]) == (404, "not_found")
    method = client.delete("/api/v1/rejections")
    assert (method.status_code, method.get_json()["error"]) == (405, "method_not_allowed")
    assert candidates() == []


def test_a_key_without_the_scope_is_refused_with_403(client, make_integration, make_key):
    integration, _secret = make_integration()
    reader = make_key(integration, scopes=["progress:read"])
    writer = make_key(integration, scopes=["rejections:write"])
    refused = client.post("/api/v1/rejections", json=rejection(), headers=bearer(reader))
    assert (refused.status_code, refused.get_json()["error"]) == (403, "forbidden")
    assert client.post("/api/v1/rejections", json=rejection(), headers=bearer(writer)).status_code == 201
    assert client.get("/api/v1/rejections/app-1001", headers=bearer(writer)).status_code == 403
    assert client.get("/api/v1/rejections/app-1001", headers=bearer(reader)).status_code == 200


def test_progress_reads_invited_booked_attended(client, make_integration, make_key, make_session):
    from app.candidates.services import send_rejections
    from app.tokens import valid_token

    integration, _secret = make_integration()
    key = make_key(integration)
    client.post("/api/v1/rejections", json=rejection(), headers=bearer(key))
    read = lambda: client.get("/api/v1/rejections/app-1001", headers=bearer(key)).get_json()  # noqa: E731
    assert (read()["progress"], read()["invited"]) == ("not_invited", False)
    [candidate] = candidates()
    send_rejections([candidate], {candidate.id: "Je ervaring met beademing viel op."})
    db.session.commit()
    assert (read()["progress"], read()["invited"], read()["booked"]) == ("invited", True, False)
    session = make_session()
    token = valid_token(candidate)
    db.session.commit()
    assert client.post(f"/b/{token}/book", data={"slot": session.slots[0].id, "topics": ["improve"]}).status_code == 302
    assert (read()["progress"], read()["booked"], read()["attended"]) == ("booked", True, False)
    booking = db.session.scalar(sa.select(Booking))
    booking.status = BookingStatus.ATTENDED
    db.session.commit()
    assert (read()["progress"], read()["attended"]) == ("attended", True)
    unknown = client.get("/api/v1/rejections/app-9999", headers=bearer(key))
    assert (unknown.status_code, unknown.get_json()["error"]) == (404, "not_found")


def test_an_api_key_revoked_midway_stops_working_at_once(client, make_integration, make_key, make_user):
    integration, _secret = make_integration()
    key = make_key(integration)
    assert client.post("/api/v1/rejections", json=rejection("a-1"), headers=bearer(key)).status_code == 201
    admin = make_user("admin")
    staff = client.application.test_client()
    from tests.fixtures.staff import STAFF_PASSWORD

    assert staff.post("/login", data={"email": admin.email, "password": STAFF_PASSWORD}).status_code == 302
    api_key = db.session.scalar(sa.select(ApiKey))
    revoked = staff.post(f"/admin/integrations/{integration.id}/keys/{api_key.id}/revoke")
    assert revoked.status_code == 302
    refused = client.post("/api/v1/rejections", json=rejection("a-2"), headers=bearer(key))
    assert (refused.status_code, refused.get_json()["error"]) == (401, "unauthorized")
    assert client.get("/api/v1/rejections/a-1", headers=bearer(key)).status_code == 401
    assert [c.external_id for c in candidates()] == ["a-1"]


def test_every_use_of_a_key_is_in_the_audit_log(client, make_integration, make_key):
    integration, _secret = make_integration()
    key = make_key(integration)
    client.post("/api/v1/rejections", json=rejection(), headers=bearer(key))
    client.post("/api/v1/rejections", json=rejection(email="wrong"), headers=bearer(key))
    client.get("/api/v1/rejections/app-1001", headers=bearer(key))
    db.session.rollback()
    entries = list(list_entries(action="api_used").rows)
    assert [facts_of(e) for e in reversed(entries)] == [
        {"request": "rejection", "result": "created", "external_id": "app-1001"},
        {"request": "rejection", "result": "refused", "answer": "invalid_fields"},
        {"request": "progress", "result": "read", "external_id": "app-1001"}]
    assert all(e.user_email == f"api-key {key[:12]}… ({integration.slug})" for e in entries)
    assert key not in str([(e.detail, e.user_email) for e in entries])
    assert db.session.scalar(sa.select(ApiKey.last_used_at)) is not None


def test_keys_are_stored_as_hashes_only_and_shown_once(client, auth, make_integration):
    from tests.helpers import page_text

    auth.login("admin")
    set_english(client)
    integration, _secret = make_integration()
    shown = client.post(f"/admin/integrations/{integration.id}/keys",
                        data={"name": "Greenhouse sync", "rejections_write": "y"})
    assert shown.status_code == 200
    text = page_text(shown)
    assert "You see this only now" in text
    key = max((word for word in text.split() if word.startswith("fhk_")), key=len)
    stored = db.session.scalar(sa.select(ApiKey))
    assert stored.scopes == ["rejections:write"] and key not in repr(vars(stored)) and stored.prefix == key[:12]
    page = client.get(f"/admin/integrations/{integration.id}").get_data(as_text=True)
    assert key not in page and f"{key[:12]}…" in page
    assert client.post("/api/v1/rejections", json=rejection(), headers=bearer(key)).status_code == 201
    none_chosen = client.post(f"/admin/integrations/{integration.id}/keys", data={"name": "Nothing"})
    assert none_chosen.status_code == 422 and "Choose at least one" in page_text(none_chosen)


def test_the_api_needs_no_csrf_token_and_everything_else_still_does(app, make_integration, make_key, make_user):
    from app.extensions import csrf
    from tests.fixtures.staff import STAFF_PASSWORD

    app.config["WTF_CSRF_ENABLED"] = True
    integration, _secret = make_integration()
    key = make_key(integration)
    client = app.test_client()
    assert client.post("/api/v1/rejections", json=rejection(), headers=bearer(key)).status_code == 201
    user = make_user("admin")
    refused = client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert refused.status_code == 400  # the CSRF page: sign-in keeps its protection
    assert {bp.name for bp in csrf._exempt_blueprints} == {"api"} and not csrf._exempt_views


def test_the_api_is_not_opened_by_a_staff_cookie(client, auth):
    auth.login("admin")
    assert client.post("/api/v1/rejections", json=rejection()).status_code == 401
    assert client.get("/api/v1/rejections/app-1001").status_code == 401


def test_an_integration_switched_off_refuses_its_keys(client, make_integration, make_key):
    integration, _secret = make_integration()
    key = make_key(integration)
    integration.active = False
    db.session.commit()
    assert client.post("/api/v1/rejections", json=rejection(), headers=bearer(key)).status_code == 401


def test_too_many_requests_are_answered_with_429_in_json(redis_limits, make_integration, make_key):
    redis_limits.config["API_RATE_LIMIT"] = "3 per minute"
    integration, _secret = make_integration()
    key = make_key(integration)
    client = redis_limits.test_client()
    statuses = [client.get("/api/v1/rejections/none", headers=bearer(key)).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    limited = client.get("/api/v1/rejections/none", headers=bearer(key))
    assert limited.get_json()["error"] == "rate_limited" and limited.headers.get("Retry-After")
    other = make_key(integration)  # counted per key
    assert client.get("/api/v1/rejections/none", headers=bearer(other)).status_code == 404
    assert utcnow()
