"""Administrators register webhook endpoints and watch their deliveries."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.audit.services import record_audit
from app.auth.decorators import only_for
from app.core.forms import ActionForm
from app.core.query import choice_arg, page_arg
from app.core.views import button_action, button_pressed_or_back
from app.extensions import db
from app.i18n import _l
from app.labels import label_of
from app.models import DeliveryStatus, Role, WebhookDelivery, WebhookEndpoint
from app.webhooks import services
from app.webhooks.events import EVENT_LABELS, TEST_EVENT, queue_test_event
from app.webhooks.forms import EndpointForm

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
only_for(bp, Role.ADMIN)
_EVENT_NAMES = {**EVENT_LABELS, TEST_EVENT: _l("Test event")}


@bp.app_template_global()
def webhook_event_label(event_type: str) -> str:
    """An event's name in words: "booking.created" is "A conversation is booked"."""
    return label_of(_EVENT_NAMES, event_type)



def _get(endpoint_id: int) -> WebhookEndpoint:
    return db.session.get(WebhookEndpoint, endpoint_id) or abort(404)


@bp.get("/")
def list_endpoints():
    """Every endpoint with the state of its deliveries, and a form for a new one."""
    return render_template("webhooks/list.html", endpoints=services.list_endpoints(), form=EndpointForm(),
                           labels=EVENT_LABELS)


@bp.post("/")
def create_endpoint():
    """Register an endpoint; its signing secret is shown once."""
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint, secret = services.create_endpoint(form.url.data, form.description.data, form.events.data,
                                                        allow_private=form.allow_private_network.data)
        except services.EndpointRefused as refused:
            form.url.errors.append(_("This address cannot be used: %(reason)s", reason=str(refused)))
        else:
            record_audit("webhook_endpoint_created", target_type="webhook_endpoint", target_id=endpoint.id,
                         facts={"url": endpoint.url[:300], "private": endpoint.allow_private_network})
            return render_template("webhooks/secret_shown.html", endpoint=endpoint, secret=secret)
    return render_template("webhooks/list.html", endpoints=services.list_endpoints(), form=form,
                           labels=EVENT_LABELS), 422


@bp.route("/<int:endpoint_id>", methods=["GET", "POST"])
def edit_endpoint(endpoint_id: int):
    """An endpoint: its address, events and switches, and its deliveries with their state."""
    endpoint = _get(endpoint_id)
    form = EndpointForm(obj=endpoint)
    if form.validate_on_submit():
        try:
            services.update_endpoint(endpoint, form.url.data, form.description.data, form.events.data,
                                     allow_private=form.allow_private_network.data, active=form.active.data)
        except services.EndpointRefused as refused:
            form.url.errors.append(_("This address cannot be used: %(reason)s", reason=str(refused)))
        else:
            record_audit("webhook_endpoint_changed", target_type="webhook_endpoint", target_id=endpoint.id,
                         facts={"url": endpoint.url[:300], "private": endpoint.allow_private_network,
                                "active": endpoint.active})
            flash(_("The endpoint is saved."), "success")
            return redirect(url_for(".edit_endpoint", endpoint_id=endpoint.id))
    if not form.is_submitted():
        form.events.data = services.subscribed_events(endpoint)
    status = choice_arg("status", {s.value for s in DeliveryStatus})
    return render_template(
        "webhooks/edit.html", endpoint=endpoint, form=form, status=status,
        result=services.list_deliveries(endpoint, status=status, page=page_arg()),
    ), 422 if form.errors else 200


@bp.post("/<int:endpoint_id>/secret")
def rotate_endpoint_secret(endpoint_id: int):
    """A new signing secret, shown once; deliveries from now on are signed with it."""
    endpoint = _get(endpoint_id)
    button_pressed_or_back(url_for(".edit_endpoint", endpoint_id=endpoint.id))
    secret = services.rotate_secret(endpoint)
    record_audit("webhook_endpoint_changed", target_type="webhook_endpoint", target_id=endpoint.id,
                 facts={"new_secret": True})
    return render_template("webhooks/secret_shown.html", endpoint=endpoint, secret=secret)


@bp.post("/<int:endpoint_id>/test")
def send_test_event(endpoint_id: int):
    """Queue a ping to this endpoint (the worker sends it in its next round)."""
    endpoint = _get(endpoint_id)
    return button_action(lambda: queue_test_event(endpoint.id),
                         _("A test delivery is queued; it goes out in the worker's next round."),
                         back=url_for(".edit_endpoint", endpoint_id=endpoint.id))


@bp.post("/deliveries/<int:delivery_id>/retry")
def retry_delivery(delivery_id: int):
    """Send a failed delivery again, with the same body and event id."""
    delivery = db.session.get(WebhookDelivery, delivery_id) or abort(404)
    if ActionForm().validate_on_submit():
        if services.retry_delivery(delivery):
            record_audit("webhook_delivery_retried", target_type="webhook_delivery", target_id=delivery.id)
            flash(_("The delivery is back in the queue."), "success")
        else:
            flash(_("Only a failed delivery can be sent again."), "info")
    return redirect(url_for(".edit_endpoint", endpoint_id=delivery.endpoint_id))
