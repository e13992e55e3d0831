"""The checker's rules: the shipped rule files per language and category (``rules/<language>/*.toml``,
reviewed like code) and the rules admins add (FeedbackRule rows), compiled into one RuleSet per
language, ready to match.

A rule file holds word lists (``[lists]``) and rules (``[[rule]]``); ``_words.toml`` holds what every
category shares: fillers, negations, pronouns, and corrections to the lemma dictionary (``[lemmas]``).
See README.md ("The feedback checker") for how to write and extend them.
"""

import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from app.checker import patterns as pat
from app.checker import regex
from app.checker.text import Lemmatizer, _words

RULES_DIR = Path(__file__).parent / "rules"
CATEGORY_ORDER = ("protected", "comparison", "personality", "vague", "false_promise")
NEGATION = ("required", "blocks")
DEFAULT_WINDOW = 8


class RuleFileError(ValueError):
    """A shipped rule file is wrong; raised when it is loaded, so that the tests catch it."""


@dataclass(frozen=True)
class Rule:
    """One rule, compiled. ``patterns``: any of them starts a match; ``together``: each must also occur in
    the same clause, within ``window`` words, in any order; ``unless``: none may occur in the sentence."""

    language: str
    categories: tuple[str, ...]
    source: str                                    # the pattern(s) as written
    patterns: tuple[pat.Pattern, ...] = ()
    together: tuple[pat.Pattern, ...] = ()
    unless: tuple[pat.Pattern, ...] = ()
    negation: str | None = None                    # "required", "blocks" or None (negation changes nothing)
    window: int = DEFAULT_WINDOW
    scope: str = "clause"                          # where ``together`` is looked for: "clause" or "sentence"
    ground: str | None = None                      # for a protected ground: which
    suggestions: Mapping[str, str] = field(default_factory=dict)  # by language
    origin: str = ""                               # the file, or "admin"
    id: int | None = None                          # an admin's rule
    regex: object = None                           # an admin's old regular-expression rule

    @property
    def category(self) -> str:
        return self.categories[0]


@dataclass(frozen=True)
class Ground:
    key: str
    labels: Mapping[str, str]
    laws: Mapping[str, str]
    advice: Mapping[str, str]  # the suggestion of its rules that have none of their own


@dataclass
class RuleSet:
    """Everything the checker needs for one language."""

    language: str
    lemmatizer: Lemmatizer
    lists: dict[str, pat.ListEntries]
    rules: list[Rule]
    grounds: dict[str, Ground]
    fillers: pat.ListEntries = pat.NO_FILLERS
    negations: frozenset = frozenset()
    index: dict[str, list[tuple[Rule, pat.Pattern, tuple]]] = field(default_factory=dict)
    optional_start: list[tuple[Rule, pat.Pattern]] = field(default_factory=list)
    regex_rules: list[Rule] = field(default_factory=list)
    list_docs: dict[str, str] = field(default_factory=dict)
    _common: frozenset | None = None
    language_words: frozenset = frozenset()  # words that show a sentence is in this language

    def word_keys(self, word: str, exact: bool = False) -> list[frozenset]:
        """The key sets of a word written in a pattern: its form and its lemma, or with ``exact`` (a word
        list's entry, written in its dictionary form) the form only; two words for "doesn't"."""
        out = []
        for _start, _end, lower in _words(word, self.language):
            lemma = self.lemmatizer.lemma(lower)
            # An inflected form leads to its lemma ("paste" to "passen", "kozen" to "kiezen"); a word whose
            # lemma is shorter is a word of its own as often as not ("limited", "closed", "ouder"), so it is
            # kept as written: write patterns in the dictionary form to match every form.
            widen = not exact and len(lemma) >= len(lower) and lemma != "#num"
            out.append(frozenset({lower, lemma} if widen else {lower}))
        return out

    def parse(self, source: str) -> pat.Pattern:
        return pat.parse(source, self.lists, self.word_keys)

    def add(self, rule: Rule) -> None:
        """Index ``rule`` under the keys of the least common word each of its patterns needs: a clause
        without such a word is never tried."""
        if rule.regex is not None:
            self.regex_rules.append(rule)
            return
        self.rules.append(rule)
        common = self.common_keys()
        for pattern in rule.patterns:
            anchor = min(pattern.required, key=lambda keys: (len(keys & common), len(keys)))
            # What else a clause must hold, rarest first, so that a clause without it is passed over quickly.
            rest = tuple(sorted((keys for keys in pattern.required if keys is not anchor),
                                key=lambda keys: (len(keys & common), len(keys))))
            if rule.scope == "clause":
                rest += tuple(keys for part in rule.together for keys in part.required)
            entry = (rule, pattern, rest)
            for key in anchor:
                self.index.setdefault(key, []).append(entry)

    def common_keys(self) -> frozenset:
        """The keys of the everyday words (pronouns, articles, linking verbs, negations, fillers)."""
        if self._common is None:
            names = ("filler", "neg", "pron_subj", "bezit", "poss", "copula", "det", "taalwoorden", "language_words")
            self._common = frozenset().union(*(self.lists[n].single for n in names if n in self.lists))
        return self._common

    def finish(self) -> None:
        """Tell the lemmatizer which word starts and ends the patterns look for (``zwanger*``)."""
        prefixes, suffixes = set(), set()
        for rule in self.rules:
            for pattern in (*rule.patterns, *rule.together, *rule.unless):
                for slot in pattern.slots:
                    for key in slot.single.union(*(a for seq in slot.multi for a in seq)):
                        if key.endswith("*"):
                            prefixes.add(key[:-1])
                        elif key.startswith("*"):
                            suffixes.add(key[1:])
        self.lemmatizer = Lemmatizer(self.language, self.lemmatizer.corrections, prefixes, suffixes)


