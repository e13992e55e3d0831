"""Integrations in the portal: administrators connect systems (their API keys and webhook secrets);
recruiters choose what follows a rejection and see who waits for a personal line."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.audit.services import record_audit
from app.auth.decorators import STAFF, only_for, role_required
from app.core.forms import ActionForm
from app.core.views import button_pressed_or_back
from app.extensions import db
from app.integrations import services
from app.integrations.forms import (
    FOLLOW_UP_LABELS,
    ApiKeyForm,
    EditIntegrationForm,
    FollowUpForm,
    IntegrationForm,
)
from app.labels import label_of
from app.models import ApiKey, Candidate, FollowUp, Integration, Role
from app.tokens import external_url

bp = Blueprint("integrations", __name__)
only_for(bp, *STAFF)


@bp.app_template_global()
def scope_labels(scopes: list[str]) -> str:
    """What an API key may do, in words."""
    return ", ".join(label_of(services.SCOPES, scope) for scope in scopes)



def _get(integration_id: int) -> Integration:
    return db.session.get(Integration, integration_id) or abort(404)


def _addresses(integration: Integration) -> dict:
    return {
        "greenhouse": external_url("api.receive_greenhouse_webhook", slug=integration.slug),
        "generic": external_url("api.receive_generic_webhook", slug=integration.slug),
        "api": external_url("api.create_rejection"),
    }


# --- administrators ----------------------------------------------------------------------------------

@bp.get("/admin/integrations")
@role_required(Role.ADMIN)
def list_integrations():
    """Every integration, and a form for a new one."""
    return render_template("integrations/list.html", integrations=services.list_integrations(),
                           form=IntegrationForm())


@bp.post("/admin/integrations")
@role_required(Role.ADMIN)
def create_integration():
    """A new integration; its webhook secret is shown once."""
    form = IntegrationForm()
    if not form.validate_on_submit():
        return render_template("integrations/list.html", integrations=services.list_integrations(), form=form), 422
    integration, secret = services.create_integration(form.name.data, default_language=form.default_language.data)
    record_audit("integration_created", target_type="integration", target_id=integration.id,
                 facts={"integration": integration.slug})
    return render_template("integrations/secret_shown.html", integration=integration, secret=secret,
                           addresses=_addresses(integration), what="webhook")


@bp.route("/admin/integrations/<int:integration_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_integration(integration_id: int):
    """An integration: its name, language, whether it works; its webhook addresses and API keys."""
    integration = _get(integration_id)
    form = EditIntegrationForm(obj=integration)
    if form.validate_on_submit():
        integration.name = form.name.data.strip()
        integration.default_language = form.default_language.data
        integration.active = form.active.data
        record_audit("integration_changed", target_type="integration", target_id=integration.id,
                     facts={"integration": integration.slug, "active": integration.active})
        flash(_("The integration %(name)s is saved.", name=integration.name), "success")
        return redirect(url_for(".edit_integration", integration_id=integration.id))
    return render_template(
        "integrations/edit.html", integration=integration, form=form, key_form=ApiKeyForm(),
        keys=services.api_keys(integration), addresses=_addresses(integration), scopes=services.SCOPES,
    ), 422 if form.errors else 200


@bp.post("/admin/integrations/<int:integration_id>/secret")
@role_required(Role.ADMIN)
def rotate_webhook_secret(integration_id: int):
    """A new webhook secret, shown once; the old one stops working."""
    integration = _get(integration_id)
    button_pressed_or_back(url_for(".edit_integration", integration_id=integration.id))
    secret = services.rotate_webhook_secret(integration)
    record_audit("integration_changed", target_type="integration", target_id=integration.id,
                 facts={"integration": integration.slug, "new_secret": True})
    return render_template("integrations/secret_shown.html", integration=integration, secret=secret,
                           addresses=_addresses(integration), what="webhook")


@bp.post("/admin/integrations/<int:integration_id>/keys")
@role_required(Role.ADMIN)
def create_api_key(integration_id: int):
    """A new API key, shown once; only its hash is kept."""
    integration = _get(integration_id)
    form = ApiKeyForm()
    if form.validate_on_submit() and not form.scopes():
        form.rejections_write.errors = [_("Choose at least one thing the key may do.")]
    elif form.validate_on_submit():
        api_key, key = services.create_api_key(integration, form.name.data, form.scopes(),
                                               created_by=current_user.email)
        record_audit("api_key_created", target_type="api_key", target_id=api_key.id,
                     facts={"integration": integration.slug, "key": api_key.prefix, "scopes": api_key.scopes})
        return render_template("integrations/secret_shown.html", integration=integration, secret=key,
                               addresses=_addresses(integration), what="api_key", api_key=api_key)
    return render_template(
        "integrations/edit.html", integration=integration, form=EditIntegrationForm(obj=integration),
        key_form=form, keys=services.api_keys(integration),
        addresses=_addresses(integration), scopes=services.SCOPES,
    ), 422


@bp.post("/admin/integrations/<int:integration_id>/keys/<int:key_id>/revoke")
@role_required(Role.ADMIN)
def revoke_api_key(integration_id: int, key_id: int):
    """The key stops working at once."""
    integration = _get(integration_id)
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None or api_key.integration_id != integration.id:
        abort(404)
    if ActionForm().validate_on_submit():
        services.revoke_api_key(api_key)
        record_audit("api_key_revoked", target_type="api_key", target_id=api_key.id,
                     facts={"integration": integration.slug, "key": api_key.prefix})
        flash(_("The key %(prefix)s… no longer works.", prefix=api_key.prefix), "success")
    return redirect(url_for(".edit_integration", integration_id=integration.id))


# --- recruiters ----------------------------------------------------------------------------------------

@bp.get("/recruiter/waiting")
def list_waiting():
    """Rejections the integrations brought in that have had no e-mail yet: waiting for a personal line, or
    for their automatic e-mail (which a recruiter can still stop, or overtake by writing a line)."""
    return render_template("integrations/waiting.html", candidates=services.waiting_for_a_line(),
                           total=services.count_waiting())


@bp.post("/recruiter/waiting/<int:candidate_id>/stop")
def stop_automatic_email(candidate_id: int):
    """No automatic e-mail for this candidate: they wait for a recruiter's personal line."""
    candidate = db.session.get(Candidate, candidate_id) or abort(404)
    if ActionForm().validate_on_submit():
        if services.stop_automatic_email(candidate):
            flash(_("%(name)s gets no automatic e-mail; write the personal line when you can.", name=candidate.name),
                  "success")
        else:
            flash(_("There was no automatic e-mail waiting for %(name)s.", name=candidate.name), "info")
    return redirect(url_for(".list_waiting"))


