"""The mail worker: claims due outbox rows, sends them, and retries with back-off.

Claiming takes a lease (``locked_until``, held by ``locked_by``) in its own short transaction, so that two
workers never send the same row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's BEGIN IMMEDIATE
serialises the claim), and a worker killed mid-send loses nothing: its lease runs out and another worker
takes the row, or, restarted on the same host, it takes back its own leases at once. The one e-mail it was
sending when it died may then go out twice, under the same Message-ID, so that servers and mail programs
can drop the second copy.

A mail server that cannot be reached or refuses the sign-in is not a failure of the e-mails: the run
pauses, every leased e-mail goes back to waiting without losing an attempt, and the outbox page says why
(``MailServerStatus``) until a connection works again.
"""

import functools
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core.worker import run_rounds
from app.database import utcnow
from app.extensions import db
from app.mail.outbox import build_message, scrub_failed, scrub_sent
from app.mail.transport import Connection, MailServerUnavailable, PermanentFailure, TemporaryFailure
from app.models import MailServerStatus, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)

# Who holds a lease: this host, this process, and a random part that tells this process from an earlier
# one with the same number (a container's worker is often process 1 after every restart).
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    paused: str | None = None  # a MailProblem when the mail server could not be used

    def __str__(self) -> str:
        text = f"sent {self.sent}, will retry {self.retrying}, failed {self.failed}"
        return f"{text}; paused: {self.paused}" if self.paused else text


def claim_due(now: datetime, limit: int, *, after_id: int = 0) -> list[int]:
    """Lease up to ``limit`` due messages with an id above ``after_id`` to this worker and return their ids."""
    due = sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_until < now),
    )
    query = (
        sa.select(OutboxMessage.id).where(due, OutboxMessage.id > after_id).order_by(OutboxMessage.id).limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=OutboxStatus.SENDING, locked_until=now + LEASE, locked_by=WORKER_ID)
        )
    db.session.commit()
    return ids


def take_back_own_leases() -> int:
    """At a worker's start: put back what an earlier worker process on this host leased and never finished
    (it was killed or crashed), at once instead of when the lease runs out. A process still alive keeps
    its leases. Returns how many e-mails wait again."""
    host = WORKER_ID.split(":", 1)[0]
    holders = db.session.scalars(
        sa.select(OutboxMessage.locked_by).distinct()
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_by.like(f"{host}:%")))
    gone = [holder for holder in holders if holder != WORKER_ID and not _alive(holder)]
    taken_back = 0
    if gone:
        taken_back = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_by.in_(gone))
            .values(status=OutboxStatus.PENDING, locked_until=None, locked_by=None)).rowcount
        log.info("mail worker: took back %s e-mail(s) from a worker that ended mid-send", taken_back)
    db.session.commit()
    return taken_back


