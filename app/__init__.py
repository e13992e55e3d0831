"""The feedback-hour portal: an application factory of small named steps."""

import logging
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, request

from app.config import DEFAULTS


class Portal(Flask):
    """Flask with the request as the unit of work (STYLE.md: services flush, the edge commits).

    A view that returns has its transaction committed before the response is made, so that a failing
    commit is answered like any other error; any exception rolls the transaction back before its error
    page is made. A request that only reads and finds its pooled database connection broken (the database
    server restarted, something in between dropped it) is tried once more on a fresh connection.
    """

    def preprocess_request(self):
        return _retried_once_for_reads(super().preprocess_request)

    def dispatch_request(self):
        from app.database import end_request_transaction

        def view_then_commit():
            result = Flask.dispatch_request(self)
            end_request_transaction()
            return result

        return _retried_once_for_reads(view_then_commit)

    def handle_user_exception(self, e):
        from app.extensions import db

        db.session.rollback()
        return super().handle_user_exception(e)


def _retried_once_for_reads(step):
    """``step()``, and once more if it only read and its database connection turned out to be broken."""
    from app.database import Mode, current_mode
    from app.extensions import db

    try:
        return step()
    except sa.exc.DBAPIError as exc:
        if not exc.connection_invalidated or request.method not in ("GET", "HEAD") or current_mode() is Mode.WRITE:
            raise
        db.session.rollback()  # gives the broken connection back; the pool discards it
        return step()


def create_app(overrides: dict | None = None) -> Flask:
    """Build the portal: settings from defaults, the environment (``FLASK_*``) and ``overrides``."""
    app = Portal(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    configure(app, overrides)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_cli(app)
    return app


def configure(app: Flask, overrides: dict | None) -> None:
    """Read settings; fill in the embedded SQLite database and a development secret key."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env()
    if overrides:
        app.config.from_mapping(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'portal.sqlite3'}"
    # A failed statement's parameters (names, addresses) stay out of error messages and logs.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    production = app.config.get("DEPLOYMENT", "development") == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError(
                "FLASK_SECRET_KEY is not set. In production the portal refuses to start without it: "
                "generate one with  python -c 'import secrets; print(secrets.token_hex(32))'  "
                "and pass it as the environment variable FLASK_SECRET_KEY."
            )
        app.config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
    if production:
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-session",
            REMEMBER_COOKIE_SECURE=True,
        )
    if not app.config.get("MAIL_FOLDER"):
        app.config["MAIL_FOLDER"] = str(Path(app.instance_path) / "mail")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _development_secret_key(instance: Path) -> str:
    """A random key kept in instance/ so that sessions survive a restart of the dev server."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    from flask_login import current_user

    from app import database, fragments, i18n, labels, security
    from app.auth import oidc
    from app.auth.staff_sessions import load_user, send_to_sign_in
    from app.core import query
    from app.core.forms import csrf_field
    from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from app.webhooks import events as webhook_events

    query.init_app(app)  # before the blueprints: their <int:…> ids are bounded
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=lambda: "Europe/Amsterdam")
    limiter.init_app(app)
    mail.init_app(app)
    # Templates get Flask-Login's current_user as the proxy it is, loaded when a template uses it (the
    # staff pages), instead of its context processor, which loads it for every page.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["csrf_field"] = csrf_field
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(send_to_sign_in)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    database.configure_engine(app)
    oidc.init_app(app)
    webhook_events.init_app(app)
    fragments.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.admin.routes import bp as admin_bp
    from app.advice.routes import bp as advice_bp
    from app.audit.routes import bp as audit_bp
    from app.auth.routes import bp as auth_bp
    from app.booking.routes import bp as booking_bp
    from app.calls.routes import bp as calls_bp
    from app.candidates.routes import bp as candidates_bp
    from app.extensions import csrf
    from app.integrations.api import bp as api_bp
    from app.integrations.routes import bp as integrations_bp
    from app.main.routes import bp as main_bp
    from app.notes.routes import bp as notes_bp
    from app.outbox.routes import bp as outbox_bp
    from app.privacy.routes import bp as privacy_bp
    from app.recruiter.routes import bp as recruiter_bp
    from app.sessions.routes import bp as sessions_bp
    from app.stats.routes import bp as stats_bp
    from app.survey.routes import bp as survey_bp
    from app.talent.candidate_routes import bp as talent_link_bp
    from app.talent.routes import bp as talent_bp
    from app.webhooks.routes import bp as webhooks_bp

    public = (main_bp, auth_bp)
    # Reached through the candidate's personal link; each is rate limited (guessing tokens included).
    candidate = (booking_bp, privacy_bp, talent_link_bp, survey_bp)
    staff = (recruiter_bp, sessions_bp, candidates_bp, calls_bp, notes_bp, advice_bp, talent_bp, outbox_bp, stats_bp,
             admin_bp, audit_bp, integrations_bp, webhooks_bp)
    for blueprint in public + candidate + staff:
        app.register_blueprint(blueprint)
    # The API is opened by API keys and webhook signatures only, never by a cookie: the one place without
    # CSRF protection (a test checks that nothing else is exempt).
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)


def register_errorhandlers(app: Flask) -> None:
    from app import errors

    errors.init_app(app)


def register_cli(app: Flask) -> None:
    from app.auth.cli import users_cli
    from app.demo.cli import demo_cli
    from app.mail.cli import mail_cli
    from app.privacy.cli import privacy_cli
    from app.stats.cli import stats_cli
    from app.webhooks.cli import webhooks_cli

    for group in (demo_cli, mail_cli, users_cli, privacy_cli, stats_cli, webhooks_cli):
        app.cli.add_command(group)
