"""The feedback checker: how well it does on the evaluation corpus, and how fast it is.

1. Quality: every sentence of ``bench/checker_corpus/<language>.tsv`` (written while the rules were
   made) and ``<language>_heldout.tsv`` (written after the rules were done, and not used to change them
   before their first figures were taken) is checked as the pages check it: in its own language first,
   then the portal's other language. Per language and category: precision and recall; for the good
   sentences ("ok"): how many got any warning (the target is none).
2. Speed: a text of 2,000 characters (recruiter's notes made from the corpus's sentences, flagged and
   good mixed) is checked in both languages as the live check does (``check_languages``), many times;
   the median and the 95th percentile of the runs (target: under 5 ms). The same for the live-check
   request through Flask's test client, signed in, on a migrated SQLite database.

Run with ``make bench-checker`` (also part of ``make bench``); ``BENCH_README=0`` leaves bench/README.md
alone; ``BENCH_VERBOSE=1`` lists every sentence the checker got wrong.
"""

import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench import _common

CORPUS = Path(__file__).parent / "checker_corpus"
LANGUAGES = ("nl", "en")
CATEGORIES = ("personality", "comparison", "vague", "protected", "false_promise")
RUNS = _common.env_int("BENCH_CHECKER_RUNS", 300, 30)
TEXT_LENGTH = 2000


