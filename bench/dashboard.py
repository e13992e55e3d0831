"""How fast is the HR dashboard with a million candidates? ``make bench-dashboard``

For each database (SQLite, then PostgreSQL) the benchmark builds a fresh database, migrates it, generates
the synthetic history (``app/synthetic/``), signs a test client in as HR and then, per dashboard URL in
``URLS``: a few warm-up requests, then ``BENCH_RUNS`` timed requests (median and 95th percentile), the
number of SQL statements one request issues, and beside it the time of the bare aggregate queries
(``app.stats.queries.dashboard_data``, or ``funnel_counts`` where that is all there is) for the same period.
The results go to the terminal and into the marked section of ``bench/README.md``.

Environment:
    BENCH_SCALE          candidates to generate (default 1000000; e.g. 100000 for a quick run)
    BENCH_RUNS           timed runs per URL (default 10, at least 7)
    BENCH_WARMUP         warm-up requests per URL (default 2)
    BENCH_BUDGET         seconds of measuring per database (default 300), shared equally by the URLs' page
                         and bare-query series; a series whose runs take longer than its share stops early
                         (after at least one timed run) and the table says how many runs it got
    BENCH_DATABASES      which databases, comma-separated (default "sqlite,postgresql")
    BENCH_POSTGRES_URL   server for the PostgreSQL run (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
                         the run uses a schema of its own and drops it afterwards
    BENCH_KEEP           1 keeps the SQLite file in bench/.data/ (otherwise it is removed)
    BENCH_README         0 leaves bench/README.md alone
"""

import contextlib
import importlib
import inspect
import math
import os
import secrets
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.database import utcnow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.timeutil import local  # noqa: E402
from bench._common import machine  # noqa: E402

# The dashboard URLs to measure. {first} and {today} are filled in: the first day of the synthetic history
# and today, so that the last one asks for the whole history at once.
URLS = [
    "/hr/",
    "/hr/?period=this-month",
    "/hr/?period=last-quarter",
    "/hr/?period=last-year",
    "/hr/?period=custom&from={first}&to={today}",
]
TARGET_MS = {"sqlite": 500, "postgresql": 300}
DATA = ROOT / "bench" / ".data"
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- bench-dashboard:begin -->", "<!-- bench-dashboard:end -->"
HR_EMAIL, HR_PASSWORD = "hr.bench@example.org", secrets.token_urlsafe(18)
# The 1-minute load average, sampled during the run: above the number of cores, other work competed.
LOAD_SAMPLES: list[float] = []


def sample_load() -> None:
    LOAD_SAMPLES.append(os.getloadavg()[0])


@dataclass
class Measurement:
    url: str
    page_ms: list[float] = field(default_factory=list)
    page_statements: set[int] = field(default_factory=set)
    query_ms: list[float] = field(default_factory=list)
    query_statements: set[int] = field(default_factory=set)
    status: int = 0


@dataclass
class DatabaseRun:
    name: str
    version: str = ""
    generation_s: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    size_mb: float = 0.0
    measurements: list[Measurement] = field(default_factory=list)
    query_function: str = ""
    error: str = ""


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# --- the databases ---------------------------------------------------------------------------------

@contextlib.contextmanager
def sqlite_database():
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "dashboard.sqlite3"
    _remove_sqlite(path)
    try:
        yield f"sqlite:///{path}", lambda: sum(
            Path(f"{path}{suffix}").stat().st_size for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists()
        ) / 2**20
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            _remove_sqlite(path)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def postgresql_database():
    server = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"bench_dashboard_{os.getpid()}"
    admin = sa.create_engine(server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"

    def size() -> float:
        with admin.connect() as connection:
            return connection.scalar(sa.text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relkind = 'r'"
            ), {"schema": schema}) / 2**20

    try:
        yield f"{server}{separator}options=-csearch_path%3D{schema}", size
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


DATABASES = {"sqlite": sqlite_database, "postgresql": postgresql_database}


# --- one run ---------------------------------------------------------------------------------------