def languages() -> list[str]:
    """The languages there are rule files for."""
    return sorted(path.name for path in RULES_DIR.iterdir() if path.is_dir() and (path / "_words.toml").is_file())


def _files(language: str) -> list[Path]:
    folder = RULES_DIR / language
    return [folder / "_words.toml", *sorted(p for p in folder.glob("*.toml") if p.name != "_words.toml")]


@cache
def _file_data(language: str) -> tuple[tuple[str, dict], ...]:
    return tuple((path.name, tomllib.loads(path.read_text(encoding="utf-8"))) for path in _files(language))


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _base(language: str) -> RuleSet:
    """The rule set of the shipped files (not cached: ``file_rules`` caches it)."""
    if language not in languages():
        return RuleSet(language, Lemmatizer(language), {}, [], {})
    corrections: dict[str, str] = {}
    for _name, data in _file_data(language):
        corrections.update(data.get("lemmas", {}))
    ruleset = RuleSet(language, Lemmatizer(language, corrections), {}, [], {})
    for name, data in _file_data(language):
        for list_name, entries in data.get("lists", {}).items():
            if list_name in ruleset.lists:
                raise RuleFileError(f"{language}/{name}: the list @{list_name} is defined twice")
            try:
                ruleset.lists[list_name] = pat.compile_list(_as_list(entries), ruleset.lists,
                                                                 ruleset.word_keys)
            except pat.PatternError as exc:
                raise RuleFileError(f"{language}/{name}: list @{list_name}: {exc}") from None
        for key, ground in data.get("grounds", {}).items():
            ruleset.grounds[key] = Ground(key, {k[6:]: v for k, v in ground.items() if k.startswith("label_")},
                                          {k[4:]: v for k, v in ground.items() if k.startswith("law_")},
                                          {k[7:]: v for k, v in ground.items() if k.startswith("advice_")})
    ruleset.fillers = ruleset.lists.get("filler", pat.NO_FILLERS)
    for name in ("taalwoorden", "language_words"):
        if name in ruleset.lists:
            ruleset.language_words = frozenset(k for k in ruleset.lists[name].single if k.isalpha())
    ruleset.negations = ruleset.lists.get("neg", pat.ListEntries(frozenset(), ())).single
    for name, data in _file_data(language):
        category = data.get("category")
        for number, item in enumerate(data.get("rule", []), start=1):
            ruleset.add(_file_rule(ruleset, f"{language}/{name} rule {number}", category, item))
    ruleset.finish()
    return ruleset


_RULE_KEYS = {"pattern", "together", "unless", "negation", "window", "also", "ground", "suggestion", "note", "scope"}


