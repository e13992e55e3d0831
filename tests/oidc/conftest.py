"""A real OpenID Connect provider for the sign-in tests: node-oidc-provider (tests/oidc/provider.mjs), run
with Node on 127.0.0.1, started once per test session. `make test` installs it (npm ci in tests/oidc)."""

import os
import re
import select
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).parent
CLIENT_ID, CLIENT_SECRET = "feedback-portal", "a-client-secret-for-the-tests-only"
REDIRECT_URI = "http://portal.test/login/oidc/callback"  # PORTAL_URL of the tests + the callback
ACCOUNTS = {
    "rita": {"email": "rita@hospital.example", "email_verified": True, "name": "Rita de Recruiter",
             "groups": ["everyone", "portal-recruiters"]},
    "hanna": {"email": "hanna@hospital.example", "email_verified": True, "name": "Hanna HR",
              "groups": ["portal-hr"]},
    "olaf": {"email": "olaf@hospital.example", "email_verified": True, "name": "Olaf Outsider",
             "groups": ["everyone"]},
    "bea": {"email": "bea@hospital.example", "email_verified": True, "name": "Bea Both",
            "groups": ["portal-hr", "portal-admins"]},
}
ROLE_MAP = {"portal-recruiters": "recruiter", "portal-hr": "hr", "portal-admins": "admin"}


@dataclass
class Provider:
    issuer: str

    def tamper_next_token(self, mode: str) -> None:
        """The next ID token the provider hands out is changed as an attacker in the middle would, or
        signed by the provider but expired (see provider.mjs)."""
        assert requests.post(f"{self.issuer}/__test__/tamper", data={"mode": mode}, timeout=5).ok


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider():
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("oidc-provider is not installed: run `make oidc-deps` (npm ci in tests/oidc)")
    import json

    port = _free_port()
    process = subprocess.Popen(
        ["node", str(HERE / "provider.mjs"), str(port), CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
         json.dumps(ACCOUNTS)],
        cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "NODE_ENV": "test"},
    )
    deadline, line = time.monotonic() + 30, b""
    while time.monotonic() < deadline and not line.startswith(b"ready"):
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
        if process.poll() is not None:
            pytest.fail("the OIDC provider did not start")
    if not line.startswith(b"ready"):
        process.kill()
        pytest.fail("the OIDC provider did not start in 30 s")
    yield Provider(issuer=line.decode().split()[1])
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def oidc_app(app, oidc_provider):
    """The test app signing staff in with the provider, its groups mapped to roles."""
    from app.auth import oidc

    app.config.update(OIDC_ISSUER=oidc_provider.issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                      OIDC_ROLE_MAP=ROLE_MAP, OIDC_PROVIDER_NAME="Test-ID")
    oidc.init_app(app)
    return app


def sign_in_at_provider(client, login: str, *, provider: Provider | None = None, tamper: str | None = None,
                        start_path: str = "/login/oidc"):
    """As a browser would: the portal sends us to the provider, we sign in and consent there, the provider
    sends us back to the portal's callback, which answers (returned)."""
    start = client.get(start_path)
    assert start.status_code == 302, start.status_code
    location = start.location
    browser = requests.Session()
    response = browser.get(location, allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith("http://portal.test/"):
                break
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
        data = {"prompt": "login", "login": login, "password": "any"} if 'name="login"' in response.text \
            else {"prompt": "consent"}
        response = browser.post(urljoin(response.url, action), data=data, allow_redirects=False, timeout=10)
    assert location.startswith("http://portal.test/login/oidc/callback"), location
    if tamper:
        provider.tamper_next_token(tamper)
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")
