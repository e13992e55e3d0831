"""Writing e-mails to the outbox, and turning an outbox row into the Flask-Mail message that is sent."""

import functools
import re
from email.charset import QP, Charset
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid, parseaddr

import flask_mail
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from app.extensions import db
from app.models import Candidate, OutboxMessage
from app.tokens import hide_links, hide_links_in_ics

_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")


def header_safe(text: str) -> str:
    """Text for an e-mail header: line breaks (which would start a new header) become spaces."""
    return _LINE_BREAKS.sub(" ", text or "").strip()


def render_email_part(name: str, context: dict) -> str:
    """An e-mail template sees what it is given, the settings (``config``) and the translation functions;
    not the page's request, session or context processors, so that an e-mail reads the same whether a page,
    a command or the worker queues it (and a selection of a hundred renders a quarter faster). The preview
    of an e-mail renders through here too, so that it is the e-mail.

    Rendered as ``Template.render`` does, but on a context that shares one flat copy of the template's
    globals: ``render`` copies them out of a ChainMap, key by key in Python, for every render and every
    include, a tenth of the time of a selection of 10,000 e-mails (bench/README.md, the import)."""
    template = current_app.jinja_env.get_template(name)
    variables = {**_flat_globals(template), "config": current_app.config, **context}
    try:
        return template.environment.concat(template.root_render_func(template.new_context(variables, shared=True)))
    except Exception:
        return template.environment.handle_exception()


def _flat_globals(template) -> dict:
    """The template's globals (the environment's and its own) as one dict, made once per compiled template."""
    flat = template.__dict__.get("_portal_flat_globals")
    if flat is None:
        flat = template.__dict__["_portal_flat_globals"] = dict(template.globals)
    return flat



def compose_email(
    *,
    kind: str,
    candidate: Candidate,
    subject,
    template: str,
    context: dict,
    ics: bytes | None = None,
    ics_method: str | None = None,
) -> dict:
    """The outbox row for ``templates/email/<template>.txt`` and ``.html`` and the (lazily translated)
    ``subject``, rendered in the candidate's language."""
    with force_locale(candidate.language):
        context = {"candidate": candidate, "organisation": current_app.config["ORGANISATION_NAME"], **context}
        body_text = render_email_part(f"email/{template}.txt", context)
        body_html = render_email_part(f"email/{template}.html", context)
        subject = str(subject)
    return {
        "kind": kind,
        "candidate_id": candidate.id,
        "to_address": formataddr((header_safe(candidate.name), header_safe(candidate.email))),
        "to_email": header_safe(candidate.email),
        "subject": header_safe(subject)[:300],
        "body_text": body_text,
        "body_html": body_html,
        "ics": ics,
        "ics_method": ics_method,
        "message_id": new_message_id(),
    }


def queue_email(**email) -> OutboxMessage:
    """Add the e-mail (``compose_email``'s arguments) to the outbox in the current transaction: it is sent
    only if that transaction commits."""
    message = OutboxMessage(**compose_email(**email))
    db.session.add(message)
    return message


def queue_emails(rows: list[dict]) -> int:
    """Add many composed e-mails (``compose_email``) to the outbox in one batched INSERT, in the current
    transaction; for a selection of rejection e-mails, where no one needs the objects back."""
    if rows:  # a Core INSERT: the ORM's bulk path adds nothing here but its bookkeeping per row
        db.session.execute(sa.insert(OutboxMessage.__table__), rows)
    return len(rows)


class PortalMessage(flask_mail.Message):
    """Flask-Mail's message, with its text parts quoted-printable (Flask-Mail sends them 8-bit, where an
    HTML line of over 998 characters breaks the SMTP rules) and the invitation's ``text/calendar``
    alternative carrying ``method=`` (what Outlook and Gmail look for to show it as an invitation)."""

    def __init__(self, *args, ics_method: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ics_method = ics_method

    def _mimetext(self, text, subtype="plain"):
        return MIMEText(text, _subtype=subtype, _charset=_QUOTED_PRINTABLE_UTF8)

    def _message(self):
        mime = super()._message()
        if self.ics_method:
            for part in mime.walk():
                if part.get_content_type() == "text/calendar":
                    part.set_param("method", self.ics_method)
        return mime


_QUOTED_PRINTABLE_UTF8 = Charset("utf-8")
_QUOTED_PRINTABLE_UTF8.body_encoding = QP


def new_message_id() -> str:
    """A Message-ID for a new e-mail, in the sender's domain: kept with the e-mail and sent at every attempt."""
    return make_msgid(idstring="outbox", domain=_domain_of(current_app.config["MAIL_DEFAULT_SENDER"]))


@functools.lru_cache(maxsize=8)
def _domain_of(sender: str) -> str:
    """The domain of a sender such as "Portal <noreply@example.org>" (read once: a selection has 10,000)."""
    return parseaddr(sender)[1].partition("@")[2] or "localhost"


def build_message(message: OutboxMessage) -> PortalMessage:
    """The e-mail as sent: plain text and HTML, and where there is one, the invitation both as a
    ``text/calendar; method=...`` alternative and as invite.ics (or cancel.ics)."""
    email = PortalMessage(
        subject=message.subject, recipients=[message.to_address], body=message.body_text,
        html=message.body_html, sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"Auto-Submitted": "auto-generated"}, ics_method=message.ics_method,
    )
    email.msgId = message.message_id or f"<outbox{message.id}@feedbackspreekuur>"
    if message.ics:
        email.alts["calendar"] = message.ics.decode("utf-8")
        name = "cancel.ics" if message.ics_method == "CANCEL" else "invite.ics"
        email.attach(name, "application/ics", message.ics)
    return email


def scrub_sent(message: OutboxMessage) -> None:
    """Once delivered, the stored copy keeps no working personal link and no invitation file."""
    message.body_text = hide_links(message.body_text)
    message.body_html = hide_links(message.body_html)
    message.ics = None


def scrub_failed(message: OutboxMessage) -> None:
    """Once given up on, the stored copy keeps no working personal link either; the links are put back
    (the candidate's valid link) if a recruiter sends it again (app/outbox/services.py)."""
    message.body_text = hide_links(message.body_text)
    message.body_html = hide_links(message.body_html)
    message.ics = hide_links_in_ics(message.ics)
