"""Every e-mail the portal sends, with its state; failed ones can be retried."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.audit.services import record_audit_once
from app.auth.decorators import STAFF, only_for
from app.core.forms import ActionForm
from app.core.query import choice_arg, page_arg, text_arg
from app.database import writes_on_get
from app.extensions import db
from app.labels import OUTBOX_KIND, options
from app.mail.worker import mail_server_status
from app.models import OutboxMessage, OutboxStatus
from app.outbox import services
from app.tokens import hide_links

# The e-mail's own HTML, shown in a sandboxed frame of the message page: no script, no form, no request to
# anywhere (its images and styles are inline), and framed only by this site.
EMAIL_HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

bp = Blueprint("outbox", __name__, url_prefix="/recruiter/outbox")
only_for(bp, *STAFF)


@bp.get("/")
def list_messages():
    """The outbox, newest first, filterable by state, kind and address."""
    filters = {"status": choice_arg("status", {s.value for s in OutboxStatus}), "kind": choice_arg("kind", OUTBOX_KIND),
               "q": text_arg("q")}
    result = services.list_messages(
        status=filters["status"] or None, kind=filters["kind"] or None, search=filters["q"], page=page_arg(),
    )
    return render_template("outbox/list.html", result=result, counts=services.status_counts(),
                           kinds=options(OUTBOX_KIND), form=ActionForm(), filters=filters,
                           mail_paused=mail_server_status(), count_bound=services.COUNT_BOUND)


def _opened(message_id: int) -> OutboxMessage:
    """The message, and a line in the audit log that this member of staff opened it (not what it says)."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    record_audit_once("outbox_viewed", target_type="outbox_message", target_id=message.id)
    return message


@bp.get("/<int:message_id>")
@writes_on_get  # the audit log records who opened the message
def show_message(message_id: int):
    """One e-mail as it was (or will be) sent, with every personal link hidden: whoever sees the outbox
    must not be able to act as the candidate."""
    message = _opened(message_id)
    return render_template("outbox/show.html", message=message, body_text=hide_links(message.body_text),
                           form=ActionForm())


@bp.get("/<int:message_id>/html")
@writes_on_get  # the audit log records who opened the message
def show_message_html(message_id: int):
    """The e-mail's HTML body, its personal links hidden, for the frame on the message page."""
    message = _opened(message_id)
    return hide_links(message.body_html), 200, {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": EMAIL_HTML_POLICY,
        "X-Frame-Options": "SAMEORIGIN",
    }


@bp.post("/<int:message_id>/retry")
def retry_message(message_id: int):
    """Send a failed e-mail again."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.retry_message(message)
        except services.NotRetryable as error:
            flash(error.message, "info")
        except services.CandidateGone as error:
            flash(error.message, "error")
        else:
            flash(_("The e-mail to %(to)s is back in the queue.", to=message.to_address), "success")
    return redirect(url_for(".show_message", message_id=message.id))
