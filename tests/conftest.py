"""Shared fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
FLASK_TEST_DATABASE_URI says so), factories that state only what a test cares about, and a real
SMTP server."""

import email
import email.policy
import os
import re
import secrets
import threading
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask.testing import FlaskClient
from jinja2 import MemcachedBytecodeCache

from app import create_app
from app.database import utcnow
from app.extensions import db
from app.models import Candidate, FeedbackSession, OutboxMessage, SessionStatus, Stage
from app.sessions.services import create_session
from app.timeutil import local
from app.tokens import issue_invitation

pytest_plugins = ["tests.fixtures.integrations"]


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("FLASK_TEST_DATABASE_URI")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Migrate a clean database once per run: the schema exists only through the migrations.

    On PostgreSQL each run gets a schema of its own, so that two runs on one server never collide.
    """
    url = _database_url(tmp_path_factory)
    schema = None
    if url.startswith("postgresql"):
        schema = f"test_{os.getpid()}_{secrets.token_hex(3)}"
        admin = sa.create_engine(url)
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}options=-csearch_path%3D{schema}"
    from flask_migrate import upgrade

    app = create_app(_settings(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    if schema:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class _DictCache(dict):
    """The smallest cache that Jinja's MemcachedBytecodeCache accepts: compiled templates, shared by all tests."""

    def set(self, key, value, timeout=None):
        self[key] = value


def _settings(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "MAIL_FOLDER": str(instance / "mail"),
        "PORTAL_URL": "http://portal.test",
        "MAIL_RETRY_BASE_SECONDS": 1,
    }


_TEMPLATE_CACHE = MemcachedBytecodeCache(_DictCache())


class FreshGlobalsClient(FlaskClient):
    """The app fixture keeps one app context open so that tests can use db.session; in production
    every request has its own. So, as in production: every request starts with an empty ``g`` (nothing,
    such as Flask-Login's cached user, leaks from one request or client to the next) and in a transaction
    of its own (on SQLite a GET reads without the write lock: app/database.py), and what it did not
    commit is gone when it ends."""

    def open(self, *args, **kwargs):
        if not has_app_context():  # client threads run without one and get a fresh context per request
            return super().open(*args, **kwargs)
        g.__dict__.clear()
        db.session.commit()
        try:
            return super().open(*args, **kwargs)
        finally:
            db.session.rollback()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(_settings(database_url, tmp_path))
    app.test_client_class = FreshGlobalsClient
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE  # each test's app would otherwise compile every template anew
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories -------------------------------------------------------------------------------------

@pytest.fixture
def make_session(app):
    """make_session(days_ahead=14, start="16:00", end="18:00", **overrides) -> a published session."""

    def make(days_ahead: int = 14, start: str = "16:00", end: str = "18:00", **overrides) -> FeedbackSession:
        day = local(utcnow()).date() + timedelta(days=days_ahead)
        options = {"location": "Spreekkamer 3", "video_url": "https://meet.example.org/fb",
                   "status": SessionStatus.PUBLISHED, "slot_minutes": 15}
        options.update(overrides)
        session = create_session(day=day, start=_clock(start), end=_clock(end), **options)
        db.session.commit()
        return session

    return make


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@pytest.fixture
def make_candidate(app):
    """make_candidate(**overrides) -> (candidate, token) with a valid personal link."""
    counter = iter(range(1, 10_000))

    def make(expires_at: datetime | None = None, **overrides) -> tuple[Candidate, str]:
        n = next(counter)
        values = {"name": f"Kandidaat {n} Jansen", "email": f"kandidaat{n}@example.org",
                  "vacancy": "Verpleegkundige", "department": "Cardiologie", "stage": Stage.INTERVIEW,
                  "rejected_on": date.today() - timedelta(days=1), "language": "nl"}
        values.update(overrides)
        candidate = Candidate(**values)
        db.session.add(candidate)
        db.session.flush()
        token = issue_invitation(candidate, expires_at=expires_at)
        db.session.commit()
        return candidate, token

    return make


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def free_slot_ids(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'name="slot" id="slot-\d+" value="(\d+)"', html)]


# --- a real SMTP server ----------------------------------------------------------------------------

class _Collector:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_with: str | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that keeps what it receives."""

    def __init__(self, port: int = 0):
        self.handler = _Collector()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port or _free_port())
        self.port = self.controller.port

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A running SMTP server that the app sends to."""
    server = SmtpServer().start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    server.stop()


__all__ = ["outbox", "free_slot_ids", "SmtpServer"]


# --- rate limits in the real Redis --------------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_limits(app):
    """The test app with rate limiting on, its counters (and the sign-in counts, app/auth/throttle.py) in
    the real Redis under a fresh prefix, which is emptied afterwards."""
    import redis

    from app.extensions import limiter

    prefix = f"test-{secrets.token_hex(4)}"
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    limiter._key_prefix = None  # Flask-Limiter keeps the prefix of the first app it is bound to, unless told
    limiter.init_app(app)
    yield app
    limiter._key_prefix = None
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*{prefix}*"):
        store.delete(key)


# --- staff -----------------------------------------------------------------------------------------

STAFF_PASSWORD = "a long enough test password"


@pytest.fixture
def make_user(app):
    """make_user(role="recruiter", **overrides) -> User with password STAFF_PASSWORD."""
    from app.auth.services import create_user
    from app.models import Role

    counter = iter(range(1, 10_000))

    def make(role: str = "recruiter", email: str | None = None, name: str | None = None):
        n = next(counter)
        user = create_user(email or f"{role}{n}@staff.example.org", name or f"{role.title()} {n}", Role(role),
                           STAFF_PASSWORD)
        db.session.commit()
        return user

    return make


class AuthActions:
    """Sign the test client in and out, as flaskr's tests do."""

    def __init__(self, client, make_user):
        self._client, self._make_user = client, make_user

    def login(self, role: str = "recruiter", user=None):
        user = user or self._make_user(role)
        response = self._client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD})
        assert response.status_code == 302, response.data[:500]
        return user

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client, make_user):
    return AuthActions(client, make_user)


# --- reading pages in English ------------------------------------------------------------------------

@pytest.fixture
def candidate_en(make_candidate):
    """make_candidate with English as the candidate's language (mail is rendered in it)."""

    def make(**overrides):
        overrides.setdefault("language", "en")
        return make_candidate(**overrides)

    return make


@pytest.fixture
def english(app):
    """Messages made outside a request (service functions called directly) in English."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def english_client(app):
    """A test client that reads pages in English, whatever catalogs are compiled."""
    from tests.helpers import set_english

    client = app.test_client()
    set_english(client)
    return client


@pytest.fixture
def recruiter(auth, client):
    """The test client signed in as a recruiter, reading pages in English."""
    from tests.helpers import set_english

    user = auth.login("recruiter")
    set_english(client)
    return user
