"""A 10,000-row CSV import and its 10,000 rejection e-mails: ``make bench-import``

The recruiter's busy moment: the export of the applicant tracking system goes in, and the rejection
e-mails with the personal link go out. Per run, on a fresh database and a fresh gunicorn on 127.0.0.1
(production settings, the Redis rate limiter), one browser-like client clicks through the pages:

1. upload: the import page, the file posted, the preview (``app/candidates/csv_import.py``);
2. confirm: *Import* on the preview (the stored file checked again, the good rows saved), then the list it
   leads to (those not invited yet);
3. send: the list's button to e-mail everyone not invited yet with the personal line the file brought
   (``app/candidates/services/bulk.py``): the review page (every e-mail composed and every line checked),
   *Send* (the e-mails composed again and compared with what the page showed, links issued, the e-mails
   rendered into the outbox, the "invited" events; one transaction), back to the list. Up to 10,000 a round.

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

import contextlib
import csv
import html
import http.client
import io
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._common import (  # noqa: E402
    DATA,
    DATABASES,
    GUNICORN,
    PYTHON,
    ROOT,
    database_version,
    databases,
    env_int,
    exit_on_sigterm,
    free_port,
    machine_line,
    median,
    migrated_app,
    now_utc,
    quick,
    rounds,
    spread,
    stop_server,
    write_readme_enabled,
    write_section,
)

TARGET_S = 10.0
HOST = "127.0.0.1"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
WORKERS = 2
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
# The personal line per candidate, as the recruiters wrote it in the applicant tracking system: a sentence
# about the application that names the person, a former employer, the years and the vacancy (nearly always a
# sentence of its own), then the requirement that decided it (shared by many). The checker reads every line;
# it keeps what it found per sentence, so the shared sentences cost it less than unique ones.
EMPLOYERS = ["Rijnstate", "het UMC Utrecht", "Zorggroep Oost", "de GGD", "het Maasstad", "Isala", "Amphia",
             "Gelre", "Tergooi", "Zuyderland", "het Spaarne Gasthuis", "Zorgsaam", "het Catharina", "Reinier de Graaf"]
OPENINGS = {
    "nl": ["{first}, je {years} jaar bij {employer} spraken ons aan voor de functie {vacancy}.",
           "{first}, je cv voor {vacancy} is helder, en je werk bij {employer} ({years} jaar) valt op.",
           "Dank je, {first}: je vertelde concreet over je {years} jaar bij {employer}."],
    "en": ["{first}, your {years} years at {employer} caught our eye for the {vacancy} role.",
           "{first}, your CV for {vacancy} is clear, and your {years} years at {employer} stand out."],
}
REQUIREMENTS = {
    "nl": ["Voor deze functie vragen we minstens {need} jaar ervaring op een intensive care; jouw ervaring ligt "
           "vooral op de verpleegafdeling.",
           "Voor deze rol is een afgeronde hbo-opleiding een vereiste, en die zagen we niet terug in je sollicitatie.",
           "Voor deze functie zoeken we ervaring met het leiden van een team van minstens {need} mensen."],
    "en": ["This role needs at least {need} years of experience with SQL and reporting tools, which your "
           "application did not yet show."],
}


def personal_line(rng: random.Random, first: str, vacancy: str, language: str) -> str:
    opening = rng.choice(OPENINGS[language]).format(first=first, vacancy=vacancy, years=rng.randint(1, 15),
                                                    employer=rng.choice(EMPLOYERS))
    return f"{opening} {rng.choice(REQUIREMENTS[language]).format(need=rng.randint(2, 5))}"


def make_csv(rows: int, today: date) -> bytes:
    """A file as an applicant tracking system exports it: Dutch headers with a byte-order mark, semicolons,
    the name in parts, columns the portal does not read (id, phone, application date, source), mixed date
    formats."""
    rng = random.Random(3)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["\ufeffKandidaat-ID", "Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Telefoon",
                     "Vacature", "Afdeling", "Fase", "Sollicitatiedatum", "Afwijzingsdatum", "Taal", "Reden", "Bron",
                     "Persoonlijke regel"])
    stages, weights = zip(*STAGES, strict=False)
    for n in range(rows):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        prefix, _, surname = last.rpartition(" ")
        vacancy, department = rng.choice(VACANCIES)
        rejected = today - timedelta(days=rng.randint(0, 20))
        language = "en" if rng.random() < 0.15 else "nl"
        local_part = f"{first}.{last}".lower().replace(" ", "").replace("ı", "i")
        writer.writerow([
            100_000 + n, first, prefix, surname, f"{local_part}{n}@example.org", f"06-{rng.randint(0, 99999999):08d}",
            vacancy, department, rng.choices(stages, weights)[0], (rejected - timedelta(days=30)).isoformat(),
            rejected.strftime("%d-%m-%Y") if rng.random() < 0.7 else rejected.isoformat(),
            language, rng.choice(REASONS), rng.choice(["LinkedIn", "Website", "Indeed"]),
            personal_line(rng, first, vacancy, language),
        ])
    return out.getvalue().encode("utf-8")


# --- one run: a real server and a recruiter clicking through the pages -------------------------------

RECRUITER_EMAIL, RECRUITER_PASSWORD = "recruiter@bench.example.org", "a long enough bench password"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
_BULK = re.compile(r'<a class="button" href="(/recruiter/candidates/rejections/all[^"]*)"')
_FINGERPRINT = re.compile(r'name="fingerprint" type="hidden" value="([^"]+)"')
_COUNT = re.compile(r'<h2 id="who-h">([\d.]+) ')
_CONFIRM = re.compile(r'<form method="post" action="(/recruiter/candidates/import/[A-Za-z0-9_-]+)"')


class Browser:
    """One recruiter's browser over HTTP: the session cookie, form posts, redirects followed, and the time of
    every request by kind (what the report calls where the time goes)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}
        self.spent: dict[str, list[float]] = {}
        self.sizes: dict[str, int] = {}

    def request(self, kind: str, method: str, path: str, *, form: dict | None = None,
                files: tuple[str, str, bytes] | None = None, expect: int = 200) -> tuple[str, str]:
        """(body, Location); the answer must have status ``expect``."""
        headers = {"Accept-Language": "nl", "Host": f"{HOST}:{self.port}"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if files is not None:
            boundary = "----bench" + "7d3f" * 6
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                     for k, v in (form or {}).items()]
            name, filename, content = files
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         "Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=300)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        self.spent.setdefault(kind, []).append(time.perf_counter() - began)
        self.sizes[kind] = max(self.sizes.get(kind, 0), len(raw))
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookie_name, cookie_value = value.split(";", 1)[0].split("=", 1)
                self.cookies[cookie_name] = cookie_value
        text = raw.decode("utf-8", "replace")
        if response.status != expect:
            raise RuntimeError(f"{method} {path} answered {response.status}, not {expect}: {text[:300]!r}")
        location = response.getheader("Location", "")
        if location.startswith("http"):
            location = "/" + location.split("/", 3)[3]
        return text, location


