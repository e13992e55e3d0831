"""Signing in tells nobody which accounts exist, and nobody can lock an account out by guessing: wrong
passwords are counted per account and client address, in the real Redis on this machine."""

import pytest
import redis
import sqlalchemy as sa
from flask import request_finished, request_started

from app.auth import services
from app.extensions import db
from tests.fixtures.rate_limits import REDIS_URL
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import page_text

ATTACKER, OWNER = {"REMOTE_ADDR": "203.0.113.66"}, {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def redis_app(redis_limits):
    """Login counters and rate limits in Redis, with room for many attempts from one address."""
    redis_limits.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    return redis_limits


def _attempt(client, email: str, password: str = "not the password", address=ATTACKER):
    return client.post("/login", data={"email": email, "password": password}, environ_base=address)


def test_a_real_and_an_unknown_address_get_the_same_answers(redis_app, make_user):
    user = make_user("admin")
    client = redis_app.test_client()

    real = [_attempt(client, user.email) for _ in range(7)]
    unknown = [_attempt(client, "nobody@staff.example.org") for _ in range(7)]

    assert [r.status_code for r in real] == [r.status_code for r in unknown] == [401] * 5 + [429] * 2
    for mine, theirs in zip(real, unknown, strict=True):
        assert page_text(mine).replace(user.email, "@") == page_text(theirs).replace("nobody@staff.example.org", "@")
    assert all(0 < int(r.headers["Retry-After"]) <= 15 * 60 for r in (real[-1], unknown[-1]))
    assert "Too many failed attempts" in page_text(real[-1]) or "Te veel mislukte pogingen" in page_text(real[-1])


def test_the_owner_signs_in_from_their_own_address_while_someone_guesses_from_another(redis_app, make_user):
    admin = make_user("admin")
    attacker, owner = redis_app.test_client(), redis_app.test_client()
    codes = [_attempt(attacker, admin.email).status_code for _ in range(20)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    assert _attempt(attacker, admin.email, STAFF_PASSWORD).status_code == 429  # even the right password waits

    response = _attempt(owner, admin.email, STAFF_PASSWORD, address=OWNER)

    assert response.status_code == 302
    assert owner.get("/admin/users").status_code == 200


def test_the_counters_are_in_redis_without_the_address(redis_app, make_user):
    user = make_user("recruiter")
    _attempt(redis_app.test_client(), user.email)
    prefix = redis_app.config["RATELIMIT_KEY_PREFIX"]
    keys = [k.decode() for k in redis.Redis.from_url(REDIS_URL).scan_iter(f"*{prefix}*")]
    failures = [k for k in keys if "login-failures" in k]
    assert failures and not any(user.email in k or "staff.example.org" in k for k in failures)


def test_every_worker_counts_the_same(redis_app, app, make_user):
    """Two processes share Redis: the second sees the first one's count (here: two apps, one store)."""
    user = make_user("recruiter")
    client = redis_app.test_client()
    for _ in range(5):
        _attempt(client, user.email)
    redis_app.extensions.pop("auth.login_throttle")  # as a fresh worker process would start
    assert _attempt(client, user.email).status_code == 429


def test_the_limit_is_a_setting(redis_app, make_user):
    redis_app.config["LOGIN_FAILURE_LIMIT"] = "2 per hour"
    user = make_user("recruiter")
    client = redis_app.test_client()
    assert [_attempt(client, user.email).status_code for _ in range(3)] == [401, 401, 429]


def test_every_address_is_still_limited_on_its_own_more_loosely(redis_app, make_user):
    redis_app.config["LOGIN_RATE_LIMIT"] = "8 per minute"
    client = redis_app.test_client()
    codes = [_attempt(client, f"someone{n}@staff.example.org").status_code for n in range(9)]
    assert codes == [401] * 8 + [429]  # different accounts, one address


def test_the_counting_holds_with_rate_limiting_switched_off(app, make_user):
    """RATELIMIT_ENABLED=false (benchmarks) switches off the limits that shed load, not this one."""
    assert app.config["RATELIMIT_ENABLED"] is False
    user = make_user("recruiter")
    client = app.test_client()
    assert [_attempt(client, user.email).status_code for _ in range(6)] == [401] * 5 + [429]
    assert [_attempt(client, "nobody@staff.example.org").status_code for _ in range(6)] == [401] * 5 + [429]


def test_known_and_unknown_addresses_do_the_same_work(app, make_user, monkeypatch):
    """Similar time: the same statements and one argon2 verification each, a deactivated account too."""
    user, inactive = make_user("recruiter"), make_user("recruiter")
    inactive.active = False
    db.session.commit()
    verified: list[str] = []
    real_verify = services.verify_password

    def counting_verify(password_hash, password):
        verified.append(password_hash[:9])
        return real_verify(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting_verify)
    statements: list[list[str]] = []
    during = {"request": False}

    def started(sender, **extra):
        during["request"] = True
        statements.append([])

    def finished(sender, response, **extra):
        during["request"] = False

    def record(connection, cursor, statement, parameters, context, executemany):
        if during["request"]:
            statements[-1].append(statement)

    request_started.connect(started, app)
    request_finished.connect(finished, app)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        client = app.test_client()
        codes = [_attempt(client, email).status_code
                 for email in (user.email, "nobody@staff.example.org", inactive.email)]
        _attempt(client, inactive.email, STAFF_PASSWORD)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
        request_started.disconnect(started, app)
        request_finished.disconnect(finished, app)

    assert codes == [401, 401, 401]
    assert verified == ["$argon2id"] * 4
    assert statements[0] == statements[1] == statements[2] == statements[3]
