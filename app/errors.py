"""Error pages in the visitor's language; no visitor ever sees a bare 500.

Every handler here runs after the request's transaction was rolled back (``Portal.handle_user_exception``).
"""

import logging

import sqlalchemy as sa
from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core.query import BadJsonBody
from app.tokens import TokenUnknown

log = logging.getLogger(__name__)

# What a visitor is told to wait before trying again while the database cannot be reached.
UNAVAILABLE_RETRY_AFTER_SECONDS = 30


def database_unavailable(error: Exception) -> bool:
    """Whether ``error`` means the database could not be reached or answer (down, restarting, the connection
    dropped, the pool exhausted, SQLite's lock held too long), as opposed to a statement it refused."""
    if isinstance(error, sa.exc.TimeoutError | sa.exc.DisconnectionError):
        return True
    if isinstance(error, sa.exc.DBAPIError):
        return error.connection_invalidated or isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError)
    return False


def init_app(app: Flask) -> None:
    @app.errorhandler(TokenUnknown)
    def _token_unknown(error):
        return render_template("errors/link_unknown.html"), 404

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(BadJsonBody)
    def _bad_json(error: BadJsonBody):
        if (answer := _json_answer()) is not None:
            return answer(error)
        return jsonify(error=error.description), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if (answer := _json_answer()) is not None:
            return answer(error)
        return render_template("errors/http.html", error=error), error.code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if database_unavailable(error):
            # The class only: the statement and its parameters could hold personal data (and the engine
            # hides parameters anyway, see app/database.py).
            log.error("database unavailable: %s", type(error.orig if hasattr(error, "orig") else error).__name__)
            retry = current_app.config.get("UNAVAILABLE_RETRY_AFTER_SECONDS", UNAVAILABLE_RETRY_AFTER_SECONDS)
            if _api():
                return jsonify(error="unavailable", message="The service is unavailable; try again shortly."), 503, {
                    "Retry-After": str(retry)}
            return render_template("errors/unavailable.html"), 503, {"Retry-After": str(retry)}
        log.exception("unexpected error")
        if _api():
            return jsonify(error="server_error", message="Something went wrong on our side."), 500
        return render_template("errors/500.html"), 500


# Paths whose HTTP errors are answered in JSON by a feature's own function (the API: app/integrations/api.py
# registers "/api/"), so that routing errors there, which belong to no blueprint, are JSON too.
JSON_ERROR_ANSWERS = "errors.json_answers"  # key in app.extensions: {path prefix: answer(error)}


def answer_errors_in_json(app: Flask, prefix: str, answer) -> None:
    """HTTP errors of every request under ``prefix`` go to ``answer(error)`` instead of an error page."""
    app.extensions.setdefault(JSON_ERROR_ANSWERS, {})[prefix] = answer


def _json_answer():
    for prefix, answer in current_app.extensions.get(JSON_ERROR_ANSWERS, {}).items():
        if request.path.startswith(prefix):
            return answer
    return None


def _api() -> bool:
    """Whether this request's errors are answered in JSON (a path registered with answer_errors_in_json)."""
    return _json_answer() is not None
