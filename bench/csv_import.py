"""A 10,000-row CSV import and its 10,000 rejection e-mails: ``make bench-import``

The recruiter's busy moment: the export of the applicant tracking system goes in, and the rejection
e-mails with the personal link go out. Per run, on a fresh database, through the real code and in the
order the pages call it (``app/candidates/routes.py``):

1. upload: ``services.preview_import`` reads, checks and looks for duplicates (``app/candidates/csv_import.py``);
2. confirm: the confirm request checks the stored file again (``preview_import``), saves the good rows
   (``services.import_candidates``) and commits;
3. send: the rejection e-mails to the selection, at most ``MAX_SELECTION`` (100) candidates per request as
   the page allows, each with a personal line: ``services.compose_rejections`` (the send request checks
   that each e-mail is the one previewed), then ``services.send_rejections`` (personal links, the e-mails
   rendered into the outbox, the "invited" events and their roll-up, in batched statements), one commit
   per request.

Each run is a process of its own so that its peak resident memory (``resource.getrusage``) is its own.
One extra run traces Python's allocations (``tracemalloc``, which slows Python down, so its times are not
used) during upload and confirm, when the whole file and its rows are in memory; it stops before the send.
The target: all of it under 10 seconds.

Environment (see bench/README.md):
    BENCH_IMPORT_RUNS     timed runs per database, at most (default 3)
    BENCH_IMPORT_BUDGET   seconds per database: no new run that would end after it (default 150; there is
                          always one run)
    BENCH_IMPORT_ROWS     rows in the file (default 10000)
    BENCH_DATABASES       default "postgresql" (the production database); "sqlite,postgresql" for both
    BENCH_POSTGRES_URL    default postgresql+psycopg://postgres@127.0.0.1:5432/test
    BENCH_QUICK           1: a smoke run (1 run, 1,000 rows), README left alone
    BENCH_README          0 leaves bench/README.md alone
"""

import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import date, timedelta

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._common import (  # noqa: E402
    DATA,
    DATABASES,
    PYTHON,
    ROOT,
    database_version,
    databases,
    env_int,
    exit_on_sigterm,
    machine_line,
    median,
    migrated_app,
    now_utc,
    quick,
    rounds,
    spread,
    write_readme_enabled,
    write_section,
)

TARGET_S = 10.0
PHASES = ("upload", "confirm", "send")

FIRST_NAMES = ["Anna", "Daan", "Sanne", "Bram", "Fatima", "Mohamed", "Lotte", "Sem", "Eva", "Noah", "Yara",
               "Lucas", "Emma", "Thijs", "Julia", "Milan", "Sophie", "Ayoub", "Femke", "Jesse", "Zeynep", "Ruben"]
LAST_NAMES = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
              "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "El Amrani",
              "Yılmaz", "van Dijk"]
VACANCIES = [("Verpleegkundige IC", "Intensive Care"), ("Medewerker patiëntenadministratie", "Zorgadministratie"),
             ("Fysiotherapeut", "Revalidatie"), ("Data-analist", "Informatievoorziening"),
             ("Teamleider facilitair", "Facilitair bedrijf"), ("Doktersassistent", "Polikliniek Cardiologie"),
             ("Operatieassistent", "Operatiekamers"), ("Medisch secretaris", "Neurologie"),
             ("ICT-beheerder", "Informatievoorziening"), ("Verpleegkundige", "Cardiologie")]
STAGES = [("cv-selectie", 65), ("telefonisch", 15), ("sollicitatiegesprek", 20)]
REASONS = ["ervaring", "vaardigheden", "opleiding", "aansluiting", ""]
PERSONAL_LINES = [
    "Je brief liet goed zien waarom je in de zorg wilt werken. Voor deze functie vragen we minstens twee jaar "
    "ervaring op een intensive care; jouw ervaring ligt vooral op de verpleegafdeling.",
    "Je cv is helder en overzichtelijk. Voor deze rol is een afgeronde hbo-opleiding een vereiste, en die "
    "zagen we niet terug in je sollicitatie.",
    "In het gesprek vertelde je concreet over je projecten. Voor deze functie zoeken we ervaring met het "
    "leiden van een team van minstens vijf mensen.",
    "Your letter showed a real interest in our patients. This role needs experience with SQL and reporting "
    "tools, which your application did not yet show.",
]


