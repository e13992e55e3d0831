"""The portal's languages: the codes in the setting ``LANGUAGES`` (the default, ``BABEL_DEFAULT_LOCALE``,
among them) and their names, as Babel's locale data gives them for any language."""

import functools
import re

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask import current_app
from flask_babel import get_locale


def languages() -> list[str]:
    """The language codes the portal offers, in the order of the setting."""
    return list(current_app.config["LANGUAGES"])


def default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def offered(code: str | None) -> str:
    """``code`` if the portal offers it, else the default language."""
    return code if code in current_app.config["LANGUAGES"] else default_language()


def language_name(code: str) -> str:
    """The language's name in the language of the page or e-mail: "Engels" on a Dutch page."""
    return _name(code, str(get_locale() or default_language()))


def native_name(code: str) -> str:
    """The language's name in itself ("Nederlands", "English"): how a visitor recognises their own."""
    return _name(code, code)


def native_names() -> dict[str, str]:
    """Every offered language by code, with its name in itself: for the language switch."""
    return _native_names(tuple(current_app.config["LANGUAGES"]))


def language_choices() -> list[tuple[str, str]]:
    """(code, name in the current language) for every offered language: the choices of a form's field."""
    return [(code, language_name(code)) for code in languages()]


@functools.lru_cache(maxsize=16)
def _native_names(codes: tuple[str, ...]) -> dict[str, str]:
    return {code: native_name(code) for code in codes}


@functools.lru_cache(maxsize=256)
def _name(code: str, in_language: str) -> str:
    try:
        name = Locale.parse(in_language).languages.get(code)
    except (ValueError, UnknownLocaleError):
        name = None
    return name[:1].upper() + name[1:] if name else code


def read_language(text: str) -> str | None:
    """The offered language that ``text`` names, as a person or a system may write it: its code ("nl"), a
    regional one ("nl-BE", "en_GB"), a three-letter one ("nld", "eng") or its name in English or in any
    offered language ("Dutch", "Nederlands", "Engels"), whatever the case; None when it names none."""
    regional = _REGIONAL.fullmatch((text or "").strip())
    key = _key(regional.group(1) if regional else text)
    return _aliases(tuple(languages())).get(key) if key else None


_REGIONAL = re.compile(r"([A-Za-z]{2,3})[-_]([A-Za-z]{2}|[0-9]{3})")


def _key(text: str) -> str:
    return "".join(ch for ch in (text or "").casefold() if ch.isalnum())


@functools.lru_cache(maxsize=16)
def _aliases(codes: tuple[str, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    three_letter = get_global("language_aliases")
    for code in codes:
        names[_key(code)] = code
        for alias, target in three_letter.items():
            if target == code and len(alias) == 3:
                names[_key(alias)] = code
        for in_language in ("en", *codes):
            names.setdefault(_key(_name(code, in_language)), code)
    return names
