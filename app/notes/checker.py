"""The feedback checker: warns (never blocks) when a note or summary contains a phrase that the
rules for good feedback advise against.

The rules ship as one readable data file per language (``rules/<language>.json``); an admin adds
more as FeedbackRule rows. A pattern is a phrase or a regular expression, matched case-insensitively
and only on whole words; a space in a pattern stands for any run of white space.
"""

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import has_app_context
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import _l
from app.models import FeedbackRule

try:  # the regular-expression parser, used only to refuse patterns that can take very long
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python before 3.11
    sre_constants = sre_parse = None

log = logging.getLogger(__name__)

RULES_DIR = Path(__file__).parent / "rules"

CATEGORIES = {
    "vague": _l("Vague phrase"),
    "comparison": _l("Comparison with the person hired"),
    "personality": _l("Personality instead of behaviour"),
    "protected": _l("Protected ground"),
    "false_promise": _l("False promise"),
}

# Typographic apostrophes and quotes become plain ones before matching; the text keeps its length,
# so positions still point into what the recruiter typed.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


class InvalidPattern(ValueError):
    """A pattern the checker cannot use. ``message`` says why, for the person who typed it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Rule:
    language: str
    category: str
    pattern: str
    suggestion: str
    id: int | None = None  # set for a rule an admin added; shipped rules have none


@dataclass(frozen=True)
class Finding:
    """One warning: which kind, the phrase as it stands in the text, and how to say it better."""

    category: str
    phrase: str
    suggestion: str
    start: int
    end: int

    @property
    def category_label(self) -> str:
        return str(CATEGORIES.get(self.category, self.category))

    def as_json(self) -> dict:
        return {"category": self.category, "category_label": self.category_label,
                "phrase": self.phrase, "suggestion": self.suggestion}


# --- patterns ----------------------------------------------------------------------------------------

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


# --- rules -------------------------------------------------------------------------------------------

@cache
def file_rules(language: str) -> tuple[Rule, ...]:
    """The rules shipped in ``rules/<language>.json`` (none for a language without a file)."""
    path = RULES_DIR / f"{language}.json"
    if not re.fullmatch(r"[a-z]{2}", language or "") or not path.is_file():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Rule(language=language, category=item["category"], pattern=item["pattern"], suggestion=item["suggestion"])
        for item in data["rules"]
    )


def file_languages() -> list[str]:
    return sorted(path.stem for path in RULES_DIR.glob("*.json"))


def admin_rules(language: str | None = None) -> list[Rule]:
    """The rules admins added, for one language or all of them, oldest first."""
    if not has_app_context():
        return []
    query = sa.select(FeedbackRule).order_by(FeedbackRule.created_at, FeedbackRule.id)
    if language is not None:
        query = query.where(FeedbackRule.language == language)
    return [
        Rule(language=r.language, category=r.category, pattern=r.pattern, suggestion=r.suggestion, id=r.id)
        for r in db.session.scalars(query)
    ]


def rules_for(language: str) -> list[Rule]:
    return [*file_rules(language), *admin_rules(language)]


# --- checking ----------------------------------------------------------------------------------------

def check(text: str, language: str, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every phrase in ``text`` that a rule for ``language`` warns about, in the order they appear.

    Each phrase is named once per category, however often it occurs; where two rules of one category
    match overlapping words, the longer match wins.
    """
    if not text or not text.strip():
        return []
    normalized = text.translate(_QUOTES)
    found = []
    for rule in rules_for(language) if rules is None else rules:
        try:
            compiled = compile_pattern(rule.pattern)
        except InvalidPattern:
            log.warning("feedback rule %s (%s) has an invalid pattern; skipped", rule.id, rule.pattern)
            continue
        for match in compiled.finditer(normalized):
            if match.end() > match.start():
                found.append(Finding(rule.category, text[match.start():match.end()], rule.suggestion,
                                     match.start(), match.end()))
    return _distinct(found)


def check_languages(text: str, languages: Sequence[str]) -> list[Finding]:
    """``check`` in each of ``languages``, the first one preferred where two languages flag the same words.

    Notes are not always in the candidate's language (a Dutch recruiter may prepare in Dutch for an
    English conversation), so the notes pages check every language there are rules for.
    """
    found = [finding for language in dict.fromkeys(languages) for finding in check(text, language)]
    return _distinct(found)


def _distinct(found: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    # Earliest first; at one position the longest first, so that it wins over shorter matches inside it.
    for finding in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        key = (finding.category, " ".join(finding.phrase.lower().split()))
        overlaps = any(k.category == finding.category and finding.start < k.end and k.start < finding.end
                       for k in kept)
        if key in seen or overlaps:
            continue
        seen.add(key)
        kept.append(finding)
    return kept
