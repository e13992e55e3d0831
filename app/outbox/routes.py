"""Every e-mail the portal sends, with its state; failed ones can be retried."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.auth.decorators import STAFF, role_required
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus
from app.outbox import services
from app.query import choice_arg, page_arg, text_arg

bp = Blueprint("outbox", __name__, url_prefix="/recruiter/outbox")


@bp.get("/")
@role_required(*STAFF)
def list_messages():
    """The outbox, newest first, filterable by state, kind and address."""
    filters = {"status": choice_arg("status", {s.value for s in OutboxStatus}), "kind": text_arg("kind", max_length=50),
               "q": text_arg("q")}
    result = services.list_messages(
        status=filters["status"] or None, kind=filters["kind"] or None, search=filters["q"], page=page_arg(),
    )
    return render_template("outbox/list.html", result=result, kinds=services.kinds(), form=FlaskForm(),
                           filters=filters)


@bp.get("/<int:message_id>")
@role_required(*STAFF)
def show_message(message_id: int):
    """One e-mail as it was (or will be) sent."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("outbox/show.html", message=message, form=FlaskForm())


@bp.post("/<int:message_id>/retry")
@role_required(*STAFF)
def retry(message_id: int):
    """Send a failed e-mail again."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if FlaskForm().validate_on_submit():
        try:
            services.retry_message(message)
        except services.NotRetryable:
            flash(_("Only a failed e-mail can be sent again."), "info")
        else:
            flash(_("The e-mail to %(to)s is back in the queue.", to=message.to_address), "success")
    return redirect(url_for(".show_message", message_id=message.id))
