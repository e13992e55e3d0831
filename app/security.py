"""Security headers on every response, the signed session cookie, and running behind a reverse proxy."""

import time

from flask import Flask, Response, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import limiter

# No inline script or style anywhere: every script and stylesheet comes from static/.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Pages reached through a secret in the URL: the candidate's link and the recruiters' calendar feed.
TOKEN_PATH_PREFIXES = ("/b/", "/recruiter/sessions/feed/")
# Staff pages outside a signed-in view: signing in and out.
SIGN_IN_ENDPOINTS = ("auth.sign_in", "auth.sign_out")


def is_staff_page() -> bool:
    """Whether this response shows something only staff may see: a view for signed-in roles only, the
    sign-in page, or any page that loaded a signed-in member of staff. A shared PC's browser keeps none of
    them (``Cache-Control: no-store``), so that no one finds a candidate's name or notes in its cache."""
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "allowed_roles", None) or g.get("page_roles"):  # role_required, or the blueprint's only_for
        return True
    user = g.get("_login_user")  # Flask-Login's user of this request, if anything asked for it
    return bool(user is not None and user.is_authenticated)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed session cookie, with its signing serializer kept per secret key (and fallback keys):
    Flask builds it anew to open and again to save every session, and every build tries its JSON
    serializer out once. Every page reached through a personal link saves a session (its CSRF token)."""

    def __init__(self):
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                self._serializers[keys] = serializer
        return serializer


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    hops = int(app.config.get("PROXY_FIX_HOPS", 0) or 0)
    if hops:
        # Trust X-Forwarded-For/-Proto/-Host from exactly this many proxies in front of the app.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.after_request
    def _retry_after(response: Response) -> Response:
        """A request the rate limiter refused says when to try again, read from the limiter's storage for
        that answer only (RATELIMIT_HEADERS_ENABLED=false spares every other request that read)."""
        if response.status_code == 429 and "Retry-After" not in response.headers:
            limit = limiter.current_limit
            if limit is not None:
                response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
        return response

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.path.startswith(TOKEN_PATH_PREFIXES):
            # The token is in the address: no other site ever gets it as a referrer, but the portal's own
            # forms do, which Flask-WTF requires over HTTPS (with "no-referrer" every candidate POST was a 400).
            # The calendar feed, which has no forms, says "no-referrer" itself.
            headers.setdefault("Referrer-Policy", "same-origin")
            headers["Cache-Control"] = "no-store"
        else:
            headers.setdefault("Referrer-Policy", "same-origin")
            if is_staff_page():
                headers["Cache-Control"] = "no-store"
        if app.config.get("DEPLOYMENT") == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
