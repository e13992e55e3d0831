"""Rate limits on token pages, booking actions and login, counted in the real Redis on this machine."""

import secrets

import pytest
import redis

from app import create_app
from tests.fixtures.rate_limits import REDIS_URL


@pytest.fixture
def limited_app(redis_limits):
    """The test app with rate limiting on (counted in Redis) and low limits."""
    redis_limits.config.update(TOKEN_PAGE_RATE_LIMIT="5 per minute", BOOKING_ACTION_RATE_LIMIT="3 per minute",
                               LOGIN_RATE_LIMIT="4 per minute", RESEND_RATE_LIMIT="2 per minute")
    return redis_limits


def test_token_pages_are_limited_per_client_and_counted_in_redis(limited_app, make_session, make_candidate):
    make_session()
    _, token = make_candidate()
    client = limited_app.test_client()
    codes = [client.get(f"/b/{token}").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    page = client.get(f"/b/{token}")
    assert "Too many attempts" in page.get_data(as_text=True) or "Te veel pogingen" in page.get_data(as_text=True)
    prefix = limited_app.config["RATELIMIT_KEY_PREFIX"]
    assert any(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{prefix}*"))


def test_guessing_tokens_is_limited(limited_app):
    client = limited_app.test_client()
    codes = [client.get(f"/b/{secrets.token_urlsafe(32)}").status_code for _ in range(7)]
    assert codes[:5] == [404] * 5 and 429 in codes[5:]


def test_booking_actions_have_a_stricter_limit(limited_app, make_session, make_candidate):
    make_session()
    _, token = make_candidate()
    client = limited_app.test_client()
    codes = [client.post(f"/b/{token}/book", data={"slot": "nope", "topics": ["improve"]}).status_code
             for _ in range(4)]
    assert codes[:3] == [422, 422, 422] and codes[3] == 429


def test_login_is_limited(limited_app, make_user):
    user = make_user("recruiter")
    client = limited_app.test_client()
    codes = [client.post("/login", data={"email": user.email, "password": "wrong"}).status_code for _ in range(5)]
    assert codes[-1] == 429


def test_asking_for_a_lost_link_is_limited(limited_app):
    client = limited_app.test_client()
    codes = [client.post("/link", data={"email": "x@example.org"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_memory_storage_is_the_default(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.sqlite3"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
