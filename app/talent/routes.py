"""The recruiter's talent pool: the members, one member with their history and tags, and recording
re-applications and hires of earlier candidates."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth.decorators import STAFF, only_for
from app.core.forms import ActionForm, form_status
from app.core.query import page_arg, text_arg
from app.database import utcnow
from app.extensions import db
from app.models import Candidate, PoolMembership
from app.talent import services
from app.talent.forms import HireForm, ReapplicationForm, TagForm

bp = Blueprint("talent", __name__, url_prefix="/recruiter/talent")
only_for(bp, *STAFF)  # every page here shows names and addresses


@bp.context_processor
def _labels() -> dict:
    return {
        "tag_kinds": services.TAG_KINDS,
        "pool_source_label": lambda source: str(services.SOURCES.get(source, source)),
    }


def _member(membership_id: int) -> PoolMembership:
    """The current membership; when it has ended or was withdrawn, the recruiter is told so on the list."""
    membership = services.get_member(membership_id)
    if membership is None:
        flash(_("This person is not in the talent pool (any more): the consent was withdrawn or has ended."), "info")
        abort(redirect(url_for(".list_members")))
    return membership


@bp.get("/")
def list_members():
    """Members with current consent, filtered by skill, department or name; consent ending soon stands out."""
    filters = {key: text_arg(key) for key in ("q", "skill", "department")}
    result = services.list_members(
        skill=filters["skill"], department=filters["department"], search=filters["q"], page=page_arg(),
    )
    skills, departments = services.filter_choices()
    return render_template(
        "talent/list.html", result=result, skills=skills, departments=departments, filters=filters,
        filtered=any(filters.values()), now=utcnow(),
    )


@bp.get("/<int:membership_id>")
def show_member(membership_id: int):
    """One member: consent, tags, and their applications, conversations, re-applications and hires."""
    membership = _member(membership_id)
    return _member_page(membership, TagForm())


def _member_page(membership: PoolMembership, form: TagForm, status: int = 200):
    return render_template(
        "talent/show.html", membership=membership, candidate=membership.candidate, form=form,
        history=services.member_history(membership),
        expiring_soon=services.expiring_soon(membership, utcnow()),
    ), status


@bp.post("/<int:membership_id>/tags")
def add_tag(membership_id: int):
    """Add a skill or a preferred department; a bad or duplicate tag comes back with the text kept."""
    membership = _member(membership_id)
    form = TagForm()
    if not form.validate_on_submit():
        return _member_page(membership, form, 422)
    try:
        tag = services.add_tag(membership, form.kind.data, form.value.data)
    except services.TalentError as error:
        form.value.errors.append(error.message)
        return _member_page(membership, form, 422)
    flash(_("The tag “%(tag)s” is added.", tag=tag.value), "success")
    return redirect(url_for(".show_member", membership_id=membership.id))


@bp.post("/<int:membership_id>/tags/<int:tag_id>/remove")
def remove_tag(membership_id: int, tag_id: int):
    """Remove a tag from the member."""
    membership = _member(membership_id)
    if ActionForm().validate_on_submit():
        if services.remove_tag(membership, tag_id):
            flash(_("The tag is removed."), "success")
        else:
            flash(_("That tag was already removed."), "info")
    return redirect(url_for(".show_member", membership_id=membership.id))


@bp.get("/records")
def list_records():
    """The latest re-applications and hires of earlier candidates."""
    reapplications, hires = services.recent_records()
    return render_template("talent/records.html", reapplications=reapplications, hires=hires)


def _prefill_email(form) -> None:
    if not form.is_submitted():
        form.email.data = text_arg("email", max_length=320)


def _recorded(form, day_field, record):
    """What ``record()`` recorded once the form is valid; None before, or when it is refused, with the
    reason at the field it is about."""
    if not form.validate_on_submit():
        return None
    try:
        return record()
    except services.UnknownEmail as error:
        form.email.errors.append(error.message)
    except services.UnreasonableDate as error:
        day_field.errors.append(error.message)
    except services.TalentError as error:
        flash(error.message, "error")
    return None


def _form_page(template: str, form):
    return render_template(template, form=form), form_status(form)


@bp.route("/reapplications/new", methods=["GET", "POST"])
def record_reapplication():
    """Record that an earlier candidate applied again, found by e-mail address."""
    form = ReapplicationForm()
    _prefill_email(form)
    if not form.is_submitted():
        form.applied_on.data = services.today_local()
    reapplication = _recorded(form, form.applied_on, lambda: services.record_reapplication(
        form.email.data, form.vacancy.data, form.applied_on.data))
    if reapplication is None:
        return _form_page("talent/reapplication.html", form)
    candidate = db.session.get(Candidate, reapplication.candidate_id)
    flash(_("The re-application of %(name)s for %(vacancy)s is recorded.",
            name=candidate.name, vacancy=reapplication.vacancy), "success")
    return redirect(url_for(".list_records"))


@bp.route("/hires/new", methods=["GET", "POST"])
def record_hire():
    """Record that an earlier candidate was hired; the portal works out whether it counts for the feedback hour."""
    form = HireForm()
    _prefill_email(form)
    hire = _recorded(form, form.start_date, lambda: services.record_hire(
        form.email.data, form.role.data, form.department.data, form.start_date.data))
    if hire is None:
        return _form_page("talent/hire.html", form)
    candidate = db.session.get(Candidate, hire.candidate_id)
    if hire.attributed:
        flash(_("The hire of %(name)s is recorded. It counts for the feedback hour: %(name)s had a "
                "feedback conversation before starting.", name=candidate.name), "success")
    else:
        flash(_("The hire of %(name)s is recorded. It does not count for the feedback hour: there was no "
                "feedback conversation before the start date.", name=candidate.name), "success")
    return redirect(url_for(".list_records"))
