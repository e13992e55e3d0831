"""How fast are the staff list pages with a large history? ``make bench-lists``

For each database (SQLite, then PostgreSQL) and each scale (10,000, 100,000 and 1,000,000 candidates by
default) the benchmark builds a fresh database, migrates it (migration 0011's indexes included), generates
the synthetic history (``app/synthetic/`` ``generate_history``, as the dashboard benchmark does) and adds
what that history lacks for these pages: an outbox with a rejection e-mail for every invited candidate (one
in fifty failed) and a confirmation for every booking, and an audit log with a line for every booking.
Then it serves the portal with gunicorn on 127.0.0.1 (two sync workers, the Redis rate limiter on,
CSRF on) and signs in over HTTP as a recruiter and as an administrator (the audit log is theirs).

Per URL in ``URLS``: warm-up requests, then ``BENCH_RUNS`` timed requests over HTTP (median and 95th
percentile), each round beside a request to ``/healthz`` on the same server (the ratio page / healthz says
how much of the time is the page's own when the machine is loaded by other work), and the number of SQL
statements one request issues, counted in-process with Flask's test client on the same database.

Environment:
    BENCH_LIST_SCALES    candidates per run, comma-separated (default "10000,100000,1000000")
    BENCH_DATABASES      which databases (default "sqlite,postgresql")
    BENCH_RUNS           timed requests per URL (default 9)
    BENCH_WARMUP         warm-up requests per URL (default 2)
    BENCH_README         0 leaves bench/README.md alone
"""

import contextlib
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402
    DATA,
    DATABASES,
    GUNICORN,
    database_version,
    exit_on_sigterm,
    free_port,
    machine_line,
    migrated_app,
    now_utc,
    percentile,
    stop_server,
    write_readme_enabled,
    write_section,
)

RECRUITER = ("recruiter.lists@example.org", "Recruiter bench", "recruiter")
ADMIN = ("admin.lists@example.org", "Admin bench", "admin")
PASSWORD = "bench-lists-password-9f2c"
TARGET_MS = {"sqlite": 200, "postgresql": 100}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# (who, path). {vacancy}, {department}, {email}, {skill} are filled in from the generated history.
URLS = [
    ("recruiter", "/recruiter/candidates/"),
    ("recruiter", "/recruiter/candidates/?status=not_invited"),
    ("recruiter", "/recruiter/candidates/?status=booked"),
    ("recruiter", "/recruiter/candidates/?vacancy={vacancy}"),
    ("recruiter", "/recruiter/candidates/?department={department}&status=attended"),
    ("recruiter", "/recruiter/candidates/?q=jan"),
    ("recruiter", "/recruiter/candidates/?q={email}"),
    ("recruiter", "/recruiter/candidates/?page=60"),
    ("recruiter", "/recruiter/talent/"),
    ("recruiter", "/recruiter/talent/?skill={skill}"),
    ("recruiter", "/recruiter/talent/?q=de"),
    ("recruiter", "/recruiter/talent/?page=20"),
    ("recruiter", "/recruiter/outbox/"),
    ("recruiter", "/recruiter/outbox/?status=failed"),
    ("recruiter", "/recruiter/outbox/?kind=booking_confirmed"),
    ("recruiter", "/recruiter/outbox/?q={email}"),
    ("recruiter", "/recruiter/sessions/"),
    ("recruiter", "/recruiter/sessions/?page=3"),
    ("admin", "/admin/audit/"),
    ("admin", "/admin/audit/?action=outbox_viewed"),
    ("admin", "/admin/audit/?user=recruiter.lists"),
]


@dataclass
class Measurement:
    who: str
    path: str
    status: int = 0
    page_ms: list[float] = field(default_factory=list)
    healthz_ms: list[float] = field(default_factory=list)
    statements: int = 0


@dataclass
class Run:
    database: str
    scale: int
    version: str = ""
    generation_s: float = 0.0
    measurements: list[Measurement] = field(default_factory=list)
    error: str = ""


# --- the data the synthetic history lacks ----------------------------------------------------------