def make_csv(rows: int, today: date) -> bytes:
    """A file as an applicant tracking system exports it: Dutch headers, semicolons, mixed date formats."""
    rng = random.Random(3)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Naam", "E-mail", "Vacature", "Afdeling", "Fase", "Afwijzingsdatum", "Taal", "Reden"])
    stages, weights = zip(*STAGES, strict=False)
    for n in range(rows):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        vacancy, department = rng.choice(VACANCIES)
        rejected = today - timedelta(days=rng.randint(0, 20))
        local_part = f"{first}.{last}".lower().replace(" ", "").replace("ı", "i")
        writer.writerow([
            f"{first} {last}", f"{local_part}{n}@example.org", vacancy, department,
            rng.choices(stages, weights)[0],
            rejected.strftime("%d-%m-%Y") if rng.random() < 0.7 else rejected.isoformat(),
            "en" if rng.random() < 0.15 else "nl", rng.choice(REASONS),
        ])
    return out.getvalue().encode("utf-8")


# --- one run, in a process of its own --------------------------------------------------------------

def one_run(database: str, rows: int, trace: bool) -> dict:
    """Import and send on a fresh database; seconds per phase and memory, as a dict."""
    import sqlalchemy as sa

    from app.candidates import services
    from app.candidates.csv_import import today_local
    from app.candidates.routes import MAX_SELECTION
    from app.extensions import db
    from app.models import Candidate, OutboxMessage

    with DATABASES[database]("import") as url:
        app = migrated_app(url, CSV_IMPORT_FOLDER=str(DATA / "imports"))
        version = database_version(app)
        with app.test_request_context():
            content = make_csv(rows, today_local())
        baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        seconds = {}
        with app.test_request_context():  # the import runs in a request, with its locale and URL adapter
            began = time.perf_counter()
            preview = services.preview_import(content)
            seconds["upload"] = time.perf_counter() - began

            began = time.perf_counter()
            preview = services.preview_import(content)
            services.import_candidates(preview, services.ImportMode.ALL_OR_NOTHING)
            db.session.commit()
            seconds["confirm"] = time.perf_counter() - began
            ids = list(db.session.scalars(sa.select(Candidate.id).order_by(Candidate.id)))  # the list page's ticks
            db.session.remove()
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:  # the traced run ends here: its times are not used, and the send phase holds no file
            tracemalloc.stop()
            with app.app_context():
                db.engine.dispose()
            return {"version": version, "tracemalloc_peak_mb": peak / 2**20}

        began = time.perf_counter()
        queued = 0
        for start in range(0, len(ids), MAX_SELECTION):
            with app.test_request_context():  # one request per selection, as the page sends them
                selection = services.get_candidates(ids[start:start + MAX_SELECTION])
                lines = {c.id: PERSONAL_LINES[c.id % len(PERSONAL_LINES)] for c in selection}
                emails = services.compose_rejections(selection, lines)  # the page checks what was previewed
                assert len(emails) == len(selection)
                queued += services.send_rejections(selection, lines, composed=emails)
                db.session.commit()
                db.session.remove()
        seconds["send"] = time.perf_counter() - began

        with app.app_context():
            in_outbox = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.kind == "rejection"))
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Candidate))
            db.session.remove()
            db.engine.dispose()
    if stored != rows or in_outbox != rows or queued != rows:
        raise RuntimeError(f"{stored} candidates and {in_outbox} e-mails for {rows} rows")
    return {
        "version": version, "seconds": seconds, "bytes": len(content), "bad_rows": len(preview.bad),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "baseline_mb": baseline_kb / 1024,
    }