def csrf(page: str) -> str:
    found = _CSRF.search(page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1) or found.group(2)


def seed_recruiter(app) -> None:
    from app.auth.services import create_user
    from app.extensions import db
    from app.models import Role

    with app.app_context():
        create_user(RECRUITER_EMAIL, "Recruiter bench", Role.RECRUITER, RECRUITER_PASSWORD)
        db.session.commit()
        db.session.remove()


def recruiter_clicks(port: int, content: bytes) -> dict[str, float]:
    """Sign in, upload, confirm, then from the list of those not invited yet: the review page of the e-mail to
    all of them, *Send* (confirming the checker's warnings if it has any), back to the list. Seconds per
    phase; the browser's times per kind of request in ``browser.spent``."""
    browser = Browser(port)
    page, _ = browser.request("sign-in", "GET", "/login")
    browser.request("sign-in", "POST", "/login", expect=302, form={
        "csrf_token": csrf(page), "email": RECRUITER_EMAIL, "password": RECRUITER_PASSWORD})
    seconds = {}
    began = time.perf_counter()
    page, _ = browser.request("upload", "GET", "/recruiter/candidates/import")
    preview, _ = browser.request("upload", "POST", "/recruiter/candidates/import",
                                 form={"csrf_token": csrf(page)}, files=("file", "ats-export.csv", content))
    seconds["upload"] = time.perf_counter() - began
    confirm = _CONFIRM.search(preview)
    if not confirm:
        raise RuntimeError(f"no preview with an import button: {preview[:300]!r}")

    began = time.perf_counter()
    _, location = browser.request("confirm", "POST", confirm.group(1), expect=302,
                                  form={"csrf_token": csrf(preview), "mode": "all_or_nothing"})
    listing, _ = browser.request("confirm", "GET", location)
    seconds["confirm"] = time.perf_counter() - began

    began = time.perf_counter()
    sent = 0
    while True:  # one round for up to 10,000 (BULK_MAX); more rows would take another
        link = _BULK.search(listing)
        if not link and sent:  # everyone had it: the list of those not invited is empty
            break
        if not link:
            raise RuntimeError("the list of those not invited has no link to e-mail them all")
        page, _ = browser.request("send: the review page", "GET", html.unescape(link.group(1)))
        fingerprint = _FINGERPRINT.search(page)
        if not fingerprint:  # no one left to send to
            break
        count = int(_COUNT.search(page).group(1).replace(".", ""))
        form = {"csrf_token": csrf(page), "fingerprint": fingerprint.group(1)}
        if 'name="confirm_warnings"' in page:  # the recruiter read the checker's warnings
            form["confirm_warnings"] = "y"
        _, location = browser.request("send: send", "POST", html.unescape(link.group(1)), expect=302, form=form)
        listing, _ = browser.request("send: the list", "GET", location)  # the list as it was filtered
        sent += count
    seconds["send"] = time.perf_counter() - began
    browser.sent = sent
    return seconds, browser