def add_outbox_and_audit(recruiter_id: int) -> None:
    """An outbox and an audit log in proportion to the history, written with INSERT … SELECT."""
    from app.extensions import db

    def run(statement: str) -> None:
        db.session.execute(sa.text(statement))
    common = ("SELECT {kind}, c.id, c.email, c.email, {subject}, 'Beste ' || c.name, "
              "'<p>Beste ' || c.name || '</p>', {status}, 1, {at}, {at}, {sent} FROM {source} WHERE {where}")
    columns = ("INSERT INTO outbox_message (kind, candidate_id, to_address, to_email, subject, body_text, body_html, "
               "status, attempts, next_attempt_at, created_at, sent_at) ")
    for status, where in (("sent", "c.invited_at IS NOT NULL AND c.id % 50 <> 0"),
                          ("failed", "c.invited_at IS NOT NULL AND c.id % 50 = 0")):
        run(columns + common.format(
            kind="'rejection'", subject="'Je sollicitatie als ' || c.vacancy", status=f"'{status}'",
            at="c.invited_at", sent="c.invited_at" if status == "sent" else "NULL", source="candidate c",
            where=where))
    run(columns + common.format(
        kind="'booking_confirmed'", subject="'Je gesprek is bevestigd'", status="'sent'", at="b.created_at",
        sent="b.created_at", source="booking b JOIN candidate c ON c.id = b.candidate_id", where="1 = 1"))
    run(
        "INSERT INTO audit_entry (at, user_id, user_email, action, target_type, target_id, detail) "
        f"SELECT b.created_at, {recruiter_id}, '{RECRUITER[0]}', 'note_viewed', 'booking', b.id, '' FROM booking b")
    run(
        "INSERT INTO audit_entry (at, user_id, user_email, action, target_type, target_id, detail) "
        f"SELECT m.created_at, {recruiter_id}, '{RECRUITER[0]}', 'outbox_viewed', 'outbox_message', m.id, '' "
        "FROM outbox_message m WHERE m.id % 10 = 0")
    db.session.commit()
    run("ANALYZE")
    db.session.commit()


def fill_in(app) -> dict[str, str]:
    """Values for the URLs' placeholders: a common vacancy and department, a candidate's address, a skill."""
    from app.extensions import db

    with app.app_context():
        row = db.session.execute(sa.text(
            "SELECT vacancy, department, email FROM candidate ORDER BY id LIMIT 1 OFFSET "
            "(SELECT count(*) / 2 FROM candidate)")).one()
        skill = db.session.scalar(sa.text("SELECT value FROM pool_tag WHERE kind = 'skill' LIMIT 1")) or "SQL"
        db.session.remove()
    return {"vacancy": row.vacancy, "department": row.department, "email": row.email, "skill": skill}


# --- the server and the clients ----------------------------------------------------------------------

@contextlib.contextmanager
def gunicorn(url: str):
    port = free_port()
    env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": url, "FLASK_SECRET_KEY": "bench-lists-" + "x" * 40,
           "FLASK_RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"),
           "FLASK_MAIL_FOLDER": str(DATA / "mail"), "FLASK_PORTAL_URL": "http://127.0.0.1:5000"}
    log = open(DATA / "gunicorn-lists.log", "ab")  # noqa: SIM115 (closed when the server stops)
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited; see bench/.data/gunicorn-lists.log")
            with contextlib.suppress(requests.RequestException):  # not listening yet, or still importing
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start within 180 s")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(process, log)


def signed_in(base: str, email: str) -> requests.Session:
    client = requests.Session()
    page = client.get(f"{base}/login", timeout=30).text
    token = _CSRF.search(page).group(1)
    response = client.post(f"{base}/login", data={"csrf_token": token, "email": email, "password": PASSWORD},
                           allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed with {response.status_code}")
    return client


def timed(client: requests.Session, url: str) -> tuple[float, int]:
    began = time.perf_counter()
    response = client.get(url, timeout=120)
    return (time.perf_counter() - began) * 1000, response.status_code


def count_statements(app, email: str, path: str) -> int:
    """The SQL statements one request issues, through Flask's test client on the same database."""
    from app.extensions import db

    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"email": email, "password": PASSWORD})
        statements = []

        def seen(*args):
            statements.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            client.get(path)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    return len(statements)


# --- one run -----------------------------------------------------------------------------------------

