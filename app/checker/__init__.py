"""The feedback checker: warns (never blocks) when text meant for a candidate, or notes that lead to
it, says something the rules for good feedback advise against: personality
instead of behaviour, a comparison with the person hired, a vague phrase, a protected ground, a false
promise.

It reads words, not strings: the text is split into clauses of tokens with their lemmas
(``app.checker.text``), and the rules (``app.checker.rules``: shipped files per language and category,
plus the admins' rules) match on lemmas with room for hedges in between (``app.checker.patterns``).
Each warning names the phrase as typed, the rule it breaks, and a suggestion in the reader's language.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import has_app_context, has_request_context
from flask_babel import get_locale

from app.checker import rules as _rules
from app.checker.patterns import ClauseFillers, PatternError
from app.checker.regex import InvalidPattern, is_plain_phrase, validate_pattern
from app.checker.rules import AdminRule, Rule, RuleSet, file_rules, languages, load_rules, ruleset_for
from app.checker.text import clauses_of, scan
from app.core.errors import DomainError
from app.i18n import _l

__all__ = ["CATEGORIES", "CATEGORY_RULES", "Finding", "InvalidPattern", "PatternError", "check",
           "check_languages", "check_texts", "languages_for", "admin_rows", "validate_words", "validate_pattern",
           "is_plain_phrase", "languages", "file_rules", "load_rules", "categories_of", "ordered_categories",
           "warned_categories"]

CATEGORIES = {
    "vague": _l("Vague phrase"),
    "comparison": _l("Comparison with other candidates"),
    "personality": _l("Personality instead of behaviour"),
    "protected": _l("Protected ground"),
    "false_promise": _l("False promise"),
}

# The rule of good feedback that each kind of warning is about, as the notes page states it.
CATEGORY_RULES = {
    "vague": _l("No vague phrases: name the concrete area."),
    "comparison": _l("Never compare with the person who was hired or with other candidates."),
    "personality": _l("Describe behaviour, not personality."),
    "protected": _l("Only the requirements of the role; nothing about protected grounds."),
    "false_promise": _l("No false hope: promise only what will happen."),
}


class WarningsNotConfirmed(DomainError):
    """The checker warns about a text that would reach a candidate, and nobody confirmed going ahead anyway:
    nothing is saved or sent. Raised by whatever was about to save or send it, with a message that names
    the text (a summary, the points of a call) where the default would be vague."""

    message = _l("The feedback checker has warnings for this text. Read them, then confirm that you want to go "
                 "ahead anyway.")


@dataclass(frozen=True)
class Finding:
    """One warning: which kind, the phrase as it stands in the text, the rule it breaks, and how to say it
    better. ``categories`` has more than one kind where one phrase breaks two rules."""

    category: str
    phrase: str
    suggestion: str
    start: int
    end: int
    categories: tuple[str, ...] = ()
    ground: str = ""          # for a protected ground: its name, in the reader's language
    language: str = ""        # the language whose rules found it

    @property
    def category_label(self) -> str:
        label = str(CATEGORIES.get(self.category, self.category))
        return f"{label}: {self.ground}" if self.ground else label

    @property
    def rule_text(self) -> str:
        return str(CATEGORY_RULES.get(self.category, ""))

    def as_json(self) -> dict:
        return {"category": self.category, "categories": list(self.categories or (self.category,)),
                "category_label": self.category_label, "rule": self.rule_text, "ground": self.ground,
                "phrase": self.phrase, "suggestion": self.suggestion}


def _reader_language(fallback: str) -> str:
    if has_request_context():
        try:
            locale = get_locale()
        except (RuntimeError, KeyError):  # outside Flask-Babel's reach
            locale = None
        if locale is not None:
            return locale.language
    return fallback


def admin_rows(language: str | None = None) -> list[AdminRule]:
    """The rules admins added (for one language or all), as plain values."""
    if not has_app_context():
        return []
    from app.extensions import db
    from app.models import FeedbackRule

    query = sa.select(FeedbackRule.id, FeedbackRule.language, FeedbackRule.category, FeedbackRule.pattern,
                      FeedbackRule.suggestion, FeedbackRule.syntax).order_by(FeedbackRule.id)
    if language is not None:
        query = query.where(FeedbackRule.language == language)
    return [AdminRule(*row) for row in db.session.execute(query)]


def check(text: str, language: str, *, admin: Iterable[AdminRule] | None = None,
          reader: str | None = None) -> list[Finding]:
    """Every phrase in ``text`` that a rule for ``language`` warns about, in the order they appear.

    ``admin``: the admins' rules (read from the database when not given). ``reader``: the language of the
    suggestions (the signed-in person's, else ``language``). Each phrase is named once per kind; where
    two rules of one kind find overlapping words, the longer phrase wins.
    """
    if not text or not text.strip():
        return []
    rows = admin_rows(language) if admin is None else admin
    reader = reader or _reader_language(language)
    return _distinct(_check_in(text, scan(text), None, language, rows, reader))


def check_languages(text: str, languages_: Sequence[str], *, reader: str | None = None,
                    admin: Iterable[AdminRule] | None = None) -> list[Finding]:
    """``check`` in each of ``languages_``, the first one preferred where two languages flag the same words.

    Notes are not always in the candidate's language (a Dutch recruiter may prepare in Dutch for an
    English conversation), so the pages check every language there are rules for. The text is split into
    words once; a sentence that shows words of one of the languages only (and none of another's) is read
    with that language's rules only.
    """
    if not text or not text.strip():
        return []
    wanted = list(dict.fromkeys(languages_))
    rows = admin_rows() if admin is None else list(admin)
    reader = reader or _reader_language(wanted[0] if wanted else "nl")
    scanned = scan(text)
    shown = {language: file_rules(language).language_words for language in wanted}
    found = []
    for language in wanted:
        own = shown[language]
        foreign = frozenset().union(*(w for other, w in shown.items() if other != language)) - own
        keep = {number for number, words in scanned.sentences.items()
                if not own.isdisjoint(words) or foreign.isdisjoint(words)}
        found += _check_in(text, scanned, keep, language, rows, reader)
    return _distinct(found)


# What the rules found per sentence, kept for the next check of the same text: while someone types, the
# page asks again every few keystrokes, and only the sentence being typed has changed. Keyed by everything
# a finding depends on (language, the admins' rules, the reader's language, the sentence itself);
# positions are kept relative to the sentence. Bounded; the oldest half goes when it is full.
_SENTENCE_CACHE: dict[tuple, list[Finding]] = {}
_SENTENCE_CACHE_SIZE = 4096


def _check_in(text, scanned, keep, language: str, rows, reader: str) -> list[Finding]:
    own_rows = tuple(r for r in rows if r.language == language)
    ruleset = ruleset_for(language, own_rows)
    by_sentence: dict[int, list] = {}
    for word in scanned.words:
        if keep is None or word[4] in keep:
            by_sentence.setdefault(word[4], []).append(word)
    found: list[Finding] = []
    for words in by_sentence.values():
        start, end = words[0][0], words[-1][1]
        key = (language, own_rows, reader, text[start:end])
        cached = _SENTENCE_CACHE.get(key)
        if cached is None:
            findings = _find(text, ruleset, reader, clauses_of(words, ruleset.lemmatizer), regex=False)
            cached = [replace(f, start=f.start - start, end=f.end - start) for f in findings]
            if len(_SENTENCE_CACHE) >= _SENTENCE_CACHE_SIZE:
                for old in list(_SENTENCE_CACHE)[: _SENTENCE_CACHE_SIZE // 2]:
                    del _SENTENCE_CACHE[old]
            _SENTENCE_CACHE[key] = cached
        found += [replace(f, start=f.start + start, end=f.end + start) for f in cached]
    if ruleset.regex_rules:
        found += _regex_findings(text, ruleset, reader)
    return found


def languages_for(first: str = "") -> list[str]:
    """``first`` (usually the candidate's language), then the portal's other languages: what is written
    is not always in the candidate's language."""
    from flask import current_app

    configured = current_app.config.get("LANGUAGES", ["nl", "en"]) if has_app_context() else ["nl", "en"]
    return list(dict.fromkeys(language for language in (first, *configured) if language))


def check_texts(texts: dict[str, str], language: str) -> dict[str, list[Finding]]:
    """The warnings for each of ``texts`` (by name), checked as the pages check them, ``language`` first.
    The admins' rules are read once for all; a text that occurs twice is checked once."""
    wanted = languages_for(language)
    rows = admin_rows()
    done: dict[str, list[Finding]] = {}
    result = {}
    for name, text in texts.items():
        text = text or ""
        if text not in done:
            done[text] = check_languages(text, wanted, admin=rows)
        result[name] = done[text]
    return result


def categories_of(findings: Iterable[Finding]) -> list[str]:
    """The kinds of warning among ``findings``, each once, in a fixed order (for the audit log)."""
    return ordered_categories(c for f in findings for c in (f.categories or (f.category,)))


def ordered_categories(categories: Iterable[str]) -> list[str]:
    """Kinds of warning, each once, in the fixed order of ``categories_of``."""
    present = set(categories)
    return [c for c in _rules.CATEGORY_ORDER if c in present]


def warned_categories(warnings: dict) -> list[str]:
    """The kinds of warning in a mapping of name -> findings, for the audit log (never the text)."""
    return categories_of(f for found in warnings.values() for f in found)


def validate_words(pattern: str, language: str) -> None:
    """Raise PatternError when ``pattern`` is not a word pattern the checker can read for ``language``."""
    file_rules(language).parse(pattern)


# --- matching ------------------------------------------------------------------------------------------

def _find(text: str, ruleset: RuleSet, reader: str, parts, regex: bool = True) -> list[Finding]:
    found: list[Finding] = []
    sentences: dict[int, list] = {}
    for part in parts:
        sentences.setdefault(part.sentence, []).append(part)
    index, fillers = ruleset.index, ruleset.fillers
    for part in parts:
        tokens = part.tokens
        where: dict[str, list[int]] = {}
        for i, token in enumerate(tokens):
            for key in token.keys:
                where.setdefault(key, []).append(i)
        clause_keys = set(where)
        candidates: dict[int, tuple] = {}
        for key in clause_keys:
            for entry in index.get(key, ()):
                candidates[id(entry)] = entry
        clause_fillers = ClauseFillers(fillers)
        for rule, pattern, rest in candidates.values():
            missing = False
            for keys in rest:  # the other words the rule needs (its anchor word is in the clause)
                if keys.isdisjoint(clause_keys):
                    missing = True
                    break
            if missing:
                continue
            if pattern.slots[0].optional:
                starts = range(len(tokens))
            else:
                starts = sorted({i for key in pattern.first & clause_keys for i in where[key]})
            for i in starts:
                hit = pattern.match_at(tokens, i, clause_fillers)
                if hit is None or hit[0] <= i:
                    continue
                finding = _confirm(rule, tokens, i, hit, ruleset, sentences[part.sentence], text, reader)
                if finding is not None:
                    found.append(finding)
                    break
    if regex:
        found += _regex_findings(text, ruleset, reader)
    return found


def _regex_findings(text: str, ruleset: RuleSet, reader: str) -> list[Finding]:
    """The admins' old regular-expression rules, on the whole text."""
    found = []
    for rule in ruleset.regex_rules:
        for match in rule.regex.finditer(text.translate(_QUOTE_TABLE)):
            if match.end() > match.start():
                found.append(Finding(rule.category, text[match.start():match.end()],
                                     _suggestion(rule, reader, text[match.start():match.end()], ""),
                                     match.start(), match.end(), rule.categories, language=rule.language))
    return found


_QUOTE_TABLE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def _confirm(rule: Rule, tokens, i: int, hit, ruleset: RuleSet, sentence, text: str, reader: str):
    """The finding for a match of ``rule``'s pattern at token ``i``, if the rest of the rule agrees."""
    end, key_start, key_end = hit
    lo, hi = i, end
    for part in rule.together:
        where = part.search(tokens, ruleset.fillers, i - rule.window, end + rule.window)
        if where is None and rule.scope == "sentence" and any(
                part.search(clause.tokens, ruleset.fillers) for clause in sentence if clause.tokens is not tokens):
            continue
        if where is None:
            return None
        lo, hi = min(lo, where[0]), max(hi, where[1])
    if rule.negation is not None:
        negated = [j for j, t in enumerate(tokens) if not ruleset.negations.isdisjoint(t.keys)]
        # A negation before the phrase, or just after it ("beloof niets"), takes a promise back; one further
        # on belongs to what is promised ("I promise we won't forget you").
        if rule.negation == "blocks" and any(lo - rule.window <= j < hi + 2 for j in negated):
            return None
        if rule.negation == "required":
            near = [j for j in negated if lo - rule.window <= j < hi + rule.window]
            if not near:
                return None
            closest = min(near, key=lambda j: 0 if lo <= j < hi else min(abs(j - lo), abs(j - hi)))
            lo, hi = min(lo, closest), max(hi, closest + 1)
    if rule.unless:
        sentence_keys = set().union(*(t.keys for clause in sentence for t in clause.tokens))
        for part in rule.unless:
            if part.possible_in(sentence_keys) and any(part.search(clause.tokens, ruleset.fillers)
                                                        for clause in sentence):
                return None
    start, stop = tokens[lo].start, tokens[hi - 1].end
    phrase = text[start:stop]
    word = text[tokens[key_start].start:tokens[key_end - 1].end] if key_end > key_start else phrase
    ground = ruleset.grounds.get(rule.ground) if rule.ground else None
    ground_label = _pick(ground.labels, reader, rule.language) if ground else ""
    return Finding(rule.category, phrase, _suggestion(rule, reader, phrase, word, ground, ground_label),
                   start, stop, rule.categories, ground=ground_label, language=rule.language)


def _pick(texts, reader: str, language: str) -> str:
    return texts.get(reader) or texts.get(language) or texts.get("*") or next(iter(texts.values()), "")


def _suggestion(rule: Rule, reader: str, phrase: str, word: str, ground=None, ground_label: str = "") -> str:
    text = _pick(rule.suggestions, reader, rule.language)
    law = _pick(ground.laws, reader, rule.language) if ground else ""
    for name, value in (("{phrase}", phrase), ("{word}", word), ("{ground}", ground_label), ("{law}", law)):
        text = text.replace(name, value)
    return " ".join(text.split())


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