def run_in_process(database: str, rows: int, trace: bool) -> dict:
    command = [str(PYTHON), "-m", "bench.csv_import", "--one", database, str(rows)] + (["--trace"] if trace else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError((done.stderr.strip().splitlines() or ["no output"])[-1][:200])
    return json.loads(lines[-1])


# --- the report ------------------------------------------------------------------------------------

@dataclass
class DatabaseResult:
    name: str
    runs: list[dict] = field(default_factory=list)
    traced: dict | None = None
    error: str = ""

    def phase(self, name: str) -> float:
        return median([r["seconds"][name] for r in self.runs])

    @property
    def totals(self) -> list[float]:
        return [sum(r["seconds"].values()) for r in self.runs]


def report(results: list[DatabaseResult], rows: int, started, load, total_s: float) -> str:
    sample = next((r.runs[0] for r in results if r.runs), None)
    size = f"{sample['bytes'] / 1e6:.2f} MB" if sample else "?"
    lines = [
        machine_line(started, load, total_s),
        "",
        f"A file of **{rows:,} rows** ({size}, semicolons, Dutch headers, all eight columns, mixed date formats; "
        "every row good) imported on a fresh database and its rejection e-mails queued, each with a personal "
        "line, through the real code in the order the pages call it. Every figure is the **median of the runs** "
        "(column Runs: as many as fit in the time budget, at most three), each run on a fresh database in a "
        "process of its own.",
        "",
        "| Database | Runs | Upload (read, check) | Confirm (check again, save) | "
        "Send (check, links, outbox, events) | Total (target < 10 s) | Met | Total per run | "
        "Peak RSS of the process | tracemalloc peak (upload, confirm) |",
        "|---|---:|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for r in results:
        if r.error and not r.runs:
            lines.append(f"| {r.name} | | not run: {r.error} | | | | | | | |")
            continue
        total = median(r.totals)
        rss = median([x["maxrss_mb"] for x in r.runs])
        baseline = median([x["baseline_mb"] for x in r.runs])
        peak = f"{r.traced['tracemalloc_peak_mb']:.0f} MB" if r.traced else "?"
        lines.append(
            f"| {r.runs[0]['version']} | {len(r.runs)} | {r.phase('upload'):.1f} s | {r.phase('confirm'):.1f} s | "
            f"{r.phase('send'):.1f} s | **{total:.1f} s** | {'yes' if total < TARGET_S else '**no**'} | "
            f"{spread(r.totals, '{:.1f}')} s | {rss:.0f} MB ({baseline:.0f} MB before the import) | {peak} |")
    lines += [
        "",
        "Upload: `services.preview_import` (decode, read, check every row, duplicates in the file and in the "
        "portal). Confirm: the confirm request checks the stored file again, then `import_candidates` and one "
        "commit. Send: per selection of at most 100 (the page's limit), as the send request does: "
        "`compose_rejections` (is each e-mail the one previewed?), then `send_rejections` (a personal link each, "
        "both bodies rendered into the outbox, the \"invited\" events and their monthly roll-up, in batched "
        "statements) and one commit. Peak RSS: `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the run's process "
        "(Python, the app and the file included; before the import: after start-up, migration and making the "
        "file). tracemalloc peak: the most memory Python had allocated at once from the start of the upload to "
        "the commit of the import, from one extra traced run (the send phase holds one selection of 100 at a "
        "time; the peak RSS covers it).",
    ]
    return "\n".join(lines)


def main() -> int:
    exit_on_sigterm()
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(one_run(sys.argv[2], int(sys.argv[3]), "--trace" in sys.argv)))
        return 0
    rows = env_int("BENCH_IMPORT_ROWS", 10_000, 1_000)
    runs = env_int("BENCH_IMPORT_RUNS", 3, 1)
    budget = env_int("BENCH_IMPORT_BUDGET", 150)
    DATA.mkdir(parents=True, exist_ok=True)
    started, load, clock = now_utc(), os.getloadavg(), time.perf_counter()
    results = []
    for name in databases(default="postgresql"):
        result = DatabaseResult(name)
        results.append(result)
        try:
            for number in rounds(runs, budget):
                run = run_in_process(name, rows, trace=False)
                result.runs.append(run)
                s = run["seconds"]
                print(f"[{name}] run {number}: upload {s['upload']:.1f} s, confirm {s['confirm']:.1f} s, "
                      f"send {s['send']:.1f} s, total {sum(s.values()):.1f} s, peak RSS {run['maxrss_mb']:.0f} MB",
                      flush=True)
            result.traced = run_in_process(name, rows, trace=True)
            print(f"[{name}] traced run: tracemalloc peak {result.traced['tracemalloc_peak_mb']:.0f} MB", flush=True)
        except Exception as exc:  # e.g. no PostgreSQL server: report it and go on with the next database
            print(f"[{name}] failed: {exc!r}", flush=True)
            result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    section = report(results, rows, started, load, time.perf_counter() - clock)
    print()
    print(section)
    if write_readme_enabled() and not quick():
        write_section("import", section)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