def _alive(holder: str) -> bool:
    """Whether the worker process named ``holder`` ("host:pid:random", on this host) still runs."""
    try:
        pid = int(holder.split(":")[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False  # an earlier process with this number: this process is not it (WORKER_ID differs)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... times the base delay, capped at six hours."""
    base = timedelta(seconds=current_app.config["MAIL_RETRY_BASE_SECONDS"])
    # Bound the exponent too: a large attempt count would overflow timedelta before the cap applies.
    return min(base * (2 ** min(max(attempts - 1, 0), 20)), MAX_BACKOFF)


def send_due(*, now: datetime | None = None, batch: int = 50) -> SendReport:
    """Send everything that is due now, batch by batch, until nothing is left.

    Each message gets at most one attempt per run: the batches move forward by id, so a message that
    failed and is due again before the run ends (a short back-off) waits for the next run.
    """
    report = SendReport()
    if _pause_continues(now or utcnow()):
        report.paused = mail_server_status().problem
        return report
    last_id = 0
    with Connection() as connection:  # one SMTP connection for the run, reopened if the server drops it
        try:
            while True:
                ids = claim_due(now or utcnow(), batch, after_id=last_id)
                if not ids:
                    break
                last_id = max(ids)
                send_batch(ids, report, connection)
        except MailServerUnavailable as unavailable:
            _pause(unavailable, now or utcnow())
            report.paused = unavailable.problem
            return report
        if connection.reached:
            _resume()
    return report


def send_batch(ids: list[int], report: SendReport, connection: Connection) -> None:
    """Send the leased messages ``ids`` over the SMTP ``connection`` and record each result.

    One database connection serves the batch, and each result is committed on its own (a worker that
    dies mid-batch has recorded what it sent). The batch's messages are read at once; each is checked to be
    still leased and not erased meanwhile right before it is sent, in the same step that records the
    previous result; no transaction (and on SQLite no write lock) is held while talking to SMTP.
    """
    with db.engine.connect() as database:
        postgresql = database.dialect.name == "postgresql"
        if postgresql:
            # Each statement commits on its own: no BEGIN and COMMIT round trips. The step is one statement.
            # Nor does each commit wait for the disk: if the database server itself crashed, the last
            # fraction of a second of results could be lost and those few e-mails sent once more when their
            # lease runs out. A worker that dies loses nothing: what it recorded is committed.
            database = database.execution_options(isolation_level="AUTOCOMMIT")
            database.exec_driver_sql("SET synchronous_commit TO off")
            database.commit()
        try:
            _send_leased(database, connection, ids, report)
        finally:
            if postgresql:
                database.rollback()
                database.exec_driver_sql("RESET synchronous_commit")
                database.commit()


def _send_leased(database: sa.Connection, connection: Connection, ids: list[int], report: SendReport) -> None:
    table = OutboxMessage.__table__
    with database.begin():  # the batch's messages in one read; each is checked again right before it goes
        rows = {row["id"]: row for row in database.execute(
            sa.select(table).where(table.c.id.in_(ids), table.c.status == OutboxStatus.SENDING)).mappings()}
    sent: tuple[int, dict] | None = None  # the result that the next step records
    for position, message_id in enumerate([*ids, None]):
        leased = _record_and_check(database, sent, message_id if message_id in rows else None)
        sent = None
        if not leased:
            continue
        message = OutboxMessage(**rows.pop(message_id))
        try:
            outcome, values = _send_one(message, connection)
        except MailServerUnavailable:
            _release(database, ids[position:])
            raise
        sent = (message.id, values)
        if outcome == "sent":
            report.sent += 1
        elif outcome == "retrying":
            report.retrying += 1
        else:
            report.failed += 1


def _release(database: sa.Connection, ids: list[int]) -> None:
    """Give the leases of ``ids`` back unused: they wait again, with no attempt counted."""
    with database.begin():
        database.execute(
            sa.update(_OUTBOX)
            .where(_OUTBOX.c.id.in_(ids), _OUTBOX.c.status == OutboxStatus.SENDING, _OUTBOX.c.locked_by == WORKER_ID)
            .values(status=OutboxStatus.PENDING, locked_until=None, locked_by=None))


def _record_and_check(database: sa.Connection, sent: tuple[int, dict] | None, message_id: int | None) -> bool:
    """Record the previous message's result (if any) and say whether the next message is still leased
    (status sending: not erased or taken over meanwhile)."""
    params = {"next_id": message_id}
    if sent is not None:
        params.update({"recorded_id": sent[0], **{f"set_{column}": value for column, value in sent[1].items()}})
    with database.begin():
        if sent is not None and message_id is not None and database.dialect.name == "postgresql":
            # One round trip: the UPDATE runs as a data-modifying WITH of the SELECT (another row).
            return database.execute(_record_then_check(tuple(sent[1])), params).first() is not None
        if sent is not None:
            database.execute(_record(tuple(sent[1])), params)
        return message_id is not None and database.execute(_CHECK, params).first() is not None


# The worker's statements, built once (per shape: which columns a result sets) and reused for every message.
_OUTBOX = OutboxMessage.__table__
_CHECK = sa.select(_OUTBOX.c.id).where(_OUTBOX.c.id == sa.bindparam("next_id"),
                                       _OUTBOX.c.status == OutboxStatus.SENDING)


@functools.cache
def _record(fields: tuple[str, ...]) -> sa.Update:
    return (sa.update(_OUTBOX).where(_OUTBOX.c.id == sa.bindparam("recorded_id"))
            .values({column: sa.bindparam(f"set_{column}", type_=_OUTBOX.c[column].type) for column in fields}))


@functools.cache
def _record_then_check(fields: tuple[str, ...]) -> sa.Select:
    return _CHECK.add_cte(_record(fields).cte("recorded"))


def _send_one(message: OutboxMessage, connection: Connection) -> tuple[str, dict]:
    """Deliver ``message``; returns "sent", "retrying" or "failed" and the column values that record it."""
    email = build_message(message)
    outcome, error = "sent", None
    try:
        connection.deliver(email)
    except TemporaryFailure as exc:
        outcome, error = "retrying", str(exc)
    except PermanentFailure as exc:
        outcome, error = "failed", str(exc)

    now = utcnow()
    attempts = message.attempts + 1
    values = {"attempts": attempts, "locked_until": None, "locked_by": None}
    if outcome == "sent":
        scrub_sent(message)
        values.update(status=OutboxStatus.SENT, sent_at=now, last_error=None,
                      body_text=message.body_text, body_html=message.body_html, ics=message.ics)
    else:
        values["last_error"] = error
        # The outbox id only: names and addresses must not outlive an erasure in the logs.
        log.warning("outbox message %s not sent (attempt %s): %s", message.id, attempts, error)
        if outcome == "retrying" and attempts < current_app.config["MAIL_MAX_ATTEMPTS"]:
            values.update(status=OutboxStatus.PENDING, next_attempt_at=now + backoff(attempts))
        else:
            outcome, values["status"] = "failed", OutboxStatus.FAILED
            scrub_failed(message)
            values.update(body_text=message.body_text, body_html=message.body_html, ics=message.ics)
    return outcome, values


def run_scheduled(now: datetime | None = None) -> None:
    """Queue the mail that time itself causes (reminders, waitlist offers, the one invite reminder, the
    integrations' automatic rejection e-mails) and the answers to the lost-link form."""
    from app.booking.services import offer_free_slots, queue_reminders
    from app.candidates.services import queue_invite_reminders, remove_stale_uploads
    from app.integrations.services import forget_old_receipts, send_automatic_rejections
    from app.main.services import answer_link_requests
    from app.survey.services import queue_survey_requests
    from app.talent.services import queue_pool_renewals

    now = now or utcnow()
    answer_link_requests(now=now)
    queue_reminders(now=now)
    offer_free_slots(now=now)
    queue_invite_reminders(now=now)
    queue_pool_renewals(now=now)
    queue_survey_requests(now=now)
    send_automatic_rejections(now=now)
    forget_old_receipts(now=now)
    db.session.commit()
    remove_stale_uploads(now)


# --- the mail server's pause --------------------------------------------------------------------------

def mail_server_status() -> MailServerStatus:
    """The one row saying whether sending is paused, and why (a fresh, unsaved one if none was stored)."""
    return db.session.get(MailServerStatus, 1) or MailServerStatus(id=1, detail="")


def _pause(unavailable: MailServerUnavailable, now: datetime) -> None:
    status = mail_server_status()
    status.paused_since = status.paused_since or now
    status.problem, status.detail, status.tried_at = unavailable.problem, unavailable.detail[:500], now
    db.session.merge(status)
    db.session.commit()
    log.error("mail worker: sending paused, the mail server cannot be used (%s): %s; every e-mail waits",
              unavailable.problem, unavailable.detail)


def _resume() -> None:
    status = db.session.get(MailServerStatus, 1)
    if status is not None and status.paused_since is not None:
        log.info("mail worker: the mail server works again; sending resumes")
        status.paused_since, status.problem, status.detail = None, None, ""
        db.session.commit()


def _pause_continues(now: datetime) -> bool:
    """While paused, the server is tried again once every MAIL_PAUSE_RETRY_SECONDS (a wrong password tried
    every few seconds could get the account locked at the mail provider)."""
    status = db.session.get(MailServerStatus, 1)
    db.session.commit()
    if status is None or status.paused_since is None or status.tried_at is None:
        return False
    return now - status.tried_at < timedelta(seconds=current_app.config["MAIL_PAUSE_RETRY_SECONDS"])


def run_forever(interval: float) -> None:
    """The mail worker: every ``interval`` seconds the scheduled e-mails, the due ones, and the outgoing
    webhooks too (one worker service to run)."""
    from app.webhooks.delivery import run_round

    def do_round() -> None:
        run_scheduled()
        report = send_due()
        if report.sent or report.retrying or report.failed:
            log.info("mail worker: %s", report)
        webhooks = run_round()
        if webhooks.delivered or webhooks.retrying or webhooks.failed:
            log.info("mail worker: webhooks %s", webhooks)

    take_back_own_leases()
    run_rounds(do_round, interval, "mail worker")
