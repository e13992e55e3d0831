"""Language choice: the visitor's explicit choice, else the candidate's own language, else Dutch; and the
portal's lazy strings (``_l``), which are text, not HTML."""

import functools
from collections.abc import Callable
from datetime import date, datetime
from gettext import NullTranslations

from babel import dates
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup, escape

from app.core.languages import language_name, native_names
from app.timeutil import local


class LazyText(LazyString):
    """A translation looked up when it is used: for labels and messages defined at import, before any
    request knows its language. Flask-Babel's LazyString declares itself safe HTML (its ``__html__`` returns
    the text as it is), so whatever was formatted into it reached the page unescaped. This one is text: in
    HTML (``{{ label }}``, a WTForms label or choice, ``Markup % value``) it is escaped like any str."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def _l(string: str, **variables) -> LazyText:
    """The portal's ``lazy_gettext``: only for constants at module level (labels, messages of an exception
    class, validator messages), never with data from a person or a file; at request time use ``_()``.
    ``make extract-messages`` finds these by the keyword ``_l``."""
    return LazyText(gettext, string, **variables)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with lazy strings as their text: Flask turns any object with ``__html__`` into that
    HTML, which for a LazyText is the escaped text."""

    @staticmethod
    def default(o):
        if isinstance(o, LazyString):
            return str(o)
        return DefaultJSONProvider.default(o)


def select_locale() -> str:
    if g.get("fixed_language"):  # the API answers in English, whatever the visitor's cookie says
        return g.fixed_language
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if has_request_context() else None  # a command or the mail worker: no visitor
    if chosen in languages:
        return chosen
    candidate_language = g.get("candidate_language")
    if candidate_language in languages:
        return candidate_language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _catalog():
    """Flask-Babel's catalog for the current language, looked up once per language and request: the one
    place every translation in a template goes through (``_``, ``gettext``, ``ngettext``, ``{% trans %}``,
    on pages, in macros and in e-mails alike), so that ``force_locale`` is honoured everywhere.

    Flask-Babel's own lookup walks its request context several times for every string, and a page asks
    for dozens (a selection of a hundred rejection e-mails for thousands). The catalog is kept in ``g``
    with the locale it belongs to, and looked up again whenever the locale is another one: after a
    language switch (``flask_babel.refresh``) or inside ``force_locale``, as for an e-mail in the
    candidate's language. (Compared by value: ``force_locale`` makes a new but equal locale for each of
    10,000 e-mails in the same language, and a language's catalog is the same whichever object names it.)"""
    if not has_app_context():
        return get_translations()
    # Flask-Babel keeps the locale of the moment in ``g._flask_babel.babel_locale`` (``force_locale`` sets
    # it there too): read once through the proxy, that costs a fifth of ``get_locale()``, which walks ``g``
    # three times. When it is not there yet, ``get_locale()`` chooses it.
    context = g._get_current_object().__dict__
    babel_state = context.get("_flask_babel")
    locale = getattr(babel_state, "babel_locale", None) if babel_state is not None else None
    kept = context.get("_catalog")
    if locale is None or kept is None or (kept[0] is not locale and kept[0] != locale):
        locale = get_locale()
        kept = context["_catalog"] = (locale, get_translations())
    return kept[1]


def _newstyle_gettext(catalog: Callable[[], NullTranslations]):
    """``_()`` and ``gettext()`` for templates, on the catalog that ``catalog()`` returns: what Jinja's
    newstyle gettext does (the translation, always formatted with ``variables``, which are escaped on
    pages), in one call instead of the three nested ones of the i18n extension's ``_``."""

    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables) -> str:
        translated = catalog().ugettext(string)
        if eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    return gettext


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    # One mechanism for every template: Flask-Babel's gettext functions replaced by the same, on the catalog
    # of the moment (``_catalog``), which follows ``force_locale`` and is looked up once per language.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # ``_()`` in one call instead of the three nested ones of Jinja's own newstyle ``_``.
    template_gettext = _newstyle_gettext(_catalog)
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)
    app.add_template_filter(format_day)
    app.add_template_filter(clock)
    app.add_template_filter(short_day)
    app.add_template_filter(day_and_month)
    app.jinja_env.globals["language_label"] = language_name

    @app.context_processor
    def _languages() -> dict:
        return {
            "current_language": current_language(),
            "language_names": native_names(),  # each in its own language, for the switch
            "current_path": request.full_path.rstrip("?") if request else "/",
        }


def format_day(value: date | datetime) -> str:
    """'dinsdag 8 december 2026' / 'Tuesday 8 December 2026', on the Amsterdam calendar."""
    day = local(value).date() if isinstance(value, datetime) else value
    return _formatted(day, "full", str(get_locale()))


def day_and_month(value: date | datetime) -> str:
    """'dinsdag 8 december' / 'Tuesday 8 December': format_day without the year, where room is short and the
    year goes beside it for screen readers only (the picker's days)."""
    day = local(value).date() if isinstance(value, datetime) else value
    return _formatted(day, "EEEE d MMMM", str(get_locale()))


def short_day(value: date | datetime) -> str:
    """'22 nov 2026' / '22 Nov 2026': for tables, where the weekday takes too much room."""
    day = local(value).date() if isinstance(value, datetime) else value
    return _formatted(day, "medium", str(get_locale()))


# English in the British form, as the hospital's English-speaking candidates read it (Babel's "en" is American):
# day before month and no comma after the weekday. Other languages as Babel writes them.
_PATTERNS = {("en", "full"): "EEEE d MMMM y", ("en", "medium"): "d MMM y"}


@functools.lru_cache(maxsize=4096)
def _formatted(day: date, length: str, language: str) -> str:
    """A day as Babel writes it in ``language``: the same day, length and language give the same text,
    and a selection of e-mails or a table of bookings asks for the same few days over and over."""
    return dates.format_date(day, format=_PATTERNS.get((language, length), length), locale=language)


def clock(value: datetime) -> str:
    """'16:15' on an Amsterdam clock."""
    return local(value).strftime("%H:%M")
