"""What a visitor sends besides a form: the query string (``?page=2&q=…``), ids in the path, a JSON body.

All of it is typed by someone, or by a tool, and none of it may answer with a 500: a NUL character (which
PostgreSQL refuses in text), a number larger than SQL can count (an OFFSET or an id that overflows), a day
the calendar cannot convert, a JSON body nested thousands deep. Every view reads its query parameters with
the readers here, which never raise: a bounded integer, one line of text without control characters and of
bounded length, one of a fixed set of choices, a day within the calendar's range; anything else reads as
the default. ``json_body()`` answers bad JSON with a 400 in JSON (app/errors.py), and ``<int:…>`` in a
route matches database ids only (a larger number is a 404).
"""

import json
import re
from collections.abc import Collection, Mapping
from datetime import date

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from app.core.ids import MAX_ID, is_id
from app.core.text import clean_line

TEXT_MAX_LENGTH = 200
MAX_PAGE = 100_000
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # well inside what Python and SQL can convert
JSON_MAX_BYTES = 256 * 1024
JSON_MAX_DEPTH = 20
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _source(args: Mapping | None) -> Mapping:
    return request.args if args is None else args


def text_arg(name: str, *, max_length: int = TEXT_MAX_LENGTH, args: Mapping | None = None) -> str:
    """``?name=`` as one clean line (``clean_line``: no control characters, NUL included, and white space
    folded), at most ``max_length`` characters ("" when absent)."""
    return clean_line(_source(args).get(name))[:max_length]


def int_arg(name: str, default: int, *, minimum: int, maximum: int, args: Mapping | None = None) -> int:
    """``?name=`` as a whole number between ``minimum`` and ``maximum`` (a number outside is moved to the
    nearer bound); ``default`` when it is absent or not a whole number."""
    value = (_source(args).get(name) or "").strip()
    if not _INTEGER.fullmatch(value):
        return default
    digits = value.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 18:  # beyond any bound, and too long for int() to be cheap
        return minimum if value.startswith("-") else maximum
    return min(max(int(value), minimum), maximum)


def page_arg(*, maximum: int = MAX_PAGE, args: Mapping | None = None) -> int:
    """``?page=``: 1 by default, at most ``maximum``."""
    return int_arg("page", 1, minimum=1, maximum=maximum, args=args)


def choice_arg(name: str, choices: Collection[str], default: str = "", *, args: Mapping | None = None) -> str:
    """``?name=`` when it is one of ``choices``, else ``default``."""
    value = _source(args).get(name)
    return value if value in choices else default


def flag_arg(name: str, *, args: Mapping | None = None) -> bool:
    """``?name=1``."""
    return _source(args).get(name) == "1"


def in_calendar(day: date) -> bool:
    """Whether a day lies where the portal's dates can be converted and compared (1900 to 2999)."""
    return FIRST_DAY <= day <= LAST_DAY


def day_arg(name: str, *, args: Mapping | None = None) -> date | None:
    """``?name=YYYY-MM-DD`` as a day between 1900 and 2999; None when absent, unreadable or outside."""
    text = text_arg(name, max_length=10, args=args)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_calendar(day) else None


def id_list_arg(name: str, *, limit: int, args: Mapping | None = None) -> list[int]:
    """Every ``?name=`` (each may also hold ids separated by commas) as database ids, in order, without
    repeats, at most ``limit`` of them; anything that is not an id is left out."""
    ids: dict[int, None] = {}
    for value in _source(args).getlist(name):
        for part in value.split(","):
            part = part.strip()
            if part.isascii() and part.isdigit() and len(part) <= 10 and is_id(int(part)):
                ids[int(part)] = None
                if len(ids) >= limit:
                    return list(ids)
    return list(ids)


# --- ids in the path ---------------------------------------------------------------------------------

class DatabaseId(IntegerConverter):
    """``<int:…>`` in every route: a number the database can hold as an id. A larger one matches no route
    (404) instead of overflowing in the query."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Before the blueprints: their routes' ``<int:…>`` are made with this converter."""
    app.url_map.converters["int"] = DatabaseId


# --- JSON bodies -------------------------------------------------------------------------------------

class BadJsonBody(BadRequest):
    """A JSON body the portal cannot take; app/errors.py answers it with a 400 in JSON that says why."""


def json_body(*, max_bytes: int = JSON_MAX_BYTES, max_depth: int = JSON_MAX_DEPTH):
    """The request's JSON body, parsed with bounds: BadJsonBody when it is not JSON, larger than
    ``max_bytes``, or nested deeper than ``max_depth`` (Python's parser would otherwise run out of stack)."""
    if not request.is_json:
        raise BadJsonBody(_("Send the data as JSON (Content-Type: application/json)."))
    if (request.content_length or 0) > max_bytes:
        raise BadJsonBody(_("This request is too large."))
    data = request.get_data(cache=True)
    if len(data) > max_bytes:
        raise BadJsonBody(_("This request is too large."))
    return parse_json(data, max_depth=max_depth)


def parse_json(data: bytes, *, max_depth: int = JSON_MAX_DEPTH):
    """``data`` as JSON, nested at most ``max_depth`` deep; BadJsonBody otherwise."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise BadJsonBody(_("This JSON is nested too deeply.")) from None
    except ValueError:  # not JSON, not UTF-8, or a number too long to read
        raise BadJsonBody(_("This is not valid JSON.")) from None
    if _depth(value) > max_depth:
        raise BadJsonBody(_("This JSON is nested too deeply."))
    return value


def _depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest
