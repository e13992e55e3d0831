"""10,000 booking confirmations with their calendar invitation, sent by the real worker: ``make bench-mail``

On a fresh database the benchmark queues 10,000 confirmations through the real notification path
(``app.mail.notifications.notify_booking_confirmed``: both bodies rendered in the candidate's language, the
``.ics`` from ``app.mail.ics.booking_invitation``) for 10,000 bookings in 250 sessions of 40 slots, and
keeps a copy of the queued rows. An SMTP server (aiosmtpd on 127.0.0.1, in a process of its own so that it
competes with both senders alike) accepts and counts.

Then every message is sent twice, in blocks (20 blocks of 500 by default), side by side:

- by the worker: the block's rows become due and ``app.mail.worker.send_due()`` runs, exactly as
  ``flask mail send`` runs it (claim a batch with a lease, build each MIME message with
  ``app.mail.outbox.build_message``, deliver it, record the result); the other queued rows wait;
- by the bare loop: the same rows (read beforehand from the copy), one ``smtplib.SMTP`` connection and
  ``sendmail(build_message(row).as_bytes())`` for each; no database, no bookkeeping.

Which of the two goes first alternates from block to block, so that a noisy neighbour on the machine hurts
both alike; the ratio is the median of the blocks' ratios. Both must deliver every message (the server's
count says so). The target: the worker reaches at least 70 % of the bare loop's rate.

Environment (see bench/README.md):
    BENCH_MAIL_MESSAGES   messages (default 10000)
    BENCH_MAIL_BLOCKS     blocks, each sent by both (default 20)
    BENCH_DATABASES       default "postgresql" (the production database); "sqlite,postgresql" for both
    BENCH_POSTGRES_URL    default postgresql+psycopg://postgres@127.0.0.1:5432/test
    BENCH_QUICK           1: a smoke run (1,000 messages in 4 blocks), README left alone
    BENCH_README          0 leaves bench/README.md alone
"""

import contextlib
import multiprocessing
import os
import random
import smtplib
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._common import (  # noqa: E402
    DATA,
    DATABASES,
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
    write_readme_enabled,
    write_section,
)

TARGET_RATIO = 0.7
SLOTS_PER_SESSION = 40
PRISTINE = "bench_outbox_pristine"


# --- a counting SMTP server in a process of its own ------------------------------------------------

def _serve(port: int, count, size, ready, stop) -> None:
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, feedback_session, envelope):
            with count.get_lock():
                count.value += 1
            with size.get_lock():
                size.value += len(envelope.original_content or envelope.content or b"")
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait(3600)
    controller.stop()


class CountingServer:
    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self._count, self._size = context.Value("q", 0), context.Value("q", 0)
        self._ready, self._stop = context.Event(), context.Event()
        self._process = context.Process(
            target=_serve, args=(self.port, self._count, self._size, self._ready, self._stop), daemon=True,
        )

    def __enter__(self) -> "CountingServer":
        self._process.start()
        if not self._ready.wait(30):
            raise RuntimeError("the SMTP server did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()

    @property
    def count(self) -> int:
        return self._count.value

    @property
    def size(self) -> int:
        return self._size.value


# --- the queue -------------------------------------------------------------------------------------

def queue_confirmations(app, messages: int) -> float:
    """``messages`` bookings and their confirmations through notify_booking_confirmed; returns seconds
    spent queueing (rendering and writing the outbox rows)."""
    from app.database import utcnow
    from app.extensions import db
    from app.mail.notifications import notify_booking_confirmed
    from app.models import Booking, Candidate, FeedbackSessionStatus, Stage
    from app.sessions.planning import create_session
    from app.timeutil import local
    from app.tokens import issue_invitation

    rng = random.Random(11)
    with app.app_context():
        first = local(utcnow()).date() + timedelta(days=14)
        sessions = -(-messages // SLOTS_PER_SESSION)
        slots = []
        for n in range(sessions):
            feedback_session = create_session(
                day=first + timedelta(days=n), start=clock(8, 0), end=clock(18, 0), slot_minutes=15,
                location="Spreekkamer 3, polikliniek", video_url="https://meet.example.org/feedbackuur",
                status=FeedbackSessionStatus.PUBLISHED,
            )
            slots += feedback_session.slots
        db.session.flush()
        pairs = []
        for n in range(messages):
            candidate = Candidate(
                name=f"Kandidaat{n} de Vries", email=f"kandidaat{n}@example.org", vacancy="Verpleegkundige IC",
                department="Intensive Care", stage=rng.choice(list(Stage)), rejected_on=first - timedelta(days=30),
                language="en" if rng.random() < 0.15 else "nl",
            )
            booking = Booking(candidate=candidate, slot=slots[n], topics=["improve"], question="",
                              uid=f"{uuid.uuid4()}@feedbackspreekuur", sequence=0)
            db.session.add_all([candidate, booking])
            pairs.append((candidate, booking))
        db.session.flush()
        tokens = [issue_invitation(candidate) for candidate, _ in pairs]
        db.session.commit()
        began = time.perf_counter()
        for n, ((_, booking), token) in enumerate(zip(pairs, tokens, strict=False), 1):
            notify_booking_confirmed(booking, token)
            if n % 1000 == 0:
                db.session.commit()
        db.session.commit()
        seconds = time.perf_counter() - began
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE TABLE {PRISTINE} AS SELECT * FROM outbox_message")
        db.session.remove()
    return seconds


def hold_all(app) -> list[int]:
    """Every queued message waits (due far in the future); returns their ids in order."""
    import sqlalchemy as sa

    from app.database import utcnow
    from app.extensions import db
    from app.models import OutboxMessage

    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() + timedelta(days=365)))
        ids = list(db.session.scalars(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)))
        db.session.commit()
        db.session.remove()
    return ids


