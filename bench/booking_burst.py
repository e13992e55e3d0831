"""Rejection e-mails go out and many candidates click at once: ``make bench-booking``

For each database (a fresh SQLite file, then a schema of its own on PostgreSQL) and each round, the benchmark
migrates a new database, plans one published session of 40 slots and gives 500 candidates a personal link
(``app.tokens.issue_invitation``). It serves the portal with gunicorn (several sync workers) on 127.0.0.1, as
``bench.portal_with_bare:app``: the portal plus one bare Flask route that renders a template of about the
same size as the booking page, without database, session or forms (the issue's baseline: the same server
answering a bare route). Beside it, under the same gunicorn settings, ``bench/bare_app.py`` serves the same
template from a Flask app of its own, for reference.

Per round, with the same HTTP client (threads, ``http.client``, one connection per request as a browser
behind a non-keep-alive server would):

1. GET throughput: the booking pages of the 500 candidates, then the bare route, then the bare app, the same
   number of requests at the same concurrency.
2. The burst: 500 clients released at once. Each opens their page, reads the CSRF token (from the form)
   and the session cookie, and books one of the slots shown, most often one of the first (people take the
   earliest time that suits them). A client that loses the race gets 409 "just taken" with the slots still
   free, and tries another one, at most twice, as a person would; the winner's redirect to the
   confirmation page is followed. Then the bare route gets a burst of the same shape: 500 clients at once,
   the same number of requests in all.
3. The checks: exactly 40 bookings in the database, one per slot, and no 5xx answer. A round that breaks
   one of them makes the benchmark fail.

The server runs with the production settings (``FLASK_DEPLOYMENT=production``: the ``__Host-`` session cookie,
HSTS) and the rate limits on, counted in Redis as in production (``FLASK_RATELIMIT_STORAGE_URI``, default
``redis://127.0.0.1:6379``; ``BENCH_REDIS_URL``), behind one trusted proxy hop (``FLASK_PROXY_FIX_HOPS=1``):
each visitor comes from an address of its own (``X-Forwarded-For``), as candidates do, so that every request
pays the limiter's check and none is refused for the benchmark's sake. CSRF stays on. The requests are plain
HTTP on 127.0.0.1 (no ``X-Forwarded-Proto: https``).

Environment (see bench/README.md):
    BENCH_BOOKING_ROUNDS       rounds per database, at most (default 3)
    BENCH_BOOKING_BUDGET       seconds per database: no new round that would end after it (default 180;
                               there is always one round)
    BENCH_BOOKING_CANDIDATES   candidates racing (default 500)
    BENCH_BOOKING_SLOTS        slots in the session (default 40)
    BENCH_BOOKING_WORKERS      gunicorn workers (default 4)
    BENCH_BOOKING_GETS         requests per GET-throughput series (default 600)
    BENCH_BOOKING_GET_BLOCKS   turns in which booking page and bare route take turns (default 4)
    BENCH_BOOKING_CONCURRENCY  concurrent clients in the GET-throughput series (default 32)
    BENCH_REDIS_URL            the rate limiter's storage (default redis://127.0.0.1:6379)
    BENCH_DATABASES            default "sqlite,postgresql"
    BENCH_POSTGRES_URL         default postgresql+psycopg://postgres@127.0.0.1:5432/test
    BENCH_QUICK                1: a smoke run (1 round, 200 candidates, 200 GETs), README left alone
    BENCH_README               0 leaves bench/README.md alone
"""

import contextlib
import http.client
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._common import (  # noqa: E402
    DATA,
    DATABASES,
    GUNICORN,
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
    percentile,
    quick,
    rounds,
    spread,
    stop_server,
    write_readme_enabled,
    write_section,
)
from bench.bare_app import BARE_PATH, BARE_PREFIX  # noqa: E402

TARGET_RATIO = 0.5
HOST = "127.0.0.1"
TIMEOUT = 60.0
PORTAL = "bench.portal_with_bare:app"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
_CSRF = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')
_SESSION_COOKIES = ("session=", "__Host-session=")  # development, production
_SLOT = re.compile(r'name="slot" id="slot-\d+" value="(\d+)"')
TOPICS = ["went_well", "improve", "cv_profile"]
QUESTIONS = ["", "", "", "Wat had ik in mijn motivatiebrief anders kunnen doen?",
             "Ik wil graag weten hoe ik mijn ervaring op de IC beter kan laten zien."]


