"""No mail is lost: with the SMTP server down a booking still succeeds and its mail waits in the
outbox; a temporary 4xx is retried, a permanent 5xx is not, and attempts are capped."""

import socket
from datetime import timedelta

from app.database import utcnow
from app.extensions import db
from app.mail.worker import backoff, send_due
from app.models import OutboxStatus
from tests.booking.helpers import active_bookings
from tests.fixtures.smtp import SmtpServer
from tests.helpers import outbox
from tests.mail.helpers import calendar_parts, parse_ics


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _book(client, make_session, make_candidate) -> None:
    slot = make_session().slots[0]
    _, token = make_candidate(language="en")
    response = client.post(f"/b/{token}/book", data={"slot": slot.id, "topics": ["improve"]})
    assert response.status_code == 302


def _row():
    db.session.rollback()
    [row] = outbox()
    return row


def test_smtp_down_then_up_delivers_the_confirmation_once(app, client, make_session, make_candidate):
    """An unreachable mail server is not the message's fault: sending pauses, the e-mail waits with no
    attempt counted, and goes out once the server answers again."""
    port = _unused_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)

    _book(client, make_session, make_candidate)  # the booking does not wait for mail
    assert len(active_bookings()) == 1

    report = send_due()

    assert (report.sent, report.retrying, report.failed, report.paused) == (0, 0, 0, "unreachable")
    row = _row()
    assert row.status == OutboxStatus.PENDING and row.locked_until is None
    assert row.attempts == 0
    assert row.ics is not None  # nothing of the message is lost while it waits

    server = SmtpServer(port=port).start()
    try:
        report = send_due(now=utcnow() + timedelta(seconds=app.config["MAIL_PAUSE_RETRY_SECONDS"] + 1))
        assert (report.sent, report.retrying, report.failed, report.paused) == (1, 0, 0, None)
        [message] = server.messages
        assert message["Subject"] == "Your feedback conversation is booked"
        assert parse_ics(calendar_parts(message)[0].get_content())[0]["METHOD"] == "REQUEST"
        row = _row()
        assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, None)
        # Once delivered, never again.
        assert send_due(now=utcnow() + timedelta(days=1)).sent == 0
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_a_message_is_not_retried_before_its_time(app, client, smtp_server, make_session, make_candidate):
    app.config.update(MAIL_RETRY_BASE_SECONDS=600)
    smtp_server.handler.refuse_with = "451 try later"
    _book(client, make_session, make_candidate)
    send_due()
    smtp_server.handler.refuse_with = None

    report = send_due()

    assert (report.sent, report.retrying, report.failed) == (0, 0, 0)
    assert _row().attempts == 1


def test_permanent_5xx_fails_without_retry(client, smtp_server, make_session, make_candidate):
    smtp_server.handler.refuse_with = "550 no such user"
    _book(client, make_session, make_candidate)

    report = send_due()

    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    row = _row()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in row.last_error
    smtp_server.handler.refuse_with = None
    assert send_due(now=utcnow() + timedelta(days=1)).sent == 0
    assert smtp_server.messages == []


def test_temporary_4xx_is_retried_and_then_delivered(client, smtp_server, make_session, make_candidate):
    smtp_server.handler.refuse_with = "451 try later"
    _book(client, make_session, make_candidate)

    report = send_due()

    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    row = _row()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "451" in row.last_error
    smtp_server.handler.refuse_with = None
    assert send_due(now=row.next_attempt_at + timedelta(seconds=1)).sent == 1
    assert len(smtp_server.messages) == 1
    assert _row().status == OutboxStatus.SENT


def test_attempts_are_capped(app, client, smtp_server, make_session, make_candidate):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    smtp_server.handler.refuse_with = "451 try later"
    _book(client, make_session, make_candidate)

    outcomes = []
    for hours in range(1, 6):
        report = send_due(now=utcnow() + timedelta(hours=hours))
        outcomes.append((report.retrying, report.failed))

    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    row = _row()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert "451" in row.last_error
    assert smtp_server.messages == []


def test_back_off_doubles_up_to_a_ceiling(app):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 60
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(50) == timedelta(hours=6)


def test_a_refused_mail_never_undoes_the_booking(client, smtp_server, make_session, make_candidate):
    smtp_server.handler.refuse_with = "550 no such user"
    _book(client, make_session, make_candidate)

    send_due()

    assert len(active_bookings()) == 1
