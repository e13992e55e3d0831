"""When the mail server itself cannot be used (a wrong password, refused encryption, nobody listening),
no e-mail is to blame: sending pauses, every e-mail waits without losing an attempt, the outbox and the
overview say why, and sending resumes once the server works. A worker that died mid-send takes its leases
back when it restarts, and an e-mail sent twice that way carries the same Message-ID both times. The logs
name outbox ids, never people. Against a real SMTP server (aiosmtpd)."""

import logging
import os
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.database import utcnow
from app.extensions import db
from app.mail import worker
from app.mail.worker import LEASE, claim_due, send_due, take_back_own_leases
from app.models import MailServerStatus, OutboxStatus
from tests.fixtures.smtp import SmtpServer, _Collector
from tests.helpers import free_port, outbox
from tests.mail.helpers import queue_messages

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class _AuthServer(SmtpServer):
    """An SMTP server that wants a user name and password (over plain SMTP, for the test)."""

    def __init__(self, username: str, password: str):
        self.handler = _Collector()

        def authenticate(server, feedback_session, envelope, mechanism, auth_data):
            right = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
                username.encode(), password.encode())
            return AuthResult(success=right, handled=False)

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port(),
                                     authenticator=authenticate, auth_require_tls=False, auth_required=True)
        self.port = self.controller.port


@pytest.fixture
def auth_server(app):
    server = _AuthServer("portal", "right password").start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5,
                      MAIL_USERNAME="portal", MAIL_PASSWORD="wrong password")
    yield server
    server.stop()


def _rows():
    db.session.rollback()
    return outbox()


def _later(app, seconds: float = 1):
    return utcnow() + timedelta(seconds=app.config["MAIL_PAUSE_RETRY_SECONDS"] + seconds)


def test_a_refused_sign_in_pauses_sending_and_every_email_waits(app, auth_server, make_candidate, caplog):
    queue_messages(make_candidate, 3)

    with caplog.at_level(logging.INFO, logger="app.mail.worker"):
        report = send_due()

    assert report.paused == "sign_in" and (report.sent, report.retrying, report.failed) == (0, 0, 0)
    rows = _rows()
    assert [(r.status, r.attempts, r.locked_until) for r in rows] == [(OutboxStatus.PENDING, 0, None)] * 3
    assert auth_server.messages == []
    assert any("sending paused" in r.getMessage() and "535" in r.getMessage() for r in caplog.records)
    status = db.session.get(MailServerStatus, 1)
    assert status.problem == "sign_in" and "535" in status.detail


def test_the_outbox_and_the_overview_say_why_sending_is_paused(app, client, recruiter, auth_server, make_candidate):
    queue_messages(make_candidate, 1)
    send_due()

    for page in ("/recruiter/outbox/", "/recruiter/"):
        text = client.get(page).get_data(as_text=True)
        assert "Sending e-mail is paused since" in text
        assert "refused the portal&#39;s sign-in" in text or "refused the portal's sign-in" in text
        assert "MAIL_PASSWORD" in text and "No e-mail is lost" in text


def test_while_paused_the_server_is_tried_again_only_now_and_then(app, auth_server, make_candidate):
    queue_messages(make_candidate, 1)
    send_due()
    app.config["MAIL_PASSWORD"] = "right password"

    assert send_due().paused == "sign_in"  # too soon: not tried again yet
    report = send_due(now=_later(app))

    assert (report.sent, report.paused) == (1, None)
    assert len(auth_server.messages) == 1
    assert db.session.get(MailServerStatus, 1).paused_since is None


def test_sending_resumes_and_the_notice_goes_once_the_password_is_right(
    app, client, recruiter, auth_server, make_candidate
):
    queue_messages(make_candidate, 2)
    send_due()
    app.config["MAIL_PASSWORD"] = "right password"

    report = send_due(now=_later(app))

    assert report.sent == 2
    assert [r.attempts for r in _rows()] == [1, 1]
    assert "Sending e-mail is paused" not in client.get("/recruiter/outbox/").get_data(as_text=True)