def _file_rule(ruleset: RuleSet, where: str, category: str | None, item: dict) -> Rule:
    unknown = set(item) - _RULE_KEYS
    if unknown:
        raise RuleFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if category not in CATEGORY_ORDER:
        raise RuleFileError(f"{where}: the file's category {category!r} is not one of {', '.join(CATEGORY_ORDER)}")
    if item.get("scope", "clause") not in ("clause", "sentence"):
        raise RuleFileError(f"{where}: scope is 'clause' or 'sentence'")
    if item.get("negation") not in (None, *NEGATION):
        raise RuleFileError(f"{where}: negation is 'required' or 'blocks'")
    ground = item.get("ground")
    if category == "protected" and ground not in ruleset.grounds:
        raise RuleFileError(f"{where}: a protected-ground rule names its ground (one of the [grounds])")
    suggestions = item.get("suggestion") or (ruleset.grounds[ground].advice if ground else {})
    if not isinstance(suggestions, dict) or not suggestions or not all(str(v).strip() for v in suggestions.values()):
        raise RuleFileError(f"{where}: a rule needs suggestion.nl and suggestion.en")
    try:
        compiled = tuple(ruleset.parse(p) for p in _as_list(item.get("pattern")))
        together = tuple(ruleset.parse(p) for p in _as_list(item.get("together")))
        unless = tuple(ruleset.parse(p) for p in _as_list(item.get("unless")))
    except pat.PatternError as exc:
        raise RuleFileError(f"{where}: {exc}") from None
    if not compiled:
        raise RuleFileError(f"{where}: a rule needs a pattern")
    also = tuple(c for c in _as_list(item.get("also")) if c != category)
    if set(also) - set(CATEGORY_ORDER):
        raise RuleFileError(f"{where}: unknown category in also")
    return Rule(
        language=ruleset.language, categories=(category, *also), source=" / ".join(p.source for p in compiled),
        patterns=compiled, together=together, unless=unless, negation=item.get("negation"),
        window=int(item.get("window", DEFAULT_WINDOW)), scope=item.get("scope", "clause"), ground=ground,
        suggestions=dict(suggestions), origin=where,
    )


@cache
def file_rules(language: str) -> RuleSet:
    """The shipped rules of ``language``, compiled once per process."""
    return _base(language)


def load_rules() -> None:
    """Compile the shipped rules of every language now (about half a second), so that a server process pays
    it when it starts rather than the first recruiter whose text it checks."""
    for language in languages():
        file_rules(language)


def file_rule_list(language: str) -> list[Rule]:
    return list(file_rules(language).rules)


@dataclass(frozen=True)
class AdminRule:
    """What an admin wrote, as stored (a FeedbackRule row)."""

    id: int
    language: str
    category: str
    pattern: str
    suggestion: str
    syntax: str  # "words" or "regex"


def admin_rule(ruleset: RuleSet, row: AdminRule) -> Rule | None:
    """``row`` compiled for ``ruleset``'s language, or None when it no longer reads (it is then skipped)."""
    common = {"language": row.language, "categories": (row.category,), "source": row.pattern,
              "suggestions": {"*": row.suggestion}, "origin": "admin", "id": row.id}
    if row.syntax == "regex":
        try:
            return Rule(**common, regex=regex.compile_pattern(row.pattern))
        except regex.InvalidPattern:
            return None
    try:
        return Rule(**common, patterns=(ruleset.parse(row.pattern),))
    except pat.PatternError:
        return None


_WITH_ADMIN: dict[tuple, RuleSet] = {}


def ruleset_for(language: str, admin_rows: Iterable[AdminRule] = ()) -> RuleSet:
    """The shipped rules of ``language`` plus the admins' rules for it, compiled and kept while the
    admins' rules stay the same (a few sets at most)."""
    base = file_rules(language)
    rows = tuple(sorted(admin_rows, key=lambda r: r.id))
    if not rows:
        return base
    key = (language, rows)
    found = _WITH_ADMIN.get(key)
    if found is None:
        found = RuleSet(language, base.lemmatizer, base.lists, [], base.grounds, base.fillers, base.negations)
        found.language_words = base.language_words
        for rule in base.rules:
            found.add(rule)
        for row in rows:
            rule = admin_rule(found, row)
            if rule is not None:
                found.add(rule)
        found.finish()
        if len(_WITH_ADMIN) > 16:
            _WITH_ADMIN.clear()
        _WITH_ADMIN[key] = found
    return found


def describe_lists(language: str) -> dict[str, int]:
    """Each word list of ``language`` and its number of entries (for the rules page)."""
    counts: dict[str, int] = defaultdict(int)
    for _name, data in _file_data(language):
        for list_name, entries in data.get("lists", {}).items():
            counts[list_name] = len(_as_list(entries))
    return dict(counts)


def list_entries(language: str) -> dict[str, list[str]]:
    """Each word list of ``language`` as written in the files."""
    return {name: _as_list(entries) for _file, data in _file_data(language)
            for name, entries in data.get("lists", {}).items()}
