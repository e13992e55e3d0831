"""Delivering e-mails through Flask-Mail: over SMTP with a timeout, or into a folder in development.

The worker sends a run over one SMTP connection (``Connection``): opened on the first message, kept for
the next, closed after a failure or at the end of the run. Flask-Mail raises smtplib's exceptions with
their reply codes; they decide here between trying the message again later (4xx, a dropped connection)
and giving it up (5xx). A failure to connect or sign in at all is not the message's fault:
``MailServerUnavailable`` pauses the run and every message waits (app/mail/worker.py).
"""

import logging
import re
import smtplib
import ssl
from pathlib import Path

import flask_mail
from flask import current_app

from app.core.mailer import PortalMail, TimedConnection

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Try this message again later: the server answered 4xx or dropped the connection while sending."""


class PermanentFailure(Exception):
    """Don't try this message again: the server answered 5xx."""


class MailServerUnavailable(Exception):
    """The mail server cannot be used at all: unreachable, refusing encryption, refusing the sign-in. No
    message is to blame; sending pauses until it works again. ``problem`` is a ``MailProblem`` value."""

    def __init__(self, problem: str, detail: str):
        super().__init__(f"{problem}: {detail}")
        self.problem, self.detail = problem, detail


class MailProblem:
    """Why sending is paused (kept in MailServerStatus.problem, shown on the outbox page)."""

    UNREACHABLE = "unreachable"  # no connection: the host, the port, the network, a timeout
    REFUSED = "refused"  # the server answered, but refused to talk (its greeting was an error)
    ENCRYPTION = "encryption"  # STARTTLS or TLS refused or failed
    SIGN_IN = "sign_in"  # the user name or password was refused (535)


class _Closed(Exception):
    """The server closed the connection (dropped it, or answered 421) before the message was accepted."""


_ADDRESS = re.compile(r"[^\s<>@,;:\"']+@[^\s<>@,;:\"']+")


def without_addresses(text: str) -> str:
    """An SMTP error as it may be logged and kept: servers like to quote the recipient's address."""
    return _ADDRESS.sub("<address>", text)


class Connection:
    """Sends messages with the configured transport, over one SMTP connection for as long as it works.

    Use it as a context manager: the connection is closed (QUIT) when the block ends. ``deliver`` raises
    TemporaryFailure or PermanentFailure for the message, or MailServerUnavailable when no connection can
    be made; after a failure the connection is dropped and the next message opens a new one, so one
    refused message never spoils the next.
    """

    def __init__(self):
        self._connection: TimedConnection | None = None
        self._used = False  # whether the open connection has carried a message already
        self.reached = False  # whether a connection to the mail server (or the folder) opened during the run

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def deliver(self, message: flask_mail.Message) -> None:
        from app.extensions import mail

        if self._connection is None:
            self._connection = self._open(mail)
            self.reached = True
        if self._connection.host is None:  # no mail server: a folder stands in for it
            self._connection.send(message)
            _write_to_folder(message)
            return
        reused = self._used
        try:
            self._send(message)
            return
        except _Closed as closed:
            if not reused:
                raise TemporaryFailure(str(closed)) from closed.__cause__
        # The server closed a connection we had kept open (an idle timeout, a limit of messages per
        # connection). Try once more on a fresh one now, as a later attempt would.
        log.info("SMTP connection closed by the server; reconnecting")
        self._connection = self._open(mail)
        try:
            self._send(message)
        except _Closed as closed:
            raise TemporaryFailure(str(closed)) from closed.__cause__

    @staticmethod
    def _open(mail: PortalMail) -> TimedConnection:
        """A connection that is signed in, or MailServerUnavailable saying what stands in the way."""
        connection = mail.connect()
        if connection.mail.suppress:
            return connection
        try:
            connection.host = connection.configure_host()
        except smtplib.SMTPAuthenticationError as exc:
            raise MailServerUnavailable(MailProblem.SIGN_IN, _reply(exc)) from exc
        except (smtplib.SMTPNotSupportedError, ssl.SSLError) as exc:
            raise MailServerUnavailable(MailProblem.ENCRYPTION, f"{type(exc).__name__}: {exc}") from exc
        except smtplib.SMTPConnectError as exc:
            raise MailServerUnavailable(MailProblem.REFUSED, _reply(exc)) from exc
        except smtplib.SMTPResponseException as exc:  # e.g. STARTTLS answered with an error
            problem = MailProblem.ENCRYPTION if connection.mail.use_tls else MailProblem.REFUSED
            raise MailServerUnavailable(problem, _reply(exc)) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise MailServerUnavailable(MailProblem.UNREACHABLE, f"{type(exc).__name__}: {exc}") from exc
        return connection

    def _send(self, message: flask_mail.Message) -> None:
        try:
            self._connection.send(message)
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise _Closed(f"{type(exc).__name__}: {exc}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            replies = list(exc.recipients.values())
            code = min(reply_code for reply_code, _ in replies)
            text = "; ".join(f"{reply_code} {_text(reply)}" for reply_code, reply in replies)
            raise _by_code(code, without_addresses(f"recipient refused: {text}")) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            if exc.smtp_code == 421:  # "closing transmission channel"
                raise _Closed(_reply(exc)) from exc
            raise _by_code(exc.smtp_code, _reply(exc)) from exc
        except flask_mail.BadHeaderError as exc:
            raise PermanentFailure("a header holds a line break") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TemporaryFailure(without_addresses(f"{type(exc).__name__}: {exc}")) from exc
        self._used = True

    def close(self) -> None:
        """QUIT and close; errors while saying goodbye don't matter any more."""
        connection, self._connection, self._used = self._connection, None, False
        if connection is None or connection.host is None:
            return
        try:
            connection.host.quit()
        except (smtplib.SMTPException, OSError):
            connection.host.close()


def deliver(message: flask_mail.Message) -> None:
    """Send ``message`` on a connection of its own; raises like ``Connection.deliver``."""
    with Connection() as connection:
        connection.deliver(message)


def _write_to_folder(message: flask_mail.Message) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = message.msgId.strip("<>").replace("/", "_").replace("@", "_at_") + ".eml"
    path = folder / name
    path.write_bytes(message.as_bytes())
    log.info("mail (no MAIL_SERVER set) written to %s", path.name)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return without_addresses(f"{exc.smtp_code} {_text(exc.smtp_error)}")


def _by_code(code: int, text: str) -> Exception:
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)
