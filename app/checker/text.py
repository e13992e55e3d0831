"""Text as the checker reads it: sentences and clauses of tokens, each token with its lemma.

Tokenizing is a regular expression (words, numbers, contractions); lemmas come from simplemma
(pure Python, its dictionaries ship inside the package), corrected per language by the rule files'
``[lemmas]`` table where the dictionary picks the wrong word for feedback ("bellen" is not "bel").
Each token keeps its position in the original text, so that a warning can quote what was typed.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import simplemma

# Typographic apostrophes and quotes become plain ones; one character for one, so positions stay.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'"})

# A word: letters and digits, with inner hyphens or apostrophes (e-mail, weren't, m'n, 3,5).
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_](?:[\w]|['-](?=\w))*", re.UNICODE)
# What ends a clause: sentence punctuation, commas, brackets, dashes between spaces, a line that starts a
# list item (a line break alone does not: a sentence may wrap).
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|[\u2022\u25cf]")
_CLAUSE_END = re.compile(r"[,;:()\[\]\"]|\s[-\u2013\u2014]\s|\n\s*(?=[-*\u2022\d])")

_ENGLISH_NOT = {"can't": "can", "won't": "will", "shan't": "shall", "ain't": "be", "cannot": "can"}
_ENGLISH_CLITICS = {"'re": "are", "'m": "am", "'ll": "will", "'ve": "have", "'d": "would"}
_ENGLISH_IS = {"he", "she", "it", "that", "there", "what", "who", "here", "where", "this"}


class Token:
    """One word: where it stands in the text, its lower-case form and its lemma; ``keys`` is every
    name a pattern may call it by. (A plain class with slots: made for every word of every check.)"""

    __slots__ = ("start", "end", "lower", "lemma", "keys")

    def __init__(self, start: int, end: int, lower: str, lemma: str, keys: frozenset):
        self.start, self.end, self.lower, self.lemma, self.keys = start, end, lower, lemma, keys

    def __repr__(self) -> str:
        return f"Token({self.lower!r}, {self.lemma!r}, {self.start}-{self.end})"


@dataclass(frozen=True, slots=True)
class Clause:
    tokens: tuple[Token, ...]
    sentence: int  # clauses of one sentence share this number


class Lemmatizer:
    """Lemmas for one language, with the rule files' corrections, remembered per word form."""

    def __init__(self, language: str, corrections: Mapping[str, str] | None = None,
                 prefixes: Iterable[str] = (), suffixes: Iterable[str] = ()):
        self.language = language
        self.corrections = {k.lower(): v.lower() for k, v in (corrections or {}).items()}
        self.prefixes = tuple(sorted(set(prefixes)))
        self.suffixes = tuple(sorted(set(suffixes)))
        self._keys: dict[str, tuple[str, frozenset]] = {}

    def lemma(self, lower: str) -> str:
        if lower in self.corrections:
            return self.corrections[lower]
        if lower[:1].isdigit():
            return "#num"
        try:
            found = simplemma.lemmatize(lower, lang=self.language)
        except (ValueError, KeyError):  # a language simplemma does not know: the word is its own lemma
            found = lower
        return found.lower().replace("_", "")

    def keys(self, lower: str) -> tuple[str, frozenset]:
        """The lemma of ``lower`` and every key a pattern may match it by (remembered)."""
        known = self._keys.get(lower)
        if known is None:
            lemma = self.lemma(lower)
            keys = {lower, lemma, "=" + lower}
            keys.update(p + "*" for p in self.prefixes if lower.startswith(p) and lower != p)
            keys.update("*" + s for s in self.suffixes if lower.endswith(s) and lower != s)
            if lemma == "#num":
                keys.add("#num")
            known = (lemma, frozenset(keys))
            if len(self._keys) < 50_000:
                self._keys[lower] = known
        return known


def _words(text: str, language: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, lower-case form) of each word; English contractions split into their words."""
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        lower = match.group().lower()
        if language == "en" and "'" in lower:
            yield from _english_contraction(start, end, lower)
        elif language == "nl" and lower.endswith("'s") and len(lower) > 3:  # Anna's, cv's
            yield start, end - 2, lower[:-2]
        else:
            yield start, end, lower


def _english_contraction(start: int, end: int, lower: str) -> Iterable[tuple[int, int, str]]:
    if lower in _ENGLISH_NOT:
        yield start, end, _ENGLISH_NOT[lower]
        yield start, end, "not"
        return
    # Both halves of a contraction keep the whole word's place, so that a warning quotes "weren't".
    if lower.endswith("n't"):
        yield start, end, lower[:-3]
        yield start, end, "not"
        return
    for clitic, word in _ENGLISH_CLITICS.items():
        if lower.endswith(clitic) and len(lower) > len(clitic):
            yield start, end, lower[: -len(clitic)]
            yield start, end, word
            return
    if lower.endswith("'s") and len(lower) > 2:
        base = lower[:-2]
        yield start, end, base
        yield start, end, "is" if base in _ENGLISH_IS else "'s"
        return
    yield start, end, lower


@dataclass(frozen=True, slots=True)
class Scan:
    """A text split into words once, for every language it is checked in: each word as (start, end,
    lower-case form, clause number, sentence number)."""

    words: tuple
    sentences: dict  # sentence number -> the set of its words' lower-case forms


def scan(text: str) -> Scan:
    text = text.translate(_QUOTES)
    sentence_ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    bounds = sorted({m.start() for m in _CLAUSE_END.finditer(text)}.union(sentence_ends))
    words = []
    sentences: dict[int, set] = {}
    clause = sentence = b = s = 0
    for match in _TOKEN.finditer(text):
        start = match.start()
        boundary = False
        while b < len(bounds) and bounds[b] < start:
            boundary = True
            b += 1
        while s < len(sentence_ends) and sentence_ends[s] < start:
            sentence += 1
            s += 1
        clause += boundary
        lower = match.group().lower()
        words.append((start, match.end(), lower, clause, sentence))
        sentences.setdefault(sentence, set()).add(lower)
    return Scan(tuple(words), sentences)


def clauses(text: str, lemmatizer: Lemmatizer, scanned: Scan | None = None,
            keep: set | None = None) -> list[Clause]:
    """The text as clauses of tokens, in order; ``keep``: only these sentences (by number)."""
    scanned = scanned or scan(text)
    words = scanned.words if keep is None else [w for w in scanned.words if w[4] in keep]
    return clauses_of(words, lemmatizer)


def clauses_of(words, lemmatizer: Lemmatizer) -> list[Clause]:
    """Clauses of tokens from words as ``scan`` gives them."""
    result: list[Clause] = []
    current: list[Token] = []
    cache = lemmatizer._keys
    language = lemmatizer.language
    last_clause = -1
    current_sentence = 0
    for start, end, lower, clause, sentence in words:
        if clause != last_clause:
            if current:
                result.append(Clause(tuple(current), current_sentence))
                current = []
            last_clause, current_sentence = clause, sentence
        if (language == "en" and "'" in lower) or (language == "nl" and lower.endswith("'s")):
            pieces = _words(lower, language)
            pieces = [(start + (a if language == "nl" else 0), start + (b if language == "nl" else end - start), w)
                      for a, b, w in pieces]
        else:
            pieces = ((start, end, lower),)
        for a, b, word in pieces:
            known = cache.get(word)
            lemma, keys = known if known is not None else lemmatizer.keys(word)
            current.append(Token(a, b, word, lemma, keys))
    if current:
        result.append(Clause(tuple(current), current_sentence))
    return result