def bench(database: str, scale: int, runs: int, warmup: int) -> Run:
    from app.auth.services import create_user
    from app.extensions import db
    from app.models import Role
    from app.synthetic import generate_history

    result = Run(database, scale)
    with DATABASES[database]("lists") as url:
        app = migrated_app(url, WTF_CSRF_ENABLED=False)
        result.version = database_version(app)
        with app.app_context():
            print(f"[{database} {scale:,}] generating ...", flush=True)
            report = generate_history(scale, progress=lambda line: print(f"  {line.strip()}", flush=True))
            result.generation_s = report.seconds
            users = {}
            for email, name, role in (RECRUITER, ADMIN):
                users[role] = create_user(email, name, Role(role), PASSWORD)
            db.session.commit()
            add_outbox_and_audit(users["recruiter"].id)
            db.session.remove()
        values = fill_in(app)
        with gunicorn(url) as base:
            clients = {"recruiter": signed_in(base, RECRUITER[0]), "admin": signed_in(base, ADMIN[0])}
            for who, template in URLS:
                path = template.format(**{k: requests.utils.quote(v) for k, v in values.items()})
                measurement = Measurement(who, template)
                client = clients[who]
                for _ in range(warmup):
                    timed(client, base + path)
                for _ in range(runs):
                    elapsed, measurement.status = timed(client, base + path)
                    measurement.page_ms.append(elapsed)
                    measurement.healthz_ms.append(timed(client, base + "/healthz")[0])
                measurement.statements = count_statements(app, RECRUITER[0] if who == "recruiter" else ADMIN[0],
                                                          path)
                result.measurements.append(measurement)
                print(f"[{database} {scale:,}] {template}: HTTP {measurement.status}, median "
                      f"{statistics.median(measurement.page_ms):.0f} ms, {measurement.statements} statements",
                      flush=True)
        with app.app_context():
            db.engine.dispose()
    return result


def report(runs: list[Run], started, load, total_s: float, settings: dict) -> str:
    lines = [machine_line(started, load, total_s), "",
             f"Per URL: {settings['warmup']} warm-up requests, then {settings['runs']} timed ones over HTTP "
             "(gunicorn, 2 sync workers, Redis rate limiter, signed in); p95 is the nearest-rank 95th percentile. "
             "Beside each timed request one to `/healthz` on the same server: the ratio of the medians says how "
             "many times a bare request the page costs, which the load of other work on the machine changes less "
             "than the milliseconds. Statements: one request, counted in-process (sign-in and session included).",
             ""]
    lines += ["| Database | Candidates | Generation |", "|---|---:|---:|"]
    lines += [f"| {r.version} | {r.scale:,} | {r.generation_s:.0f} s |" for r in runs]
    lines += ["", "| Database | Candidates | URL | HTTP | Median | p95 | × healthz | Statements | Target | Met |",
              "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        if r.error:
            lines.append(f"| {r.database} | {r.scale:,} | {r.error} | | | | | | | |")
        for m in r.measurements:
            page, healthz = statistics.median(m.page_ms), statistics.median(m.healthz_ms)
            target = TARGET_MS[r.database]
            lines.append(f"| {r.database} | {r.scale:,} | `{m.path}` | {m.status} | {page:.0f} ms | "
                         f"{percentile(m.page_ms, 95):.0f} ms | {page / healthz:.1f} | {m.statements} | "
                         f"{target} ms | {'yes' if page < target else 'no'} |")
    lines += ["", "Statements per URL at every scale (they must not grow with the data):", ""]
    by_url: dict[str, dict[str, set[int]]] = {}
    for r in runs:
        for m in r.measurements:
            by_url.setdefault(m.path, {}).setdefault(r.database, set()).add(m.statements)
    for path, per_database in by_url.items():
        counts = "; ".join(f"{db_name} {', '.join(map(str, sorted(c)))}" for db_name, c in per_database.items())
        lines.append(f"- `{path}`: {counts}")
    return "\n".join(lines)


def main() -> int:
    exit_on_sigterm()
    DATA.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in os.environ.get("BENCH_LIST_SCALES", "10000,100000,1000000").split(",") if s]
    databases = [d for d in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",") if d]
    settings = {"runs": int(os.environ.get("BENCH_RUNS", 9)), "warmup": int(os.environ.get("BENCH_WARMUP", 2))}
    started, load, began = now_utc(), os.getloadavg(), time.monotonic()
    runs = []
    for scale in scales:
        for database in databases:
            try:
                runs.append(bench(database, scale, settings["runs"], settings["warmup"]))
            except Exception as error:  # noqa: BLE001 (reported in the table, the other runs go on)
                runs.append(Run(database, scale, error=f"failed: {error}"))
                print(f"[{database} {scale:,}] failed: {error}", flush=True)
    section = report(runs, started, load, time.monotonic() - began, settings)
    print("\n" + section)
    if write_readme_enabled():
        write_section("lists", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
