"""What the benchmarks of the busy moments share: settings from the environment, fresh databases, the
machine's description, percentiles, and writing a section of ``bench/README.md``."""

import contextlib
import math
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / ".data"
README = ROOT / "bench" / "README.md"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# --- settings --------------------------------------------------------------------------------------

def quick() -> bool:
    """BENCH_QUICK=1: a smoke run with small numbers, to see that everything works."""
    return os.environ.get("BENCH_QUICK", "0") not in ("", "0")


def env_int(name: str, default: int, quick_default: int | None = None) -> int:
    if name in os.environ:
        return int(os.environ[name])
    return quick_default if quick() and quick_default is not None else default


def rounds(most: int, budget_s: float) -> Iterator[int]:
    """Round numbers 1, 2, ... up to ``most``; stops early when one more round, as long as the rounds so
    far took on average, would end after ``budget_s`` seconds. There is always at least one round."""
    began = time.perf_counter()
    for number in range(1, most + 1):
        elapsed = time.perf_counter() - began
        if number > 1 and elapsed + elapsed / (number - 1) > budget_s:
            print(f"  (time budget of {budget_s:.0f} s: stopping after {number - 1} round(s))", flush=True)
            return
        yield number


def databases(default: str = "sqlite,postgresql") -> list[str]:
    names = [n.strip() for n in os.environ.get("BENCH_DATABASES", default).split(",") if n.strip()]
    unknown = set(names) - set(DATABASES)
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(sorted(unknown))}; choose from {', '.join(DATABASES)}")
    return names


def write_readme_enabled() -> bool:
    return os.environ.get("BENCH_README", "1") != "0"


# --- fresh databases -------------------------------------------------------------------------------

@contextlib.contextmanager
def sqlite_database(name: str) -> Iterator[str]:
    """A new SQLite file in bench/.data/, removed afterwards (the app sets WAL and a busy timeout)."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{name}-{os.getpid()}.sqlite3"
    _remove_sqlite(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        _remove_sqlite(path)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def postgresql_database(name: str) -> Iterator[str]:
    """A schema of its own on the PostgreSQL server (like tests/fixtures/app.py), dropped afterwards."""
    server = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL)
    schema = f"bench_{name}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(server)
    with admin.begin() as connection:
        if admin.url.host in ("127.0.0.1", "localhost", None):
            _drop_stale_schemas(connection, name)
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _drop_stale_schemas(connection, name: str) -> None:
    """Schemas of earlier runs on this machine whose process is gone (killed before it could clean up)."""
    shape = re.compile(rf"^bench_{name}_(\d+)_[0-9a-f]+$")
    schemas = connection.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"),
                                 {"prefix": f"bench_{name}_%"}).scalars()
    for schema in list(schemas):
        match = shape.match(schema)
        if match and not _running(int(match.group(1))):
            print(f"dropping {schema}, left behind by an interrupted run", flush=True)
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


DATABASES = {"sqlite": sqlite_database, "postgresql": postgresql_database}


def exit_on_sigterm() -> None:
    """SIGTERM (from ``timeout`` or ``kill``) unwinds like Ctrl+C: servers stop, databases are dropped."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def migrated_app(url: str, **overrides):
    """The portal on ``url``, migrated with the production migrations (flask_migrate.upgrade)."""
    from flask_migrate import upgrade

    from app import create_app

    settings = {
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None, "MAIL_FOLDER": str(DATA / "mail"), "PORTAL_URL": "http://127.0.0.1:5000",
    }
    settings.update(overrides)
    app = create_app(settings)
    with app.app_context():
        upgrade()
    return app


def database_version(app) -> str:
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version}"
        return "PostgreSQL " + db.session.scalar(sa.text("SHOW server_version")).split()[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- figures ---------------------------------------------------------------------------------------

def median(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return statistics.median(values) if values else math.nan


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q between 0 and 100) of ``values``."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    """The runs one by one, for the reader who wants to see the noise: "312 / 298 / 305"."""
    return " / ".join(fmt.format(v) for v in values)


def machine() -> dict[str, str]:
    info = {"cores": str(os.cpu_count()), "cpu": platform.processor() or platform.machine(), "memory": "?"}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    info["python"] = platform.python_version()
    info["sqlalchemy"] = sa.__version__
    return info


def machine_line(started: datetime, load: tuple[float, float, float], total_s: float) -> str:
    m = machine()
    end = os.getloadavg()
    return (
        f"Last run: {started:%Y-%m-%d %H:%M} UTC, {total_s / 60:.1f} minutes in all. "
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory, Python {m['python']}, "
        f"SQLAlchemy {m['sqlalchemy']}. Load average when it started: {load[0]:.2f} / {load[1]:.2f} / "
        f"{load[2]:.2f}, when it ended: {end[0]:.2f} / {end[1]:.2f} / {end[2]:.2f} (1 / 5 / 15 min; above "
        f"{m['cores']} means other work competed for the CPU)."
    )


def now_utc() -> datetime:
    return datetime.now(UTC)


def write_section(marker: str, section: str) -> None:
    """Replace the text between ``<!-- bench-<marker>:begin -->`` and its end marker in bench/README.md
    (appended at the end when the markers are missing); the rest of the file stays as it is."""
    begin, end = f"<!-- bench-{marker}:begin -->", f"<!-- bench-{marker}:end -->"
    text = README.read_text() if README.exists() else ""
    if begin not in text or end not in text:
        text = f"{text.rstrip()}\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{begin}\n{section}\n{end}{tail}")
    print(f"\nWritten to {README.relative_to(ROOT)}.")


def stop_server(process, log) -> None:
    """Stop a server the benchmark started: SIGTERM, a kill after 30 s, and its log closed."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()
