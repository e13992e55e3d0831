"""Error pages in the visitor's language; no visitor ever sees a bare 500."""

import logging

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.query import BadJsonBody
from app.tokens import TokenExpired, TokenUnknown

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    @app.errorhandler(TokenUnknown)
    def _token_unknown(error):
        return render_template("errors/link_unknown.html"), 404

    @app.errorhandler(TokenExpired)
    def _token_expired(error):
        return render_template("errors/link_expired.html"), 410

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(BadJsonBody)
    def _bad_json(error: BadJsonBody):
        db.session.rollback()
        return jsonify(error=error.description), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        db.session.rollback()
        return render_template("errors/http.html", error=error), error.code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unexpected error")
        db.session.rollback()
        return render_template("errors/500.html"), 500