@bp.get("/recruiter/integrations")
def list_follow_ups():
    """Per integration, what happens when a rejection comes in."""
    integrations = [i for i in services.list_integrations() if i.active]
    forms = {i.id: FollowUpForm(prefix=f"i{i.id}", data={"follow_up": i.follow_up.value,
                                                         "delay_minutes": i.auto_send_delay_minutes})
             for i in integrations}
    return render_template("integrations/follow_ups.html", integrations=integrations, forms=forms,
                           labels=FOLLOW_UP_LABELS)


@bp.post("/recruiter/integrations/<int:integration_id>/follow-up")
def update_follow_up(integration_id: int):
    """Save the choice for one integration."""
    integration = _get(integration_id)
    form = FollowUpForm(prefix=f"i{integration.id}")
    if not form.validate_on_submit():
        integrations = [i for i in services.list_integrations() if i.active]
        forms = {i.id: (form if i.id == integration.id else FollowUpForm(
            prefix=f"i{i.id}", formdata=None,
            data={"follow_up": i.follow_up.value, "delay_minutes": i.auto_send_delay_minutes})) for i in integrations}
        return render_template("integrations/follow_ups.html", integrations=integrations, forms=forms,
                               labels=FOLLOW_UP_LABELS), 422
    stopped = services.set_follow_up(integration, FollowUp(form.follow_up.data), form.delay_minutes.data)
    record_audit("follow_up_changed", target_type="integration", target_id=integration.id,
                 facts={"integration": integration.slug, "follow_up": integration.follow_up,
                        "delay_minutes": integration.auto_send_delay_minutes})
    message = _("Saved: rejections from %(name)s now wait for a personal line.", name=integration.name) \
        if integration.follow_up == FollowUp.PERSONAL_LINE else \
        _("Saved: rejections from %(name)s get the default e-mail %(minutes)s minutes after they come in, unless a "
          "recruiter writes a personal line first.", name=integration.name, minutes=integration.auto_send_delay_minutes)
    if stopped:
        message += " " + ngettext("%(num)s automatic e-mail still waiting is stopped; that candidate waits for a "
                                  "personal line.", "%(num)s automatic e-mails still waiting are stopped; those "
                                  "candidates wait for a personal line.", stopped)
    flash(message, "success")
    return redirect(url_for(".list_follow_ups"))