def bench_database(name: str, scale: int, runs: int, warmup: int) -> DatabaseRun:
    result = DatabaseRun(name)
    with DATABASES[name]() as (url, size):
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False, "MAIL_FOLDER": str(DATA / "mail"),
        })
        from flask_migrate import upgrade

        from app.auth.services import create_user
        from app.models import Role
        from app.synthetic import YEARS, generate_history

        with app.app_context():
            upgrade()
            result.version = _version(name)
            print(f"[{name}] generating {scale:,} candidates ...", flush=True)
            def progress(line: str) -> None:
                sample_load()
                print(f"[{name}] {line.strip()}", flush=True)

            report = generate_history(scale, progress=progress)
            result.generation_s, result.rows = report.seconds, report.rows
            print(f"[{name}] generated in {report.seconds:.0f} s", flush=True)
            create_user(HR_EMAIL, "HR bench", Role.HR, HR_PASSWORD)
            db.session.commit()
            db.session.remove()
        result.size_mb = size()

        today = local(utcnow()).date()
        first = today - timedelta(days=round(365.25 * YEARS))
        counter = StatementCounter(app)
        client = app.test_client()
        response = client.post("/login", data={"email": HR_EMAIL, "password": HR_PASSWORD})
        if response.status_code != 302:
            result.error = f"login failed with {response.status_code}"
            return result
        query, call = bare_queries()
        share = env_int("BENCH_BUDGET", 300) / (2 * len(URLS))
        for template in URLS:
            path = template.format(first=first.isoformat(), today=today.isoformat())
            measurement = Measurement(path)
            start, end = period_of(path, today)

            def page(path=path, measurement=measurement):
                with counter.counting() as count:
                    began = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - began) * 1000
                measurement.status = response.status_code
                return elapsed, count()

            def queries(start=start, end=end):
                with app.app_context():
                    with counter.counting() as count:
                        began = time.perf_counter()
                        call(start, end)
                        elapsed = (time.perf_counter() - began) * 1000
                    db.session.remove()
                return elapsed, count()

            slow = series(page, warmup, runs, share, measurement.page_ms, measurement.page_statements)
            # After a slow page the same queries have just run: the bare series needs no warm-up of its own.
            series(queries, 0 if slow else warmup, runs, share, measurement.query_ms, measurement.query_statements)
            result.measurements.append(measurement)
            print(f"[{name}] {path}: HTTP {measurement.status}, page median {median(measurement.page_ms):.0f} ms, "
                  f"p95 {p95(measurement.page_ms):.0f} ms, {fmt_set(measurement.page_statements)} statements; "
                  f"{query} median {median(measurement.query_ms):.0f} ms", flush=True)
        result.query_function = query
        with app.app_context():
            db.engine.dispose()
    return result


def series(run, warmup: int, runs: int, share_s: float, times: list[float], statements: set[int]) -> bool:
    """Warm up, then time up to ``runs`` runs within ``share_s`` seconds (at least one). True if it was slow:
    a single run took more than a quarter of the share. A warm-up that alone takes longer than the whole
    share counts as the first timed run: at that speed, the first run's extra work is noise."""
    slow = False
    for _ in range(warmup):
        elapsed, count = run()
        if elapsed / 1000 > share_s / 4:
            slow = True
            if elapsed / 1000 > share_s:
                times.append(elapsed)
                statements.add(count)
            break
    spent = sum(times) / 1000
    while len(times) < runs and (not times or spent < share_s):
        elapsed, count = run()
        sample_load()
        times.append(elapsed)
        statements.add(count)
        spent += elapsed / 1000
        slow = slow or elapsed / 1000 > share_s / 4
    return slow


def _version(name: str) -> str:
    if name == "sqlite":
        return sqlite3.sqlite_version
    return db.session.scalar(sa.text("SHOW server_version")).split()[0]


class StatementCounter:
    """Counts the SQL statements sent to the database (SQLAlchemy's before_cursor_execute event)."""

    def __init__(self, app):
        self.count = None
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        if self.count is not None:
            self.count += 1

    @contextlib.contextmanager
    def counting(self):
        """Count within the block; the callable it yields gives the count (final once the block is left)."""
        self.count, final = 0, []
        try:
            yield lambda: final[0] if final else self.count
        finally:
            final.append(self.count)
            self.count = None


def bare_queries():
    """The aggregate queries behind the page, found by name: dashboard_data if it exists, else funnel_counts."""
    queries = importlib.import_module("app.stats.queries")
    function = getattr(queries, "dashboard_data", None) or queries.funnel_counts
    parameters = list(inspect.signature(function).parameters)

    def call(start: datetime, end: datetime):
        if len(parameters) >= 2:
            return function(start, end)
        return function(queries.Period(start, end))

    return function.__name__, call


def period_of(path: str, today: date) -> tuple[datetime, datetime]:
    """The period a dashboard URL asks for, as the page reads it (app.stats.periods, if it is there)."""
    args = MultiDict(parse_qs(urlsplit(path).query))
    try:
        from app.stats.periods import parse_period
    except ImportError:
        end = utcnow()
        return end - timedelta(days=365), end
    period = parse_period(args, today).period
    return period.start, period.end


