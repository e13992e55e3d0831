"""Rules written as regular expressions, as admins wrote them before the checker read words: kept
working as they were, matched on the text itself (case-insensitive, whole words, a space for any run
of white space). New rules are written in the word patterns of ``app.checker.patterns``."""

import re
from functools import lru_cache

from flask_babel import gettext as _

try:  # the regular-expression parser, used only to refuse patterns that can take very long
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python before 3.11
    sre_constants = sre_parse = None


class InvalidPattern(ValueError):
    """A pattern the checker cannot use. ``message`` says why, for the person who typed it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _flexible_spaces(pattern: str) -> str:
    """Every literal space outside a character class matches any run of white space (line breaks too)."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == " ":
            out.append(r"(?:\s+)")
            continue
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern:
    """The pattern as the checker uses it: case-insensitive, whole words only. Raises InvalidPattern."""
    if not pattern or not pattern.strip():
        raise InvalidPattern(_("Please enter a phrase or pattern."))
    try:
        return re.compile(rf"(?<!\w)(?:{_flexible_spaces(pattern.strip())})(?!\w)", re.IGNORECASE)
    except re.error as exc:
        raise InvalidPattern(
            _("This is not a valid pattern: %(reason)s (at position %(position)s). "
               "To look for a plain phrase, leave out characters such as ( ) [ ] * + ? \\.",
               reason=exc.msg, position=(exc.pos or 0) + 1)
        ) from None


def validate_pattern(pattern: str) -> None:
    """Refuse a pattern an admin typed that is invalid, matches empty text, or could take very long."""
    compiled = compile_pattern(pattern)
    if compiled.search("") or compiled.search(" "):
        raise InvalidPattern(_("This pattern also matches empty text, so it would warn everywhere."))
    if _has_nested_repeat(pattern.strip()):
        raise InvalidPattern(
            _("This pattern repeats a part that itself repeats (such as (a+)+), which can make the checker "
               "very slow. Please write it more simply.")
        )


def _has_nested_repeat(pattern: str) -> bool:
    if sre_parse is None:  # pragma: no cover
        return False
    repeats = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
    repeats |= {getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}

    def children(op, av) -> list:
        if op in repeats:
            return [av[2]]
        if op == sre_constants.SUBPATTERN:
            return [av[3]]
        if op == sre_constants.BRANCH:
            return list(av[1])
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            return [av[1]]
        if op == sre_constants.GROUPREF_EXISTS:
            return [p for p in av[1:] if p is not None]
        if op == getattr(sre_constants, "ATOMIC_GROUP", None):
            return [av]
        return []

    def walk(parsed, inside_unbounded: bool) -> bool:
        for op, av in parsed:
            if op in repeats:
                many = av[1] > 1
                if many and inside_unbounded:
                    return True
                if walk(av[2], inside_unbounded or av[1] == sre_constants.MAXREPEAT):
                    return True
            else:
                if any(walk(child, inside_unbounded) for child in children(op, av)):
                    return True
        return False

    try:
        return walk(sre_parse.parse(pattern), False)
    except Exception:  # an unparsable pattern is refused by compile_pattern already
        return False


def is_plain_phrase(pattern: str) -> bool:
    """A regular expression that is only words (letters, digits, spaces, hyphens, apostrophes): it reads
    the same as a word pattern, which also finds the words' other forms."""
    return bool(re.fullmatch(r"[\w\s'-]+", pattern or "")) and bool(pattern.strip())
