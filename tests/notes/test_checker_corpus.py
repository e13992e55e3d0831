"""The evaluation corpus (bench/checker_corpus/): on every part, both languages, the good feedback gets no
warning and at least 95 % of the sentences that must be flagged get their category. `make bench-checker`
prints the figures per category."""

import pytest

from bench.checker import CATEGORIES, CORPUS, evaluate, read_corpus


@pytest.mark.parametrize("name", ["nl", "en", "nl_heldout", "en_heldout"])
def test_the_corpus_meets_its_targets(app, name):
    rows = read_corpus(CORPUS / f"{name}.tsv")
    language = name[:2]
    result = evaluate(rows, language)
    assert result["flagged_ok"] == 0, [w for w in result["wrong"] if w[0] == ["ok"]]
    for category in CATEGORIES:
        counts = result["counts"][category]
        assert counts["tp"] >= 0.95 * (counts["tp"] + counts["fn"]), (category, result["wrong"])
    if not name.endswith("heldout"):
        assert len(rows) >= 150


def test_the_corpus_has_good_and_flagged_sentences_of_every_category():
    for language in ("nl", "en"):
        rows = read_corpus(CORPUS / f"{language}.tsv")
        assert {c for expected, _s in rows for c in expected} == set(CATEGORIES)
        assert sum(1 for expected, _s in rows if not expected) >= 60