def test_a_refused_starttls_pauses_sending(app, smtp_server, make_candidate):
    app.config["MAIL_USE_TLS"] = True  # the test server offers no STARTTLS
    queue_messages(make_candidate, 2)

    report = send_due()

    assert report.paused == "encryption"
    assert [(r.status, r.attempts) for r in _rows()] == [(OutboxStatus.PENDING, 0)] * 2
    assert smtp_server.messages == []


def test_an_unreachable_server_pauses_sending(app, make_candidate):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    queue_messages(make_candidate, 2)

    report = send_due()

    assert report.paused == "unreachable"
    assert [(r.status, r.attempts) for r in _rows()] == [(OutboxStatus.PENDING, 0)] * 2


# --- a worker that died mid-send ----------------------------------------------------------------------

def test_a_restarted_worker_takes_its_leases_back_at_once_and_the_copy_has_the_same_message_id(
    app, smtp_server, make_candidate, monkeypatch
):
    queue_messages(make_candidate, 1)
    [row] = _rows()
    assert row.message_id and row.message_id.startswith("<") and row.message_id.endswith(">")

    real_record = worker._record_and_check

    def killed_after_delivery(database, sent, message_id):
        if sent is not None:  # the server accepted the message; the worker dies before it records that
            raise KeyboardInterrupt
        return real_record(database, sent, message_id)

    monkeypatch.setattr(worker, "_record_and_check", killed_after_delivery)
    with pytest.raises(KeyboardInterrupt):
        send_due()
    monkeypatch.setattr(worker, "_record_and_check", real_record)
    assert _rows()[0].status == OutboxStatus.SENDING  # leased, and the lease would run for 5 minutes

    # The worker is restarted: a new process on the same host (here: the same process number, a new run).
    monkeypatch.setattr(worker, "WORKER_ID", worker.WORKER_ID.rsplit(":", 1)[0] + ":restarted")
    assert take_back_own_leases() == 1
    report = send_due()  # at once, not after the lease ran out

    assert report.sent == 1
    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"] == row.message_id


def test_a_lease_of_a_worker_that_still_runs_is_kept(app, smtp_server, make_candidate):
    queue_messages(make_candidate, 1)
    claim_due(utcnow(), 10)
    [row] = _rows()
    host = socket.gethostname()
    row.locked_by = f"{host}:{os.getppid()}:other"  # a process that is alive: the one that runs the tests
    db.session.commit()

    assert take_back_own_leases() == 0
    assert send_due().sent == 0
    assert send_due(now=utcnow() + LEASE + timedelta(seconds=1)).sent == 1  # taken over when the lease runs out


def test_a_lease_of_another_host_waits_for_its_lease_to_run_out(app, smtp_server, make_candidate):
    queue_messages(make_candidate, 1)
    claim_due(utcnow(), 10)
    [row] = _rows()
    row.locked_by = "another-host:1:abcd"
    db.session.commit()

    assert take_back_own_leases() == 0
    assert _rows()[0].status == OutboxStatus.SENDING


def test_each_attempt_sends_the_same_message_id(app, smtp_server, make_candidate):
    queue_messages(make_candidate, 1)
    smtp_server.handler.refuse_with = "451 try later"
    send_due()
    smtp_server.handler.refuse_with = None
    [row] = _rows()
    send_due(now=row.next_attempt_at + timedelta(seconds=1))
    [message] = smtp_server.messages
    assert message["Message-ID"] == row.message_id


# --- no personal data in the logs -------------------------------------------------------------------

def test_a_failed_attempt_is_logged_by_outbox_id_without_name_or_address(app, smtp_server, make_candidate, caplog):
    candidate, _ = make_candidate(name="Annemiek Geheim", email="annemiek.geheim@example.org")
    from app.mail.outbox import queue_email

    queue_email(kind="test", candidate=candidate, subject="Test", template="link_resent",
                context={"link": "http://portal.test/x", "links": []})
    db.session.commit()
    smtp_server.handler.refuse_with = "550 5.1.1 <annemiek.geheim@example.org>: Recipient address rejected"

    with caplog.at_level(logging.DEBUG):
        send_due()

    [row] = _rows()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("app"))  # not the test server's
    assert f"outbox message {row.id} not sent" in logged
    assert "annemiek" not in logged.lower() and "Geheim" not in logged
    assert "annemiek" not in (row.last_error or "").lower() and "550" in row.last_error