def server_memory_mb(pid: int) -> float:
    """The largest peak resident memory (VmHWM) among gunicorn's processes."""
    peaks = []
    for child in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def one_run(database: str, rows: int) -> dict:
    """Import and send on a fresh database through a real server; seconds per phase, as a dict."""
    import sqlalchemy as sa

    from app.candidates.csv_import import today_local
    from app.extensions import db
    from app.models import Candidate, OutboxMessage

    with DATABASES[database]("import") as url:
        app = migrated_app(url)
        version = database_version(app)
        seed_recruiter(app)
        content = make_csv(rows, today_local())
        env = {"FLASK_SQLALCHEMY_DATABASE_URI": url, "FLASK_SECRET_KEY": "bench-import-" + secrets.token_hex(8),
               "FLASK_DEPLOYMENT": "production", "FLASK_RATELIMIT_STORAGE_URI": REDIS_URL,
               "FLASK_MAIL_FOLDER": str(DATA / "mail"), "FLASK_CSV_IMPORT_FOLDER": str(DATA / "imports"),
               "FLASK_PORTAL_URL": "https://portal.example.org"}
        with gunicorn("wsgi:app", env, WORKERS) as (port, pid):
            seconds, browser = recruiter_clicks(port, content)
            memory = server_memory_mb(pid)
        with app.app_context():
            in_outbox = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.kind == "rejection"))
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Candidate))
            db.session.remove()
            db.engine.dispose()
    if stored != rows or in_outbox != rows or browser.sent != rows:
        raise RuntimeError(f"{stored} candidates and {in_outbox} e-mails for {rows} rows")
    return {
        "version": version, "seconds": seconds, "bytes": len(content), "server_peak_mb": memory,
        "requests": {kind: [len(times), sum(times), median(times)] for kind, times in browser.spent.items()},
        "largest_page": browser.sizes,
    }


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int):
    """gunicorn serving ``app_spec`` on a free port of 127.0.0.1: (port, master's pid); stopped afterwards."""
    port = free_port()
    DATA.mkdir(parents=True, exist_ok=True)
    log = open(DATA / "gunicorn-import.log", "ab")  # noqa: SIM115 (closed when the server stops)
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--bind", f"{HOST}:{port}", "--timeout", "300",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see bench/.data/gunicorn-import.log")
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start within 60 s") from None
                time.sleep(0.2)
        yield port, process.pid
    finally:
        stop_server(process, log)