# --- the two senders, one block at a time ------------------------------------------------------------

def run_worker(app, server: CountingServer, ids: list[int]) -> float:
    """The block's messages become due; send_due() as the mail worker runs it. Returns seconds."""
    import sqlalchemy as sa

    from app.database import utcnow
    from app.extensions import db
    from app.mail.worker import send_due
    from app.models import OutboxMessage

    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.between(ids[0], ids[-1]))
                           .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        db.session.remove()
        before = server.count
        began = time.perf_counter()
        report = send_due()
        seconds = time.perf_counter() - began
        db.session.remove()
    delivered = server.count - before
    if report.sent != len(ids) or delivered != len(ids) or report.retrying or report.failed:
        raise RuntimeError(f"worker: {report}, server received {delivered} of {len(ids)}")
    return seconds


def run_bare(app, server: CountingServer, ids: list[int]) -> float:
    """One smtplib connection, the same rows as queued, sendmail(build_message(row).as_bytes()). Returns seconds."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.mail.outbox import build_message
    from app.models import OutboxMessage

    with app.app_context():
        rows = [OutboxMessage(**row) for row in db.session.execute(
            sa.text(f"SELECT * FROM {PRISTINE} WHERE id BETWEEN :low AND :high ORDER BY id"),
            {"low": ids[0], "high": ids[-1]}).mappings()]
        db.session.remove()
        config = app.config
        before = server.count
        began = time.perf_counter()
        server_address = config["MAIL_SERVER"], int(config["MAIL_PORT"])
        with smtplib.SMTP(*server_address, timeout=float(config["MAIL_TIMEOUT"])) as smtp:
            for row in rows:
                message = build_message(row)
                smtp.sendmail(message.sender, [row.to_address], message.as_bytes())
        seconds = time.perf_counter() - began
    delivered = server.count - before
    if delivered != len(ids):
        raise RuntimeError(f"bare loop: server received {delivered} of {len(ids)}")
    return seconds


# --- one database ----------------------------------------------------------------------------------

@dataclass
class DatabaseResult:
    name: str
    version: str = ""
    queue_s: float = 0.0
    message_kb: float = 0.0
    worker_s: list[float] = field(default_factory=list)  # per block
    bare_s: list[float] = field(default_factory=list)
    block_size: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def ratios(self) -> list[float]:
        """Per block: the worker's rate over the bare loop's."""
        return [bare / worker for worker, bare in zip(self.worker_s, self.bare_s, strict=False)]

    @property
    def worker_rate(self) -> float:
        return sum(self.block_size) / sum(self.worker_s)

    @property
    def bare_rate(self) -> float:
        return sum(self.block_size) / sum(self.bare_s)


def bench_database(name: str, messages: int, blocks: int) -> DatabaseResult:
    result = DatabaseResult(name)
    with DATABASES[name]("mail") as url, CountingServer() as server:
        app = migrated_app(url, MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=10)
        result.version = database_version(app)
        print(f"[{name}] queueing {messages:,} confirmations ...", flush=True)
        result.queue_s = queue_confirmations(app, messages)
        print(f"[{name}] queued in {result.queue_s:.1f} s", flush=True)
        ids = hold_all(app)
        size = -(-len(ids) // blocks)
        for number, start in enumerate(range(0, len(ids), size), 1):
            block = ids[start:start + size]
            order = [("bare", run_bare), ("worker", run_worker)]
            if number % 2 == 0:
                order.reverse()
            seconds = {}
            for label, run in order:
                bytes_before = server.size
                seconds[label] = run(app, server, block)
                result.message_kb = (server.size - bytes_before) / len(block) / 1000
            result.worker_s.append(seconds["worker"])
            result.bare_s.append(seconds["bare"])
            result.block_size.append(len(block))
            print(f"[{name}] block {number}: worker {len(block) / seconds['worker']:.0f}/s, bare loop "
                  f"{len(block) / seconds['bare']:.0f}/s, ratio {seconds['bare'] / seconds['worker']:.2f}", flush=True)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    return result


def report(results: list[DatabaseResult], messages: int, blocks: int, started, load, total_s: float) -> str:
    lines = [
        machine_line(started, load, total_s),
        "",
        f"**{messages:,} booking confirmations**, each with its calendar invitation (a `text/calendar` "
        "alternative and an `invite.ics` attachment), queued through `notify_booking_confirmed` and sent to "
        "aiosmtpd on 127.0.0.1 (its own process; it only counts). Every message is sent twice, by the worker "
        f"and by the bare loop, in {blocks} blocks side by side (which goes first alternates); e-mails per "
        "second over all messages, the ratio as the **median of the blocks' ratios** (the spread: lowest, "
        "median, highest).",
        "",
        "| Database | Worker (`send_due`) | Bare smtplib loop | Ratio (target ≥ 0.70) | Met | Ratio low / median / "
        "high | Ratio of the totals | Message size | Queueing |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.error:
            lines.append(f"| {r.name} | not run: {r.error} | | | | | | | |")
            continue
        ratio = median(r.ratios)
        lines.append(
            f"| {r.version} | {r.worker_rate:.0f} e-mails/s | {r.bare_rate:.0f} e-mails/s | {ratio:.2f} | "
            f"{'yes' if ratio >= TARGET_RATIO else '**no**'} | {min(r.ratios):.2f} / {ratio:.2f} / "
            f"{max(r.ratios):.2f} | {r.worker_rate / r.bare_rate:.2f} | {r.message_kb:.1f} kB | "
            f"{r.queue_s:.0f} s ({sum(r.block_size) / r.queue_s:.0f} e-mails/s) |")
    lines += [
        "",
        "The worker: the block's rows become due and `send_due()` runs as `flask mail send` does: batches of "
        "50 claimed with a lease and read at once, one SMTP connection for the run, each message checked to be "
        "still leased right before it is sent (in the same statement that records the previous result, "
        "committed on its own; on PostgreSQL without waiting for the disk). The bare loop: the same rows, "
        "read beforehand, one `smtplib.SMTP` connection per block and `sendmail(build_message(row).as_bytes())`; no "
        "database. Queueing: `notify_booking_confirmed` for each booking (both bodies and the `.ics` "
        "rendered, the row written; a commit per 1,000).",
    ]
    return "\n".join(lines)


def main() -> int:
    exit_on_sigterm()
    messages = env_int("BENCH_MAIL_MESSAGES", 10_000, 1_000)
    blocks = env_int("BENCH_MAIL_BLOCKS", 20, 4)
    DATA.mkdir(parents=True, exist_ok=True)
    started, load, clock_ = now_utc(), os.getloadavg(), time.perf_counter()
    results = []
    for name in databases(default="postgresql"):
        try:
            results.append(bench_database(name, messages, blocks))
        except Exception as exc:  # e.g. no PostgreSQL server: report it and go on with the next database
            print(f"[{name}] failed: {exc!r}", flush=True)
            results.append(DatabaseResult(name, error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"))
    section = report(results, messages, blocks, started, load, time.perf_counter() - clock_)
    print()
    print(section)
    if write_readme_enabled() and not quick():
        write_section("mail", section)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
