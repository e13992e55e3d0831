"""Delivering MIME messages: through SMTP with a timeout, or into a folder in development.

The worker sends a run over one SMTP connection (``Connection``): opened on the first message, kept for
the next, closed after a failure or at the end of the run. ``deliver`` sends a single message."""

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Try again later: the server was unreachable or answered 4xx."""


class PermanentFailure(Exception):
    """Don't try again: the server answered 5xx."""


class _Closed(Exception):
    """The server closed the connection (dropped it, or answered 421) before the message was accepted."""


class Connection:
    """Sends messages with the configured transport, over one SMTP connection for as long as it works.

    Use it as a context manager: the connection is closed (QUIT) when the block ends. ``deliver`` raises
    TemporaryFailure or PermanentFailure like the module-level function; after a failure the connection is
    dropped and the next message opens a new one, so one refused message never spoils the next.
    """

    def __init__(self):
        self._smtp: smtplib.SMTP | None = None
        self._used = False  # whether the open connection has carried a message already

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def deliver(self, mime: EmailMessage) -> None:
        if not current_app.config.get("MAIL_SERVER"):
            _deliver_to_folder(mime)
            return
        reused = self._smtp is not None and self._used
        try:
            self._send(mime)
            return
        except _Closed as closed:
            if not reused:
                raise TemporaryFailure(str(closed)) from closed.__cause__
        # The server closed a connection we had kept open (an idle timeout, a limit of messages per
        # connection). Try once more on a fresh one now, as a later attempt would.
        log.info("SMTP connection closed by the server; reconnecting")
        try:
            self._send(mime)
        except _Closed as closed:
            raise TemporaryFailure(str(closed)) from closed.__cause__

    def _send(self, mime: EmailMessage) -> None:
        try:
            smtp = self._open()
            refused = smtp.send_message(mime)
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise _Closed(f"{type(exc).__name__}: {exc}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            raise _by_code(min(codes), f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            if exc.smtp_code == 421:  # "closing transmission channel"
                raise _Closed(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise _by_code(exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        self._used = True
        if refused:
            raise PermanentFailure(f"recipient refused: {refused}")

    def _open(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        config = current_app.config
        host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
        smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
        smtp = smtp_class(host, port, timeout=timeout)
        try:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp, self._used = smtp, False
        return smtp

    def close(self) -> None:
        """QUIT and close; errors while saying goodbye don't matter any more."""
        smtp, self._smtp, self._used = self._smtp, None, False
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def deliver(mime: EmailMessage) -> None:
    """Send ``mime`` on a connection of its own; raises TemporaryFailure or PermanentFailure."""
    with Connection() as connection:
        connection.deliver(mime)


def _deliver_to_folder(mime: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = mime["Message-ID"].strip("<>").replace("/", "_").replace("@", "_at_") + ".eml"
    path = folder / name
    path.write_bytes(mime.as_bytes())
    log.info("mail (no MAIL_SERVER set) to %s: %s -> %s", mime["To"], mime["Subject"], path)


def _by_code(code: int, text: str) -> Exception:
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)
