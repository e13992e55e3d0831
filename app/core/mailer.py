"""Flask-Mail as the portal configures it (the extension itself lives in app/extensions.py)."""

import smtplib

import flask_mail
from flask import current_app


class PortalMail(flask_mail.Mail):
    """Flask-Mail, reading its ``MAIL_*`` settings when a connection opens (Flask-Mail reads them once, at
    ``init_app``), and with ``MAIL_TIMEOUT`` on the socket, which Flask-Mail does not set. Without
    ``MAIL_SERVER`` (or with ``MAIL_SUPPRESS_SEND``) nothing goes over the network: the worker writes each
    message to ``MAIL_FOLDER``; ``record_messages()`` sees every message either way."""

    def init_app(self, app):
        app.config.setdefault("MAIL_SUPPRESS_SEND", False)  # not Flask-Mail's default (TESTING)
        return super().init_app(app)

    def connect(self) -> "TimedConnection":
        config = current_app.config
        state = self.init_mail(config, current_app.debug)
        state.suppress = not config.get("MAIL_SERVER") or bool(config.get("MAIL_SUPPRESS_SEND"))
        return TimedConnection(state, timeout=float(config["MAIL_TIMEOUT"]))


class TimedConnection(flask_mail.Connection):
    """Flask-Mail's connection with a socket timeout, and a sign-in whenever a user name is set."""

    def __init__(self, state, *, timeout: float):
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        mail = self.mail
        smtp_class = smtplib.SMTP_SSL if mail.use_ssl else smtplib.SMTP
        host = smtp_class(mail.server, int(mail.port), timeout=self.timeout)
        try:
            host.set_debuglevel(int(mail.debug))
            if mail.use_tls:
                host.starttls()
            if mail.username:
                host.login(mail.username, mail.password or "")
        except BaseException:
            host.close()
            raise
        return host
