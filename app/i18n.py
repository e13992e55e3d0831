"""Language choice: the visitor's explicit choice, else the candidate's own language, else Dutch."""

from datetime import date, datetime

from flask import Flask, current_app, g, request, session
from flask_babel import format_date, get_locale

from app.timeutil import local


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    candidate_language = g.get("candidate_language")
    if candidate_language in languages:
        return candidate_language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    app.add_template_filter(format_day)
    app.add_template_filter(clock)
    app.add_template_filter(short_day)

    @app.context_processor
    def _languages() -> dict:
        return {
            "current_language": current_language(),
            "language_names": {"nl": "Nederlands", "en": "English"},
            "current_path": request.full_path.rstrip("?") if request else "/",
        }


def format_day(value: date | datetime) -> str:
    """'dinsdag 8 december 2026' / 'Tuesday, December 8, 2026', on the Amsterdam calendar."""
    day = local(value).date() if isinstance(value, datetime) else value
    return format_date(day, format="full")


def short_day(value: date | datetime) -> str:
    """'22 nov 2026' / 'Nov 22, 2026': for tables, where the weekday takes too much room."""
    day = local(value).date() if isinstance(value, datetime) else value
    return format_date(day, format="medium")


def clock(value: datetime) -> str:
    """'16:15' on an Amsterdam clock."""
    return local(value).strftime("%H:%M")
