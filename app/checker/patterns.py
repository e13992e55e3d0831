"""The checker's pattern language: a phrase of words, each matched by its lemma, so that one pattern
covers every inflection, with the hedges recruiters add ("gewoon", "a bit") allowed in between.

A pattern is words separated by spaces. Per position:

- ``word``: that word in any form ("passen" matches past, paste, pasten; "be" matches was, weren't);
- ``a|b|c``: any of these; ``a_b``: the words a b in a row, as one choice (``iemand_anders|anderen``);
- ``@list``: any entry of a word list of the rule files (entries may be several words);
- ``word*`` / ``*word``: a word that starts / ends so (compounds: ``zwangerschap*``, ``*beperking``);
- ``=word``: exactly this form, not its other forms (``=ouder`` is older, never ``ouders``);
- ``#num``: a number;
- a ``?`` at the end: this position may be left out (``in het|ons? team``);
- ``!a|b``: the next word is not a or b (nothing is consumed);
- ``...``: up to four words of anything (``...2``: up to two, at most ``...8``).

Between two positions, up to two filler words of the language (its ``@filler`` list) may stand.
Parsing raises ``PatternError`` with a message for the person who wrote the pattern.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _

GAP = 4
MAX_FILLERS = 2


class PatternError(ValueError):
    """A pattern the checker cannot read; ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _index(multi) -> dict:
    """Sequences by each key their first word may have, so that a token finds only its own."""
    index: dict = {}
    for seq in multi:
        for key in seq[0]:
            index.setdefault(key, []).append(seq)
    return {key: tuple(seqs) for key, seqs in index.items()}


def _ends(single: frozenset, multi_index: dict, tokens, p: int):
    n = len(tokens)
    if p >= n:
        return ()
    keys = tokens[p].keys
    ends = [p + 1] if not single.isdisjoint(keys) else []
    if multi_index and not multi_index.keys().isdisjoint(keys):
        seen = set()
        for key in keys:
            for seq in multi_index.get(key, ()):
                end = p + len(seq)
                if end <= n and id(seq) not in seen and all(
                        not seq[j].isdisjoint(tokens[p + j].keys) for j in range(1, len(seq))):
                    seen.add(id(seq))
                    if end not in ends:
                        ends.append(end)
    return ends


@dataclass(frozen=True, slots=True)
class Slot:
    single: frozenset = frozenset()          # keys that one token may have
    multi: tuple = ()                        # sequences of key sets, several tokens each
    optional: bool = False
    negative: bool = False                   # zero-width: the next token is not this
    gap: int = 0                             # up to this many tokens of anything
    multi_index: dict = field(default_factory=dict, compare=False)

    def first_keys(self) -> frozenset:
        return self.single.union(*(seq[0] for seq in self.multi)) if self.multi else self.single

    def ends(self, tokens, p: int):
        """Where this slot can end when it starts at token ``p``."""
        return _ends(self.single, self.multi_index, tokens, p)


