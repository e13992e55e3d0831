"""Default settings. Every one of them can be overridden from the environment with the
``FLASK_`` prefix, e.g. ``FLASK_SQLALCHEMY_DATABASE_URI`` or ``FLASK_BOOKING_CLOSES_HOURS=48``."""

DEFAULTS: dict[str, object] = {
    # Database: a SQLite file in instance/ unless FLASK_SQLALCHEMY_DATABASE_URI says otherwise.
    "SQLALCHEMY_DATABASE_URI": None,
    # Connections that waited in the pool are pinged before use (app/database.py), not every one. Statement
    # parameters are always hidden from errors and logs (hide_parameters, set in create_app).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Seconds a visitor is asked to wait (Retry-After) while the database cannot be reached.
    "UNAVAILABLE_RETRY_AFTER_SECONDS": 30,
    # Languages: Dutch first, English second.
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "LANGUAGES": ["nl", "en"],
    # Where the portal is reached from outside; used for links in e-mails sent by the worker.
    "PORTAL_URL": "http://127.0.0.1:5000",
    "ORGANISATION_NAME": "Ziekenhuis Demo",
    # How the candidate reaches a person when the portal can no longer help.
    "RECRUITER_CONTACT_EMAIL": "werving@example.org",
    # The candidate's personal link and booking rules.
    "INVITATION_VALID_DAYS": 56,
    "BOOKING_CLOSES_HOURS": 24,
    "QUESTION_MAX_LENGTH": 500,
    # How long a process may show the free times it read (seconds; 0 reads them for every page). See
    # app/booking/free_times.py.
    "FREE_SLOTS_FRESH_SECONDS": 1.0,
    "WAITLIST_OFFER_HOURS": 48,
    # Mail. Without MAIL_SERVER, mail is written to instance/mail/ and logged instead of sent.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_DEFAULT_SENDER": "Feedbackspreekuur <feedback@example.org>",
    "MAIL_TIMEOUT": 10,
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_RETRY_BASE_SECONDS": 60,
    "MAIL_FOLDER": None,
    # While the mail server cannot be reached or refuses the sign-in, sending pauses; it is tried this often.
    "MAIL_PAUSE_RETRY_SECONDS": 60,
    # Candidates: the CSV import's limits, where uploads wait between preview and import (default
    # instance/imports/), and the one gentle reminder to invited candidates who have not booked.
    # 10,000 rows with a personal line each are 3 to 4 MB.
    "CSV_IMPORT_MAX_BYTES": 5_000_000,
    "CSV_IMPORT_MAX_ROWS": 10_000,
    "CSV_IMPORT_FOLDER": None,
    # An uploaded file (applicants' data) is deleted once imported or cancelled, and at the latest after this.
    "CSV_IMPORT_KEEP_MINUTES": 60,
    "INVITE_REMINDER_DAYS": 7,
    # Privacy: personal data goes this many days after the procedure ends (talent pool: when consent ends).
    "RETENTION_DAYS": 28,
    # Rate limits: memory storage counts per process; use a Redis URI in production.
    "RATELIMIT_STORAGE_URI": "memory://",
    # No X-RateLimit-* headers: on every page they cost two more round trips to the limiter's storage (Redis:
    # a third of the booking page's time, bench/booking_burst.py); a refused request still says when to try
    # again (Retry-After, app/security.py).
    "RATELIMIT_HEADERS_ENABLED": False,
    "TOKEN_PAGE_RATE_LIMIT": "60 per minute",
    "RESEND_RATE_LIMIT": "5 per 15 minutes",
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    "PROXY_FIX_HOPS": 0,
    # "production" requires FLASK_SECRET_KEY and makes cookies Secure with the __Host- prefix.
    "DEPLOYMENT": "development",
    "BOOKING_ACTION_RATE_LIMIT": "10 per minute",
    # Every sign-in attempt from one client address (Flask-Limiter; off with RATELIMIT_ENABLED=false).
    "LOGIN_RATE_LIMIT": "20 per minute",
    # Wrong passwords per account and client address before that pair has to wait (always on, counted in
    # RATELIMIT_STORAGE_URI): the same for unknown addresses, and never a lock-out from another address.
    "LOGIN_FAILURE_LIMIT": "5 per 15 minutes",
    # Staff sessions end after this long without a request, and this long after signing in whatever happens.
    "STAFF_SESSION_IDLE_MINUTES": 30,
    "STAFF_SESSION_LIFETIME_HOURS": 12,
    # The lost-link form mails an address at most once per this many minutes.
    "RESEND_LINK_INTERVAL_MINUTES": 15,
    # Integrations (app/integrations/): the API's rate limit per key, its largest JSON body, how far a signed
    # webhook's timestamp may be from now, and how old a Greenhouse rejection (which signs no time) may be.
    "API_RATE_LIMIT": "120 per minute",
    "API_MAX_BODY_BYTES": 64 * 1024,
    "WEBHOOK_RECEIVE_RATE_LIMIT": "120 per minute",
    "WEBHOOK_TOLERANCE_SECONDS": 300,
    "GREENHOUSE_MAX_AGE_HOURS": 168,
    # Outgoing webhooks (app/webhooks/): seconds to connect and to wait for an answer, attempts and back-off,
    # and how long delivered ones stay listed.
    "WEBHOOK_TIMEOUT_SECONDS": 5,
    "WEBHOOK_MAX_ATTEMPTS": 10,
    "WEBHOOK_RETRY_BASE_SECONDS": 60,
    "WEBHOOK_KEEP_DAYS": 30,
    # Staff sign-in with the organisation's account (OpenID Connect, app/auth/oidc.py); off without an issuer.
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_SCOPES": "openid email profile",
    "OIDC_PROVIDER_NAME": "",
    # Which claim holds the groups (Entra ID: "groups", or "roles" for app roles), and which group is which role.
    "OIDC_ROLE_CLAIM": "groups",
    "OIDC_ROLE_MAP": {},
    "OIDC_CLOCK_SKEW_SECONDS": 60,
    "OIDC_TIMEOUT_SECONDS": 10,
    # Password sign-in for staff; switch it off once everyone signs in with the organisation's account.
    "PASSWORD_LOGIN_ENABLED": True,
    # Session cookie defaults; production hardening is applied in create_app.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,  # above CSV_IMPORT_MAX_BYTES, so that its own message is shown
}
