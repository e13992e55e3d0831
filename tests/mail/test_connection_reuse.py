"""The worker sends a run's batches over one SMTP connection; a refused message or a connection the server closed
never costs the other messages of the batch their delivery."""

import smtplib
import socket
import time

from aiosmtpd.controller import Controller

from app.extensions import db
from app.mail.outbox import build_message
from app.mail.transport import Connection
from app.mail.worker import send_due
from tests.helpers import outbox
from tests.mail.helpers import queue_messages


def _count_connections(monkeypatch) -> list:
    opened = []
    connect = smtplib.SMTP.connect

    def counting(self, *args, **kwargs):
        opened.append(args)
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", counting)
    return opened


def test_one_connection_per_run(app, smtp_server, make_candidate, monkeypatch):
    queue_messages(make_candidate, 12)
    opened = _count_connections(monkeypatch)

    report = send_due(batch=5)

    assert report.sent == 12
    assert len(opened) == 1  # batches of 5, 5 and 2 over the same connection
    assert sorted(str(m["Subject"]) for m in smtp_server.messages) == sorted(f"Bericht {n}" for n in range(12))


def test_a_refused_message_does_not_stop_the_rest_of_the_batch(app, smtp_server, make_candidate):
    queue_messages(make_candidate, 4)
    refuse = {"Bericht 1": "550 no such user", "Bericht 2": "451 try later"}
    handler = smtp_server.handler
    original = handler.handle_DATA

    async def some_refused(server, feedback_session, envelope):
        for subject, answer in refuse.items():
            if f"Subject: {subject}\r\n".encode() in envelope.original_content:
                return answer
        return await original(server, feedback_session, envelope)

    handler.handle_DATA = some_refused

    report = send_due()

    assert (report.sent, report.retrying, report.failed) == (2, 1, 1)
    assert sorted(str(m["Subject"]) for m in smtp_server.messages) == ["Bericht 0", "Bericht 3"]
    db.session.rollback()
    assert [row.status.value for row in outbox("test")] == ["sent", "failed", "pending", "sent"]


class _Counting:
    def __init__(self):
        self.subjects = []

    async def handle_DATA(self, server, feedback_session, envelope):
        self.subjects.append(envelope.original_content.split(b"Subject: ", 1)[1].split(b"\r\n", 1)[0].decode())
        return "250 OK"


def test_a_connection_the_server_closed_is_opened_again(app, make_candidate):
    """An SMTP server that closes idle connections (here after 0.3 s, with a 421): the kept connection is
    found closed at the next message, which goes out once on a fresh connection."""
    handler = _Counting()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, timeout=0.3)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5)
        queue_messages(make_candidate, 2)
        first, second = (build_message(row) for row in outbox("test"))
        with Connection() as connection:
            connection.deliver(first)
            time.sleep(1)
            connection.deliver(second)
    finally:
        controller.stop()
    assert handler.subjects == ["Bericht 0", "Bericht 1"]
