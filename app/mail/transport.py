"""Delivering one MIME message: through SMTP with a timeout, or into a folder in development."""

import logging
import smtplib
import socket
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Try again later: the server was unreachable or answered 4xx."""


class PermanentFailure(Exception):
    """Don't try again: the server answered 5xx."""


def deliver(mime: EmailMessage) -> None:
    """Send ``mime`` with the configured transport; raises TemporaryFailure or PermanentFailure."""
    if current_app.config.get("MAIL_SERVER"):
        _deliver_smtp(mime)
    else:
        _deliver_to_folder(mime)


def _deliver_to_folder(mime: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = mime["Message-ID"].strip("<>").replace("/", "_").replace("@", "_at_") + ".eml"
    path = folder / name
    path.write_bytes(mime.as_bytes())
    log.info("mail (no MAIL_SERVER set) to %s: %s -> %s", mime["To"], mime["Subject"], path)


def _deliver_smtp(mime: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    try:
        with smtp_class(host, port, timeout=timeout) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            refused = smtp.send_message(mime)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise _by_code(min(codes), f"recipient refused: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        raise _by_code(exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}") from exc
    except (smtplib.SMTPException, OSError, socket.timeout) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
    if refused:
        raise PermanentFailure(f"recipient refused: {refused}")


def _by_code(code: int, text: str) -> Exception:
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)
