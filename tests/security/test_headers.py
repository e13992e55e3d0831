"""Security headers: a CSP without inline script, token pages that send no referrer to other sites, hardened
cookies."""

import re
from pathlib import Path

from app import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_token_pages_send_a_referrer_to_the_portal_only(client, make_session, make_candidate):
    """same-origin: a link the candidate follows to another site (the video call, a calendar) carries no
    referrer, so the token never leaves the portal; the portal's own forms get one, which Flask-WTF needs."""
    make_session()
    _, token = make_candidate()
    for url in (f"/b/{token}", f"/b/{token[:-1]}x", "/b/unknown"):
        response = client.get(url)
        assert response.headers["Referrer-Policy"] == "same-origin", url
        assert response.headers["Cache-Control"] == "no-store", url


def test_over_https_a_candidate_books_with_the_referrer_their_browser_sends(app, make_session, make_candidate):
    """Over HTTPS Flask-WTF refuses a form without a same-site Referer (WTF_CSRF_SSL_STRICT). Under
    "no-referrer" a browser sends none, and every candidate form failed in production with a 400."""
    feedback_session = make_session()
    _, token = make_candidate()
    base = "https://portal.example.org"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        page = client.get(f"/b/{token}", base_url=base)
        assert page.headers["Referrer-Policy"] == "same-origin"
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        form = {"csrf_token": csrf, "slot": feedback_session.slots[0].id, "topics": ["improve"]}
        without = client.post(f"/b/{token}/book", data=form, base_url=base)
        assert without.status_code == 400  # what "no-referrer" made of every booking
        booked = client.post(f"/b/{token}/book", data=form, base_url=base, headers={"Referer": f"{base}/b/{token}"})
        assert booked.status_code == 302 and booked.headers["Location"].endswith("/confirmed")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_no_page_template_contains_inline_script_or_event_handlers():
    """The CSP would block them; keep them out of the source so nothing silently breaks."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] == "email":
            continue  # e-mails are not pages; mail clients need inline styles
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text) \
                or re.search(r'\sstyle\s*=\s*"', text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_DEPLOYMENT", "production")
    app = create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3"})
    client = app.test_client()
    response = client.post("/language/en", data={"next": "/"})
    cookie = response.headers.get("Set-Cookie", "")
    # The CSRF check fails without a token, but the session cookie (set for the CSRF token) shows the flags.
    response = client.get("/")
    cookie = response.headers.get("Set-Cookie", "") or cookie
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_proxy_fix_is_off_by_default_and_configurable(tmp_path):
    plain = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.sqlite3"})
    assert "ProxyFix" not in type(plain.wsgi_app).__name__
    proxied = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.sqlite3",
                          "PROXY_FIX_HOPS": 1})
    assert type(proxied.wsgi_app).__name__ == "ProxyFix"