@dataclass
class Series:
    """Requests of one kind of load: their latencies and statuses, and the wall time they took."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # no HTTP answer at all (reset, timeout)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def record(self, latency: float, status: int) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.statuses[status] += 1

    def add(self, other: "Series") -> None:
        """Take in the requests of ``other``, a later block of the same series."""
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.failures.update(other.failures)
        self.seconds += other.seconds


@dataclass
class Round:
    get_page: Series
    get_bare: Series  # the bare route of the same server: the issue's baseline
    get_ratios: list[float]  # booking page / bare route, per pair of blocks side by side
    get_bare_app: Series  # the same template from a Flask app of its own, for reference
    burst: Series
    burst_bare: Series
    bookings: int
    booked_posts: int
    slots_booked_twice: int
    retries: int
    gave_up: int
    no_slot_left: int
    page_bytes: int
    bare_bytes: int
    inside: "InProcess"

    @property
    def problems(self) -> list[str]:
        problems = []
        for name, series in (("GET series", self.get_page), ("burst", self.burst)):
            if series.server_errors:
                problems.append(f"{series.server_errors} server errors (5xx) in the {name}")
            if series.failures:
                problems.append(f"{sum(series.failures.values())} requests without an answer in the {name}")
            if series.statuses[429]:
                problems.append(f"{series.statuses[429]} answers 429 in the {name}: the limiter refused the benchmark")
        return problems


@dataclass
class DatabaseResult:
    name: str
    version: str = ""
    rounds: list[Round] = field(default_factory=list)
    error: str = ""


# --- an HTTP client that behaves like a browser, minus the browser --------------------------------

_ADDRESSES = iter(range(1, 1 << 24))  # 10.0.0.1 onwards: one client address per visitor
_ADDRESSES_LOCK = threading.Lock()


def new_address() -> str:
    """A client address nobody else in this run has (the proxy in front of the server passes it on)."""
    with _ADDRESSES_LOCK:
        n = next(_ADDRESSES)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Visitor:
    """One person's browser: their address, their session cookie, and requests that record into a Series."""

    def __init__(self, port: int, series: Series):
        self.port, self.series, self.cookie, self.address = port, series, "", new_address()

    def new_person(self) -> None:
        """The next request is someone else's: another address, no cookie."""
        self.cookie, self.address = "", new_address()

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, body, Location). A request that gets no answer is counted and returns status 0."""
        headers = {"Connection": "close", "Accept-Language": "nl", "X-Forwarded-For": self.address}
        body = None
        if self.cookie:
            headers["Cookie"] = self.cookie
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            with self.series.lock:
                self.series.failures[type(exc).__name__] += 1
            return 0, "", ""
        finally:
            connection.close()
        self.series.record(time.perf_counter() - began, response.status)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith(_SESSION_COOKIES):
                self.cookie = value.split(";", 1)[0]
        location = response.getheader("Location", "")
        if location.startswith("http"):
            location = "/" + location.split("/", 3)[3]
        return response.status, text, location


def choose(slots: list[str], rng: random.Random) -> str:
    """Most people take one of the first times shown; a few look further down the list."""
    weights = [0.8**index for index in range(len(slots))]
    return rng.choices(slots, weights=weights)[0]


@dataclass
class BurstTally:
    booked: int = 0
    retries: int = 0
    gave_up: int = 0  # three times "just taken"
    no_slot_left: int = 0  # the page they got showed no free slot any more (they would join the waitlist)
    lock: threading.Lock = field(default_factory=threading.Lock)


def candidate_clicks(port: int, token: str, series: Series, tally: BurstTally, rng: random.Random) -> None:
    """Open the link from the e-mail, pick a time, and book it; after "just taken", try again (twice at most)."""
    visitor = Visitor(port, series)
    status, page, _ = visitor.request("GET", f"/b/{token}")
    for attempt in range(3):
        slots, csrf = _SLOT.findall(page), _CSRF.search(page)
        if status not in (200, 409) or not slots or not csrf:
            with tally.lock:
                tally.no_slot_left += 1
            return
        if attempt:
            with tally.lock:
                tally.retries += 1
        form = {"csrf_token": csrf.group(1), "slot": choose(slots, rng),
                "topics": rng.sample(TOPICS, rng.randint(1, 2)), "question": rng.choice(QUESTIONS)}
        status, page, location = visitor.request("POST", f"/b/{token}/book", form)
        if status == 302:
            if location.endswith("/confirmed"):
                with tally.lock:
                    tally.booked += 1
            visitor.request("GET", location)
            return
        # 409: the slot was just taken; the page shows what is still free.
    with tally.lock:
        tally.gave_up += 1


def burst(port: int, tokens: list[str], seed: int) -> tuple[Series, BurstTally]:
    """Every candidate at once: one thread each, released together."""
    series, tally = Series(), BurstTally()
    start = threading.Barrier(len(tokens) + 1)

    def run(token: str, rng: random.Random) -> None:
        start.wait()
        candidate_clicks(port, token, series, tally, rng)

    threads = [threading.Thread(target=run, args=(token, random.Random(seed * 100_003 + n)), daemon=True)
               for n, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    _join(threads)
    series.seconds = time.perf_counter() - began
    return series, tally


def bare_burst(port: int, paths: list[str], requests: int) -> Series:
    """The bare route's burst of the same shape: a client per path, all at once, ``requests`` in all."""
    clients = len(paths)
    series = Series()
    start = threading.Barrier(clients + 1)
    shares = [requests // clients + (1 if n < requests % clients else 0) for n in range(clients)]

    def run(path: str, share: int) -> None:
        visitor = Visitor(port, series)
        start.wait()
        for _ in range(share):
            visitor.request("GET", path)

    threads = [threading.Thread(target=run, args=(path, share), daemon=True)
               for path, share in zip(paths, shares, strict=True)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    _join(threads)
    series.seconds = time.perf_counter() - began
    return series


def get_series(port: int, paths: list[str], requests: int, concurrency: int) -> Series:
    """``requests`` GETs over ``paths`` in turn, by ``concurrency`` clients that each wait for their answer."""
    series = Series()
    counter = iter(range(requests))
    counter_lock = threading.Lock()

    def run() -> None:
        visitor = Visitor(port, series)
        while True:
            with counter_lock:
                n = next(counter, None)
            if n is None:
                return
            visitor.new_person()  # each GET is someone opening their link for the first time
            visitor.request("GET", paths[n % len(paths)])

    threads = [threading.Thread(target=run, daemon=True) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    _join(threads)
    series.seconds = time.perf_counter() - began
    return series


def side_by_side(port: int, paths: list[str], bare_paths: list[str],
                 settings: dict) -> tuple[Series, Series, list[float]]:
    """The booking page and the bare route in turns, ``get_blocks`` blocks each (page first, then bare),
    so that a machine that gets busier or quieter meanwhile weighs on both alike. Returns both series
    and the ratio of each pair of blocks."""
    page, bare, ratios = Series(), Series(), []
    blocks = settings["get_blocks"]
    share = settings["get_requests"] // blocks
    for block in range(blocks):
        offset = block * share
        ours = get_series(port, paths[offset:] + paths[:offset], share, settings["concurrency"])
        theirs = get_series(port, bare_paths[offset:] + bare_paths[:offset], share, settings["concurrency"])
        ratios.append(ours.rate / theirs.rate)
        page.add(ours)
        bare.add(theirs)
    return page, bare, ratios


def _join(threads: list[threading.Thread]) -> None:
    deadline = time.monotonic() + 600
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("clients still running after 10 minutes")


# --- the servers -----------------------------------------------------------------------------------

@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int):
    """gunicorn serving ``app_spec`` on a free port of 127.0.0.1; stopped (SIGTERM to its master) afterwards."""
    port = free_port()
    log = open(DATA / "gunicorn.log", "ab")  # noqa: SIM115 (closed when the server stops)
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--bind", f"{HOST}:{port}", "--backlog", "2048",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(port, process)
        yield port
    finally:
        stop_server(process, log)


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see bench/.data/gunicorn.log")
        with contextlib.suppress(OSError), socket_connection(port):
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 60 s")


@contextlib.contextmanager
def socket_connection(port: int):
    import socket

    with socket.create_connection((HOST, port), timeout=1) as s:
        yield s


def warm_up(port: int, paths: list[str], workers: int) -> int:
    """Enough requests that every worker has compiled its templates and opened its connections; returns
    the size in bytes of the first page."""
    series = Series()
    visitor = Visitor(port, series)
    size = 0
    for n in range(workers * 8):
        status, body, _ = visitor.request("GET", paths[n % len(paths)])
        if status != 200:
            raise RuntimeError(f"warm-up: GET {paths[n % len(paths)]} answered {status}")
        size = size or len(body.encode())
        visitor.new_person()
    return size


# --- the portal's data -----------------------------------------------------------------------------

def seed(app, candidates: int, slots: int) -> list[str]:
    """One published session of ``slots`` 15-minute slots two weeks ahead, and ``candidates`` candidates
    with a personal link each (85 % Dutch, 15 % English, as in the reference practice)."""
    from app.database import utcnow
    from app.extensions import db
    from app.models import Candidate, FeedbackSessionStatus, Stage
    from app.sessions.planning import create_session
    from app.timeutil import local
    from app.tokens import issue_invitation

    rng = random.Random(7)
    with app.app_context():
        day = local(utcnow()).date() + timedelta(days=14)
        start = clock(8, 0)
        end_minutes = 8 * 60 + 15 * slots
        feedback_session = create_session(
            day=day, start=start, end=clock(end_minutes // 60, end_minutes % 60), slot_minutes=15,
            location="Spreekkamer 3, polikliniek", video_url="https://meet.example.org/feedbackuur",
            status=FeedbackSessionStatus.PUBLISHED,
        )
        assert len(feedback_session.slots) == slots, len(feedback_session.slots)
        tokens = []
        for n in range(1, candidates + 1):
            candidate = Candidate(
                name=f"Kandidaat{n} de Vries", email=f"kandidaat{n}@example.org",
                vacancy=rng.choice(["Verpleegkundige IC", "Medewerker patiëntenadministratie", "Fysiotherapeut",
                                    "Data-analist", "Teamleider facilitair"]),
                department="Zorg", stage=rng.choice(list(Stage)),
                rejected_on=day - timedelta(days=20), language="en" if rng.random() < 0.15 else "nl",
                invited_at=utcnow(),
            )
            db.session.add(candidate)
            db.session.flush()
            tokens.append(issue_invitation(candidate))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens


def check_bookings(app) -> tuple[int, int]:
    """(bookings made, slots booked more than once), read from the database after the burst."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Booking, BookingStatus

    with app.app_context():
        rows = db.session.execute(
            sa.select(Booking.slot_id, sa.func.count()).where(Booking.status == BookingStatus.BOOKED)
            .group_by(Booking.slot_id)
        ).all()
        db.session.remove()
        db.engine.dispose()
    return sum(n for _, n in rows), sum(1 for _, n in rows if n > 1)


@dataclass
class InProcess:
    """One GET without HTTP or gunicorn, through Flask's test client, per request."""

    page_ms: float
    sql_ms: float
    statements: float
    bare_ms: float  # the bare route in the portal
    bare_app_ms: float  # the bare app


def in_process(app, tokens: list[str], requests: int = 60, blocks: int = 3) -> InProcess:
    """Where the time of a booking page goes: all of it, the part spent waiting for SQL statements, and the
    bare route and the bare app for comparison, in turns of ``requests // blocks``. Single-threaded, so
    nothing here waits for a lock. Registers the bare route on ``app``, which must not have served yet."""
    import sqlalchemy as sa

    from app.extensions import db
    from bench.bare_app import app as bare_app
    from bench.bare_app import with_bare_route

    with_bare_route(app)
    spent = {"sql": 0.0, "statements": 0, "page": 0.0, "bare": 0.0, "bare_app": 0.0}

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_began"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent["sql"] += time.perf_counter() - conn.info.pop("bench_began", time.perf_counter())
        spent["statements"] += 1

    with app.app_context():
        engine = db.engine
    client, standalone = app.test_client(), bare_app.test_client()
    pages = {"page": (client, [f"/b/{t}" for t in tokens]), "bare": (client, [BARE_PREFIX + t for t in tokens]),
             "bare_app": (standalone, [BARE_PATH])}

    def timed(kind: str, count: int, offset: int) -> None:
        browser, paths = pages[kind]
        began = time.perf_counter()
        for n in range(offset, offset + count):
            browser.delete_cookie("session")  # each a first visit
            assert browser.get(paths[n % len(paths)]).status_code == 200
        spent[kind] += time.perf_counter() - began

    for kind in pages:
        timed(kind, 10, 0)
    spent["page"] = spent["bare"] = spent["bare_app"] = 0.0
    share = requests // blocks
    for block in range(blocks):
        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        try:
            timed("page", share, block * share)
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
            sa.event.remove(engine, "after_cursor_execute", after)
        timed("bare", share, block * share)
        timed("bare_app", share, block * share)
    with app.app_context():
        db.session.remove()
    n = share * blocks
    return InProcess(spent["page"] / n * 1000, spent["sql"] / n * 1000, spent["statements"] / n,
                     spent["bare"] / n * 1000, spent["bare_app"] / n * 1000)


# --- one database ----------------------------------------------------------------------------------

def production_env(url: str) -> dict[str, str]:
    """The server's settings: production, the rate limits on and counted in Redis, one proxy hop trusted."""
    return {"FLASK_SQLALCHEMY_DATABASE_URI": url, "FLASK_SECRET_KEY": "bench-booking-burst-" + "k" * 32,
            "FLASK_DEPLOYMENT": "production", "FLASK_RATELIMIT_ENABLED": "true",
            "FLASK_RATELIMIT_STORAGE_URI": REDIS_URL, "FLASK_PROXY_FIX_HOPS": "1",
            "FLASK_MAIL_FOLDER": str(DATA / "mail"), "FLASK_PORTAL_URL": "https://portal.example.org"}


def check_redis() -> None:
    """The limiter's storage must answer, or every page would fail (Flask-Limiter needs it in production)."""
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()


def bench_database(name: str, settings: dict, bare_app_port: int) -> DatabaseResult:
    result = DatabaseResult(name)
    for number in rounds(settings["runs"], settings["budget"]):
        with DATABASES[name]("booking") as url:
            app = migrated_app(url)
            result.version = result.version or database_version(app)
            tokens = seed(app, settings["candidates"], settings["slots"])
            env = production_env(url)
            paths = [f"/b/{token}" for token in tokens]
            inside = in_process(app, tokens)
            bare_paths = [BARE_PREFIX + token for token in tokens]
            with gunicorn(PORTAL, env, settings["workers"]) as port:
                page_bytes = warm_up(port, paths, settings["workers"])
                bare_bytes = warm_up(port, bare_paths, settings["workers"])
                warm_up(bare_app_port, [BARE_PATH], settings["workers"])
                # Side by side: the booking page, the bare route, the bare app; the burst, the bare route's burst.
                get_page, get_bare, get_ratios = side_by_side(port, paths, bare_paths, settings)
                get_bare_app = get_series(bare_app_port, [BARE_PATH], settings["get_requests"],
                                          settings["concurrency"])
                series, tally = burst(port, tokens, seed=number)
                bare = bare_burst(port, bare_paths, series.requests)
            bookings, doubled = check_bookings(app)
            round_ = Round(get_page, get_bare, get_ratios, get_bare_app, series, bare, bookings, tally.booked, doubled,
                           tally.retries, tally.gave_up, tally.no_slot_left, page_bytes, bare_bytes, inside)
            result.rounds.append(round_)
            print(f"[{name}] round {number}: GET booking page {get_page.rate:.0f}/s vs bare route "
                  f"{get_bare.rate:.0f}/s (bare app {get_bare_app.rate:.0f}/s); "
                  f"burst {series.requests} requests in {series.seconds:.1f} s = {series.rate:.0f}/s "
                  f"(p50 {series.pct(50):.0f} ms, p95 {series.pct(95):.0f} ms, p99 {series.pct(99):.0f} ms) "
                  f"vs bare {bare.rate:.0f}/s; bookings {bookings}, statuses {dict(sorted(series.statuses.items()))}"
                  f"{'; ' + '; '.join(round_.problems) if round_.problems else ''}", flush=True)
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()
    return result


# --- the report ------------------------------------------------------------------------------------

def report(results: list[DatabaseResult], settings: dict, started, load, total_s: float) -> str:
    lines = [
        machine_line(started, load, total_s),
        "",
        f"Setting: gunicorn {settings['workers']} sync workers on 127.0.0.1; one published session with "
        f"**{settings['slots']} slots**, **{settings['candidates']} candidates** with a personal link each. "
        f"Up to {settings['runs']} rounds per database, each on a fresh database, as many as fit in "
        f"{settings['budget']} s per database (column Rounds); every figure is the **median of the rounds** (the "
        f"rounds one by one in the last column). The client runs on the same machine (threads, `http.client`, a "
        f"new connection per request). **Production settings** (`FLASK_DEPLOYMENT=production`) with **the rate "
        f"limits on, counted in Redis** (`{REDIS_URL}`), behind one trusted proxy hop: every visitor has a client "
        f"address of its own (`X-Forwarded-For`), so each request pays the limiter's check and none is refused "
        f"(a 429 fails the run). CSRF on.",
        "",
        f"**GET throughput**: {settings['get_requests']:,} requests each at {settings['concurrency']} concurrent "
        "clients: the booking page of the candidates in turn (each a first visit, no cookie) and the bare route "
        "on the same server (`bench/portal_with_bare.py`: the portal plus a route rendering "
        "`bench/templates/bare.html`, a template of about the same size, from constants, without database, "
        f"session or forms), the issue's baseline, side by side in {settings['get_blocks']} turns of "
        f"{settings['get_requests'] // settings['get_blocks']} each; the ratio is the median of the turns' ratios. "
        "Then, for reference, the same template from a Flask app of its own (`bench/bare_app.py`) under the "
        "same gunicorn settings.",
        "",
        "| Database | Rounds | Booking page | Bare route, same server | Ratio (target ≥ 0.5) | Met | "
        "Bare app (reference) | Ratio to the bare app | Booking page p50 / p95 / p99 | Size booking / bare | "
        "Ratio per round |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r.error:
            lines.append(f"| {r.name} | | not run: {r.error} | | | | | | | | |")
            continue
        rounds = r.rounds
        ratios = [median(x.get_ratios) for x in rounds]
        lines.append(
            f"| {r.version} | {len(rounds)} | {median([x.get_page.rate for x in rounds]):.0f} req/s | "
            f"{median([x.get_bare.rate for x in rounds]):.0f} req/s | {median(ratios):.2f} | "
            f"{'yes' if median(ratios) >= TARGET_RATIO else '**no**'} | "
            f"{median([x.get_bare_app.rate for x in rounds]):.0f} req/s | "
            f"{median([x.get_page.rate / x.get_bare_app.rate for x in rounds]):.2f} | "
            f"{median([x.get_page.pct(50) for x in rounds]):.0f} / {median([x.get_page.pct(95) for x in rounds]):.0f}"
            f" / {median([x.get_page.pct(99) for x in rounds]):.0f} ms | "
            f"{median([x.page_bytes for x in rounds]) / 1000:.1f} / {median([x.bare_bytes for x in rounds]) / 1000:.1f}"
            f" kB | {spread(ratios, '{:.2f}')} |")
    lines += [
        "",
        f"**The burst**: all {settings['candidates']} candidates at once, each: GET their page, POST a booking "
        "(CSRF token from the form, session cookie), after 409 \"just taken\" another slot from the page they get "
        "back (at most twice), and after success the redirect to the confirmation page. The bare route then gets "
        "a burst of the same shape: as many clients at once and the same number of requests in all. Requests "
        "per second count every request of the burst; latencies are per request, from connecting to the last "
        "byte, queueing in gunicorn's backlog included.",
        "",
        "| Database | Requests | Burst | Bare burst | Ratio (target ≥ 0.5) | Met | p50 / p95 / p99 | Bookings "
        f"(must be {settings['slots']}) | 5xx (must be 0) | Statuses | Retries / gave up / no slot left | "
        "Burst req/s per round |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---|",
    ]
    for r in results:
        if r.error:
            lines.append(f"| {r.name} | not run: {r.error} | | | | | | | | | | |")
            continue
        rounds = r.rounds
        ratios = [x.burst.rate / x.burst_bare.rate for x in rounds]
        statuses = Counter()
        for x in rounds:
            statuses.update(x.burst.statuses)
        bookings = sorted({x.bookings for x in rounds})
        lines.append(
            f"| {r.version} | {median([x.burst.requests for x in rounds]):.0f} | "
            f"{median([x.burst.rate for x in rounds]):.0f} req/s | {median([x.burst_bare.rate for x in rounds]):.0f} "
            f"req/s | {median(ratios):.2f} | {'yes' if median(ratios) >= TARGET_RATIO else '**no**'} | "
            f"{median([x.burst.pct(50) for x in rounds]):.0f} / {median([x.burst.pct(95) for x in rounds]):.0f} / "
            f"{median([x.burst.pct(99) for x in rounds]):.0f} ms | "
            f"{'/'.join(str(b) for b in bookings)} in every round | "
            f"{sum(x.burst.server_errors for x in rounds)} | "
            f"{', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))} (all rounds) | "
            f"{median([x.retries for x in rounds]):.0f} / {median([x.gave_up for x in rounds]):.0f} / "
            f"{median([x.no_slot_left for x in rounds]):.0f} | "
            f"{spread([x.burst.rate for x in rounds])} |")
    lines += [
        "",
        "Statuses: 200 the pages, 302 a booking made (then its confirmation page, 200), 409 \"just taken\". "
        "Bookings are counted in the database after each round (status booked, and no slot twice); the "
        "benchmark fails if a round has other than "
        f"{settings['slots']} or any 5xx. Retries: bookings tried again after \"just taken\"; gave up: three "
        "times \"just taken\"; no slot left: the page they got showed no free time any more (they would join "
        "the waitlist).",
        "",
        "**Where the time goes**: the booking page, the bare route and the bare app in one process through "
        "Flask's test client (no HTTP, no gunicorn, one request at a time, in turns), per request; SQL is the "
        "time between SQLAlchemy's before- and after-cursor-execute events.",
        "",
        "| Database | Booking page | of which SQL | Statements | Rest (routing, forms, template, cookie) | "
        "Bare route | Bare app | Booking / bare route speed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.error or not r.rounds:
            continue
        inside = [x.inside for x in r.rounds]
        page, sql = median([i.page_ms for i in inside]), median([i.sql_ms for i in inside])
        bare = median([i.bare_ms for i in inside])
        lines.append(
            f"| {r.version} | {page:.1f} ms | {sql:.1f} ms | {median([i.statements for i in inside]):.0f} | "
            f"{page - sql:.1f} ms | {bare:.1f} ms | {median([i.bare_app_ms for i in inside]):.1f} ms | "
            f"{bare / page:.2f} |")
    return "\n".join(lines)


def main() -> int:
    exit_on_sigterm()
    settings = {
        "runs": env_int("BENCH_BOOKING_ROUNDS", 3, 1),
        "budget": env_int("BENCH_BOOKING_BUDGET", 180),
        "candidates": env_int("BENCH_BOOKING_CANDIDATES", 500, 200),
        "slots": env_int("BENCH_BOOKING_SLOTS", 40),
        "workers": env_int("BENCH_BOOKING_WORKERS", 4),
        "get_requests": env_int("BENCH_BOOKING_GETS", 600, 200),
        "get_blocks": env_int("BENCH_BOOKING_GET_BLOCKS", 4, 1),
        "concurrency": env_int("BENCH_BOOKING_CONCURRENCY", 32),
    }
    DATA.mkdir(parents=True, exist_ok=True)
    check_redis()
    started, load, clock_ = now_utc(), os.getloadavg(), time.perf_counter()
    results: list[DatabaseResult] = []
    with gunicorn("bench.bare_app:app", {}, settings["workers"]) as bare_app_port:
        for name in databases():
            try:
                results.append(bench_database(name, settings, bare_app_port))
            except Exception as exc:  # e.g. no PostgreSQL server: report it and go on with the next database
                print(f"[{name}] failed: {exc!r}", flush=True)
                results.append(DatabaseResult(name, error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"))
    section = report(results, settings, started, load, time.perf_counter() - clock_)
    print()
    print(section)
    if write_readme_enabled() and not quick():
        write_section("booking", section)
    broken = [f"{r.name} round {n}: {problem}" for r in results for n, x in enumerate(r.rounds, 1)
              for problem in x.problems]
    broken += [f"{r.name} round {n}: {x.bookings} bookings instead of {settings['slots']}"
               for r in results for n, x in enumerate(r.rounds, 1) if x.bookings != settings["slots"]]
    broken += [f"{r.name} round {n}: {x.slots_booked_twice} slots booked twice"
               for r in results for n, x in enumerate(r.rounds, 1) if x.slots_booked_twice]
    for line in broken:
        print(f"FAILED {line}")
    return 1 if broken or any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