@dataclass(frozen=True, slots=True)
class Pattern:
    source: str
    slots: tuple[Slot, ...]
    first: frozenset                           # keys a token where a match starts may have
    key_slot: int | None                       # the slot whose words a suggestion quotes as {word}
    required: tuple = ()                       # per slot that must match: keys one of the clause's words must have

    def possible_in(self, clause_keys) -> bool:
        """Whether a clause whose words have ``clause_keys`` can hold a match at all (a quick test first)."""
        return all(not keys.isdisjoint(clause_keys) for keys in self.required)

    def match_at(self, tokens, i: int, fillers: "ListEntries") -> tuple[int, int, int] | None:
        """(end, key start, key end) of a match starting at token ``i``, or None."""
        spans: list = [None] * len(self.slots)
        end = _match(self.slots, 0, tokens, i, fillers, spans)
        if end < 0:
            return None
        key = spans[self.key_slot] if self.key_slot is not None and spans[self.key_slot] else (i, end)
        return end, key[0], key[1]

    def search(self, tokens, fillers, lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
        """The first match within tokens[lo:hi], as (start, end) token indexes."""
        lo = max(lo, 0)
        hi = len(tokens) if hi is None else min(hi, len(tokens))
        window = tokens[:hi] if hi < len(tokens) else tokens
        anywhere = self.slots[0].optional
        for i in range(lo, hi):
            if not anywhere and self.first.isdisjoint(window[i].keys):
                continue
            found = self.match_at(window, i, fillers)
            if found is not None and found[0] > i:
                return i, found[0]
        return None


def _after_fillers(tokens, i: int, fillers) -> list[int]:
    """``i``, then the positions after one or two fillers (a filler may be several words: "een beetje")."""
    positions = [i]
    frontier = [i]
    for _round in range(MAX_FILLERS):
        reached = []
        for p in frontier:
            for end in fillers.ends(tokens, p):
                if end not in positions:
                    positions.append(end)
                    reached.append(end)
        frontier = reached
        if not frontier:
            break
    return positions


def _match(slots, k: int, tokens, i: int, fillers, spans: list) -> int:
    # The hot loop of the checker: written out rather than through helpers (a function call costs).
    if k == len(slots):
        return i
    slot = slots[k]
    n = len(tokens)
    if slot.gap:
        for j in range(i, min(i + slot.gap, n) + 1):
            end = _match(slots, k + 1, tokens, j, fillers, spans)
            if end >= 0:
                return end
        return -1
    if slot.negative:
        if _ends(slot.single, slot.multi_index, tokens, i):
            return -1
        return _match(slots, k + 1, tokens, i, fillers, spans)
    single, multi_index = slot.single, slot.multi_index
    for p in fillers.after(tokens, i) if k else (i,):
        if p >= n:
            continue
        if not multi_index:
            if single.isdisjoint(tokens[p].keys):
                continue
            spans[k] = (p, p + 1)
            found = _match(slots, k + 1, tokens, p + 1, fillers, spans)
            if found >= 0:
                return found
            continue
        for end in _ends(single, multi_index, tokens, p):
            spans[k] = (p, end)
            found = _match(slots, k + 1, tokens, end, fillers, spans)
            if found >= 0:
                return found
    if slot.optional:
        spans[k] = None
        return _match(slots, k + 1, tokens, i, fillers, spans)
    return -1


# --- parsing ---------------------------------------------------------------------------------------

WordKeys = Callable[[str, bool], Sequence[frozenset]]  # a written word (exact?) -> the key sets of its tokens


def parse(source: str, lists: Mapping[str, "ListEntries"], word_keys: WordKeys) -> Pattern:
    """Read ``source``; ``lists`` holds the language's word lists, ``word_keys`` turns a written word into
    the keys it matches (its form and lemma; an English contraction is two words)."""
    text = " ".join((source or "").split())
    if not text:
        raise PatternError(_("Please enter a phrase or pattern."))
    slots: list[Slot] = []
    key_slot = None
    for element in text.split(" "):
        if element.startswith(("...", "…")):
            size = element.lstrip(".…")
            if size and not (size.isdigit() and 1 <= int(size) <= 8):
                raise PatternError(_("“%(element)s”: after ... comes nothing or a number from 1 to 8.",
                                      element=element))
            if not slots or slots[-1].gap:
                raise PatternError(_("“...” stands between two words, not at the start or twice in a row."))
            slots.append(Slot(gap=int(size) if size else GAP))
            continue
        optional = element.endswith("?") and len(element) > 1
        negative = element.startswith("!") and len(element) > 1
        body = element[1:] if negative else element
        body = body[:-1] if optional else body
        if optional and negative:
            raise PatternError(_("“%(element)s”: a word cannot be both left out (?) and excluded (!).",
                                  element=element))
        single: set = set()
        multi: list = []
        for alternative in body.split("|"):
            if not alternative:
                raise PatternError(_("“%(element)s” has an empty choice: write a word on each side of |.",
                                      element=element))
            if alternative.startswith("@"):
                name = alternative[1:]
                if name not in lists:
                    raise PatternError(_("There is no word list “@%(name)s”. Lists: %(lists)s.", name=name,
                                          lists=", ".join("@" + n for n in sorted(lists))))
                entries = lists[name]
                single |= entries.single
                multi.extend(entries.multi)
                if key_slot is None and not name.startswith(("pron", "bezit", "poss", "det", "neg", "filler", "copula",
                                                                           "persoon", "person")):
                    key_slot = len(slots)
                continue
            sequence = [atom for word in alternative.split("_") if word for atom in _atoms(word, word_keys)]
            if not sequence:
                raise PatternError(_("“%(element)s” has no word in it.", element=element))
            if len(sequence) == 1:
                single |= sequence[0]
            else:
                multi.append(tuple(sequence))
        slot = Slot(frozenset(single), tuple(multi), optional=optional, negative=negative,
                    multi_index=_index(multi))
        slots.append(slot)
    if slots[-1].gap:
        raise PatternError(_("“...” stands between two words, not at the end."))
    if slots[0].negative:
        raise PatternError(_("A pattern cannot start with an excluded word (!)."))
    if all(s.optional or s.negative or s.gap for s in slots):
        raise PatternError(_("Every word of this pattern may be left out, so it would warn everywhere."))
    first = _first_keys(slots)
    required = tuple(sorted((s.first_keys() for s in slots if not (s.optional or s.negative or s.gap)), key=len))
    return Pattern(source=text, slots=tuple(slots), first=first, key_slot=key_slot, required=required)


def _first_keys(slots: Sequence[Slot]) -> frozenset:
    keys: frozenset = frozenset()
    for slot in slots:
        keys |= slot.first_keys()
        if not slot.optional:
            break
    return keys


def _atoms(word: str, word_keys: WordKeys, exact: bool = False) -> list[frozenset]:
    lower = word.lower()
    if lower == "#num":
        return [frozenset({"#num"})]
    if lower.startswith("="):
        if len(lower) < 2:
            raise PatternError(_("Write a word after =."))
        return [frozenset({lower})]
    if lower.endswith("*") or lower.startswith("*"):
        stem = lower.strip("*")
        if len(stem) < 3 or "*" in stem:
            raise PatternError(_("“%(word)s”: a word with * needs at least three letters, and * only at its "
                                  "start or end.", word=word))
        return [frozenset({lower})]
    if any(not (c.isalnum() or c in "-'") for c in lower):
        raise PatternError(_("“%(word)s” is not a word the checker can read. Use letters, and the signs "
                              "| ? ! * = @ ... as explained on this page.", word=word))
    keys = list(word_keys(lower, exact))
    if not keys:
        raise PatternError(_("“%(word)s” has no letters in it.", word=word))
    return keys


@dataclass(frozen=True, slots=True)
class ListEntries:
    single: frozenset
    multi: tuple
    multi_index: dict = field(default_factory=dict, compare=False)

    def ends(self, tokens, p: int):
        """Where an entry of this list that starts at token ``p`` ends."""
        return _ends(self.single, self.multi_index, tokens, p)

    def after(self, tokens, i: int) -> list[int]:
        """Used as the fillers of a language: ``i`` and the positions after one or two of them."""
        return _after_fillers(tokens, i, self)


class ClauseFillers:
    """A language's fillers for one clause, remembering where they end (asked again and again)."""

    __slots__ = ("fillers", "seen")

    def __init__(self, fillers: ListEntries):
        self.fillers, self.seen = fillers, {}

    def after(self, tokens, i: int) -> list[int]:
        found = self.seen.get(i)
        if found is None:
            found = self.seen[i] = _after_fillers(tokens, i, self.fillers)
        return found


NO_FILLERS = ListEntries(frozenset(), (), {})


def compile_list(entries: Sequence[str], lists: Mapping[str, ListEntries], word_keys: WordKeys) -> ListEntries:
    """A word list: its one-word entries as one key set, its longer entries as sequences. An entry may
    name an earlier list (``@name``) to include it."""
    single: set = set()
    multi: list = []
    for entry in entries:
        words = entry.split() if entry.startswith("@") else entry.replace("_", " ").split()
        if len(words) == 1 and words[0].startswith("@"):
            included = lists.get(words[0][1:])
            if included is None:
                raise PatternError(f"unknown list {words[0]}")
            single |= included.single
            multi.extend(included.multi)
            continue
        # A list's words are written in their dictionary form; a token is found by its lemma, so the
        # entry is not widened to its own lemma ("closed" must not become "close").
        atoms = [atom for word in words for atom in _atoms(word, word_keys, exact=True)]
        if len(atoms) == 1:
            single |= atoms[0]
        elif atoms:
            multi.append(tuple(atoms))
    return ListEntries(frozenset(single), tuple(multi), _index(multi))