# --- figures ---------------------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile: with fewer than 20 runs, the slowest one."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def fmt_set(values: set[int]) -> str:
    return "/".join(str(v) for v in sorted(values)) or "?"


def report(results: list[DatabaseRun], scale: int, runs: int, warmup: int, started: datetime, load: tuple,
           total_s: float) -> str:
    m = machine()
    during = (f"mean {statistics.mean(LOAD_SAMPLES):.1f}, highest {max(LOAD_SAMPLES):.1f}" if LOAD_SAMPLES
              else "not sampled")
    lines = [
        f"Last run: {started:%Y-%m-%d %H:%M} UTC, {total_s / 60:.1f} minutes in all. "
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory, Python {m['python']}, "
        f"SQLAlchemy {m['sqlalchemy']}. Load average when it started: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        f"(1 / 5 / 15 min); 1-minute load average during the run: {during} (above {m['cores']} means other work "
        f"competed for the CPU, and the figures are those of a slower machine).",
        "",
        f"Scale: **{scale:,} candidates** over four years (seed 1). Per URL: {warmup} warm-up requests, "
        f"then {runs} timed ones, fewer where a series would overrun its share of the time budget "
        f"(column Runs); p95 is the nearest-rank 95th percentile (with fewer than 20 runs, the slowest).",
        "",
        "| Database | Version | Generation | Events | Candidates | Bookings | Size on disk |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.error and not r.rows:
            lines.append(f"| {r.name} | {r.version or '?'} | not run: {r.error} | | | | |")
            continue
        lines.append(
            f"| {r.name} | {r.version} | {r.generation_s:.0f} s | {r.rows.get('event', 0):,} | "
            f"{r.rows.get('candidate', 0):,} | {r.rows.get('booking', 0):,} | {r.size_mb:,.0f} MB |")
    lines += [
        "",
        "| Database | URL | HTTP | Runs | Page median | Page p95 | Statements per request | Bare queries median | "
        "Bare queries p95 | Their statements | Target (page) | Met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        target = TARGET_MS[r.name]
        if r.error:
            lines.append(f"| {r.name} | | | | | | | | | | {target} ms | {r.error} |")
        for x in r.measurements:
            met = "yes" if x.status == 200 and median(x.page_ms) < target else "**no**"
            lines.append(
                f"| {r.name} | `{x.url}` | {x.status} | {len(x.page_ms)} / {len(x.query_ms)} | "
                f"{median(x.page_ms):.0f} ms | {p95(x.page_ms):.0f} ms | "
                f"{fmt_set(x.page_statements)} | {median(x.query_ms):.0f} ms | {p95(x.query_ms):.0f} ms | "
                f"{fmt_set(x.query_statements)} | {target} ms | {met} |")
    functions = {r.query_function for r in results} - {""}
    lines += [
        "",
        f"Bare queries: `app.stats.queries.{'/'.join(sorted(functions)) or 'dashboard_data'}` called directly for the "
        "same period, in an app context of its own, without HTTP, sign-in or template. Statements per request "
        "include the one that loads the signed-in user, and on SQLite the BEGIN of the transaction. "
        "Met: the page's median is under the target.",
    ]
    return "\n".join(lines)


def write_readme(section: str) -> None:
    text = README.read_text() if README.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = f"{text.rstrip()}\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{section}\n{END}{tail}")


def main() -> int:
    scale = env_int("BENCH_SCALE", 1_000_000)
    runs = max(7, env_int("BENCH_RUNS", 10))
    warmup = env_int("BENCH_WARMUP", 2)
    names = [n.strip() for n in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",") if n.strip()]
    unknown = set(names) - set(DATABASES)
    if unknown:
        print(f"unknown database(s): {', '.join(sorted(unknown))}; choose from {', '.join(DATABASES)}")
        return 2
    started, load, clock = datetime.now(UTC), os.getloadavg(), time.perf_counter()
    results = []
    for name in names:
        try:
            results.append(bench_database(name, scale, runs, warmup))
        except Exception as exc:  # e.g. no PostgreSQL server: report it and go on with the next database
            print(f"[{name}] failed: {exc!r}", flush=True)
            results.append(DatabaseRun(name, error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"))
    section = report(results, scale, runs, warmup, started, load, time.perf_counter() - clock)
    print()
    print(section)
    if os.environ.get("BENCH_README", "1") != "0":
        write_readme(section)
        print(f"\nWritten to {README.relative_to(ROOT)}.")
    return 0 if all(not r.error for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
