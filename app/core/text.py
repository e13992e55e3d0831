"""Text that people type: without the characters nobody can see, and searched for as it was typed."""

import re

import sqlalchemy as sa

# Control characters other than tab and the line breaks: invisible, and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIKE_ESCAPE = "\\"


def clean_text(value: str | None) -> str:
    """Text of one or more lines as typed: the browser's line endings made plain and control characters
    removed, white space otherwise kept (callers strip where a text must not start or end with it)."""
    return CONTROL_CHARACTERS.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: str | None) -> str:
    """One line: control characters removed, and every run of white space (line breaks too) one space."""
    return " ".join(CONTROL_CHARACTERS.sub("", value or "").split())


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern in which ``%`` and ``_`` stand for themselves (with ``LIKE_ESCAPE``)."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def contains(column, text: str) -> sa.ColumnElement[bool]:
    """The SQL condition that ``column`` holds ``text`` anywhere, whatever the case."""
    return column.ilike(f"%{escape_like(text)}%", escape=LIKE_ESCAPE)


# One complete e-mail address: something, one @, a domain of at least two dot-separated parts, no white space.
WHOLE_ADDRESS = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def is_whole_address(text: str) -> bool:
    """Whether ``text`` (stripped) is one complete e-mail address rather than a piece of a name or address."""
    return WHOLE_ADDRESS.fullmatch(text.strip()) is not None


def same_address(column, address: str) -> sa.ColumnElement[bool]:
    """The SQL condition that ``column`` is the e-mail address ``address``, whatever the case: ``lower(column)``,
    the expression of the address indexes of migration 0014, so that one index lookup finds it."""
    return sa.func.lower(column) == sa.func.lower(sa.literal(address.strip()))