def run_in_process(database: str, rows: int) -> dict:
    command = [str(PYTHON), "-m", "bench.csv_import", "--one", database, str(rows)]
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
        f"An ATS export of **{rows:,} rows** ({size}: semicolons, Dutch headers with a byte-order mark, the name "
        "in parts, four columns the portal ignores, mixed date formats, a personal line per candidate, nearly "
        "every one different; every row good) imported on a fresh "
        "database and every rejection e-mail sent, **over HTTP as a recruiter clicks**: gunicorn "
        f"({WORKERS} sync workers, `wsgi:app`, `FLASK_DEPLOYMENT=production`, the Redis rate limiter on) on "
        "127.0.0.1, one browser-like client with its session cookie and CSRF tokens. Upload: the import page, "
        "the file posted, the preview. Confirm: the import button, then the list it leads to (*not invited yet*). "
        "Send: the list's button to e-mail them all with the personal line from the file, the review page "
        "(every e-mail composed, every line checked, the first three in full), *Send* (confirming the checker's "
        "warnings where it has any), back to the list. Figures are medians of the runs "
        "(each on a fresh database and a fresh server); signing in is not counted.",
        "",
        "| Database | Runs | Upload | Confirm | Send | Total (target < 10 s) | Met | Total per run | "
        "Server's peak RSS |",
        "|---|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for r in results:
        if r.error and not r.runs:
            lines.append(f"| {r.name} | | not run: {r.error} | | | | | | |")
            continue
        total = median(r.totals)
        rss = median([x["server_peak_mb"] for x in r.runs])
        lines.append(
            f"| {r.runs[0]['version']} | {len(r.runs)} | {r.phase('upload'):.1f} s | {r.phase('confirm'):.1f} s | "
            f"{r.phase('send'):.1f} s | **{total:.1f} s** | {'yes' if total < TARGET_S else '**no**'} | "
            f"{spread(r.totals, '{:.1f}')} s | {rss:.0f} MB |")
    lines += ["", "Where the time goes (first run of each database): requests by kind, their time in all, their "
              "median, and the largest answer.", "",
              "| Database | Request | Requests | Time in all | Median | Largest answer |",
              "|---|---|---:|---:|---:|---:|"]
    for r in results:
        if not r.runs:
            continue
        run = r.runs[0]
        for kind, (count, spent, middle) in run["requests"].items():
            lines.append(f"| {r.name} | {kind} | {count} | {spent:.1f} s | {middle * 1000:.0f} ms | "
                         f"{run['largest_page'][kind] / 1000:.0f} kB |")
    return "\n".join(lines)


def main() -> int:
    exit_on_sigterm()
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(one_run(sys.argv[2], int(sys.argv[3]))))
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
                run = run_in_process(name, rows)
                result.runs.append(run)
                s = run["seconds"]
                print(f"[{name}] run {number}: upload {s['upload']:.1f} s, confirm {s['confirm']:.1f} s, "
                      f"send {s['send']:.1f} s, total {sum(s.values()):.1f} s, "
                      f"server's peak RSS {run['server_peak_mb']:.0f} MB",
                      flush=True)
                for kind, (count, total, middle) in run["requests"].items():
                    print(f"    {kind}: {count} requests, {total:.1f} s, median {middle * 1000:.0f} ms, "
                          f"largest {run['largest_page'][kind] / 1000:.0f} kB", flush=True)
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