def read_corpus(path: Path) -> list[tuple[set[str], str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected, sentence = line.split("\t", 1)
        rows.append((set() if expected == "ok" else set(expected.split(",")), sentence.strip()))
    return rows


def languages_for(language: str) -> list[str]:
    return [language, *(other for other in LANGUAGES if other != language)]


def evaluate(rows, language: str, verbose: bool = False) -> dict:
    from app.checker import check_languages

    counts = {c: defaultdict(int) for c in CATEGORIES}
    wrong, flagged_ok, good = [], 0, 0
    for expected, sentence in rows:
        found = {c for f in check_languages(sentence, languages_for(language), reader="en")
                 for c in (f.categories or (f.category,))}
        if not expected:
            good += 1
            flagged_ok += bool(found)
        for category in CATEGORIES:
            if category in expected and category in found:
                counts[category]["tp"] += 1
            elif category in expected:
                counts[category]["fn"] += 1
            elif category in found:
                counts[category]["fp"] += 1
        if (expected and not expected <= found) or (not expected and found) or (found - expected):
            wrong.append((sorted(expected) or ["ok"], sorted(found) or ["none"], sentence))
    if verbose:
        for expected, found, sentence in wrong:
            print(f"  [{language}] expected {','.join(expected)}, found {','.join(found)}: {sentence}")
    flagged = [r for r in rows if r[0]]
    return {"counts": counts, "good": good, "flagged_ok": flagged_ok, "flagged": len(flagged), "wrong": wrong}


def ratio(a: int, b: int) -> str:
    return f"{100 * a / b:.0f} %" if b else "–"


def quality_table(results: dict) -> str:
    lines = ["| Corpus | Language | Category | Sentences | Precision | Recall |", "|---|---|---|---:|---:|---:|"]
    for (part, language), result in results.items():
        for category in CATEGORIES:
            c = result["counts"][category]
            lines.append(f"| {part} | {language} | {category} | {c['tp'] + c['fn']} | "
                         f"{ratio(c['tp'], c['tp'] + c['fp'])} | {ratio(c['tp'], c['tp'] + c['fn'])} |")
        total = {k: sum(result["counts"][c][k] for c in CATEGORIES) for k in ("tp", "fp", "fn")}
        precision, recall = ratio(total["tp"], total["tp"] + total["fp"]), ratio(total["tp"], total["tp"] + total["fn"])
        lines.append(f"| {part} | {language} | **all categories** | {result['flagged']} | {precision} | {recall} |")
        lines.append(f"| {part} | {language} | good feedback (must not be flagged) | {result['good']} | "
                     f"– | {result['flagged_ok']} flagged |")
    return "\n".join(lines)


def sample_text(rows_by_language: dict) -> str:
    """About 2,000 characters of notes, flagged and good sentences mixed, Dutch and English."""
    parts, length = [], 0
    pools = [s for rows in rows_by_language.values() for _e, s in rows]
    i = 0
    while length < TEXT_LENGTH:
        sentence = pools[(i * 7) % len(pools)]
        parts.append(sentence)
        length += len(sentence) + 1
        i += 1
    return " ".join(parts)[:TEXT_LENGTH]


def typed(text: str, n: int) -> str:
    """``text`` with the ``n``-th keystroke: one sentence (a different one each time) changed by a word."""
    sentences = text.split(". ")
    i = n % len(sentences)
    sentences[i] = f"{sentences[i]} {('eerst', 'first', 'daarna', 'then')[n % 4]}{n}"
    return ". ".join(sentences)


def time_checker(text: str) -> tuple[list[float], list[float]]:
    """Cold: every sentence new to the checker (its per-sentence memory emptied before each run). Typing:
    as the live check runs while someone types, one sentence changed since the check before."""
    import app.checker as checker

    checker.check_languages(text, ["nl", "en"])  # the rule files are compiled once per process
    cold, typing = [], []
    for _ in range(RUNS):
        checker._SENTENCE_CACHE.clear()
        began = time.perf_counter()
        checker.check_languages(text, ["nl", "en"])
        cold.append((time.perf_counter() - began) * 1000)
    checker.check_languages(text, ["nl", "en"])
    for n in range(RUNS):
        changed = typed(text, n)
        began = time.perf_counter()
        checker.check_languages(changed, ["nl", "en"])
        typing.append((time.perf_counter() - began) * 1000)
    return cold, typing


def time_endpoint(text: str) -> list[float]:
    from app.auth.services import create_user
    from app.extensions import db
    from app.models import Role

    with _common.sqlite_database("checker") as url:
        app = _common.migrated_app(url, WTF_CSRF_ENABLED=False)
        with app.app_context():
            create_user("bench@example.org", "Bench", Role.RECRUITER, "a long bench password")
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org", "password": "a long bench password"})
        response = client.post("/recruiter/feedback-check", json={"text": text, "language": "nl"})
        assert response.status_code == 200, response.status_code
        times = []
        for n in range(max(RUNS // 3, 10)):
            changed = typed(text, n)
            began = time.perf_counter()
            client.post("/recruiter/feedback-check", json={"text": changed, "language": "nl"})
            times.append((time.perf_counter() - began) * 1000)
        return times


def main() -> int:
    _common.exit_on_sigterm()
    verbose = os.environ.get("BENCH_VERBOSE", "0") not in ("", "0")
    started, load, began = _common.now_utc(), os.getloadavg(), time.perf_counter()
    results, rows_by_language = {}, {}
    for part, suffix in (("development", ""), ("held-out", "_heldout")):
        for language in LANGUAGES:
            path = CORPUS / f"{language}{suffix}.tsv"
            if not path.exists():
                continue
            rows = read_corpus(path)
            if part == "development":
                rows_by_language[language] = rows
            results[(part, language)] = evaluate(rows, language, verbose)
    table = quality_table(results)
    print(table)

    text = sample_text(rows_by_language)
    cold, typing = time_checker(text)
    endpoint = time_endpoint(text)
    rows = [
        (f"`check_languages(text, [\"nl\", \"en\"])`, {len(text):,} characters, every sentence new (cold)", cold),
        ("the same while typing: one sentence changed since the last check", typing),
        ("`POST /recruiter/feedback-check` while typing (test client, signed in, SQLite, JSON both ways)", endpoint),
    ]
    met = "yes" if all(statistics.median(times) < 5 for _label, times in rows) else "**no**"
    speed = "| What | Runs | Median | p95 | Target | Met |\n|---|---:|---:|---:|---:|---|\n" + "\n".join(
        f"| {label} | {len(times)} | {statistics.median(times):.2f} ms | {_common.percentile(times, 95):.2f} ms | "
        f"5 ms | {'yes' if statistics.median(times) < 5 else '**no**'} |" for label, times in rows)
    print()
    print(speed)
    sizes = ", ".join(f"{part} {language}: {len(read_corpus(CORPUS / f'{language}{suffix}.tsv'))} sentences"
                      for part, suffix in (("development", ""), ("held-out", "_heldout")) for language in LANGUAGES
                      if (CORPUS / f"{language}{suffix}.tsv").exists())
    section = "\n\n".join([
        _common.machine_line(started, load, time.perf_counter() - began),
        f"Corpus: {sizes}. Each sentence is checked as the pages check it (its own language first, then the "
        "other); a sentence counts for every category it expects. Precision: of the sentences that got a "
        "category, how many expected it; recall: of the sentences that expect a category, how many got it.",
        table,
        f"Speed, {RUNS} runs (median of the runs; the sample text mixes flagged and good sentences of both "
        "languages):",
        speed,
    ])
    if _common.write_readme_enabled() and not _common.quick():
        _common.write_section("checker", section)
    return 0 if met == "yes" else 1


if __name__ == "__main__":
    sys.exit(main())
