"""The recruiter's candidates: the list, one candidate, adding by hand or from a CSV file, the rejection
e-mail with the personal link (to one or to a selection) and its templates."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app import checker
from app.audit.services import record_audit
from app.auth.decorators import STAFF, only_for
from app.candidates import services
from app.candidates.csv_import import (
    COLUMN_LABELS,
    REJECTION_REASONS,
    TARGET_LABELS,
    ImportRefused,
    read_targets,
    write_targets,
)
from app.candidates.forms import (
    BulkRejectionForm,
    CandidateForm,
    ColumnsForm,
    ConfirmImportForm,
    EmailTemplateForm,
    UploadForm,
    rejection_form,
)
from app.candidates.services import (
    PROGRESS_LABELS,
    CandidateError,
    ImportMode,
    Progress,
)
from app.core.forms import ActionForm
from app.core.languages import languages
from app.core.query import choice_arg, id_list_arg, page_arg, text_arg
from app.database import on_commit, utcnow
from app.extensions import db
from app.models import Candidate, Stage
from app.tokens import revoke_invitations

bp = Blueprint("candidates", __name__, url_prefix="/recruiter/candidates")
only_for(bp, *STAFF)  # every page here shows names and addresses

MAX_SELECTION = 100
BULK_SAMPLES = 3  # e-mails shown in full before sending to everyone
BULK_WARNED = 50  # personal lines with the checker's warnings shown at once
PREVIEW_ROWS = 20
PREVIEW_ERRORS = 100
EXAMPLE_VACANCY = {"nl": "Verpleegkundige", "en": "Nurse"}


@bp.context_processor
def _labels() -> dict:
    return {
        "progress_labels": PROGRESS_LABELS,
        "reason_label": lambda value: str(REJECTION_REASONS.get(value, value or "")),
        "reason_labels": [str(label) for label in REJECTION_REASONS.values()],
        "column_labels": COLUMN_LABELS,
    }


def _list_filters(args=None) -> dict:
    """The list's filters as the query string (or, with ``args``, a form) gives them."""
    return {"q": text_arg("q", args=args), "status": choice_arg("status", {p.value for p in Progress}, args=args),
            "vacancy": text_arg("vacancy", args=args), "department": text_arg("department", args=args)}


def _get_candidate(candidate_id: int) -> Candidate:
    return db.session.get(Candidate, candidate_id) or abort(404)


# --- the list and one candidate ---------------------------------------------------------------------

@bp.get("/")
def list_candidates():
    """Every rejected candidate with how far they got, filtered; select some to write to."""
    filters = _list_filters()
    result = services.list_candidates(
        progress=Progress(filters["status"]) if filters["status"] else None,
        vacancy=filters["vacancy"], department=filters["department"], search=filters["q"], page=page_arg(),
    )
    vacancies, departments = services.filter_choices()
    return render_template(
        "candidates/list.html", result=result, vacancies=vacancies, departments=departments,
        filters=filters, filtered=any(filters.values()),
    )


@bp.get("/<int:candidate_id>")
def show_candidate(candidate_id: int):
    """A candidate's details, links, bookings and the e-mails sent to them."""
    candidate = _get_candidate(candidate_id)
    return render_template(
        "candidates/show.html", candidate=candidate, row=services.candidate_row(candidate),
        messages=services.sent_messages(candidate), now=utcnow(),
    )


@bp.post("/<int:candidate_id>/links/revoke")
def revoke_links(candidate_id: int):
    """Make every personal link of this candidate stop working at once."""
    candidate = _get_candidate(candidate_id)
    if ActionForm().validate_on_submit():
        count = revoke_invitations(candidate)
        flash(ngettext("%(num)s link no longer works.", "%(num)s links no longer work.", count), "success")
    return redirect(url_for(".show_candidate", candidate_id=candidate.id))


@bp.route("/new", methods=["GET", "POST"])
def add_candidate():
    """Add a rejected candidate by hand."""
    form = CandidateForm()
    if form.validate_on_submit():
        try:
            candidate = services.add_candidate(form.candidate_data())
        except services.DuplicateCandidate as error:
            form.email.errors.append(error.message)
        else:
            flash(_("%(name)s is added. Write the rejection e-mail now: feedback is worth most when it comes fast.",
                    name=candidate.name), "success")
            return redirect(url_for(".show_candidate", candidate_id=candidate.id))
    if not form.is_submitted():
        form.rejected_on.data = services.today_local()
    return render_template("candidates/new.html", form=form), 422 if form.is_submitted() else 200


# --- the CSV import ---------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
def upload_import():
    """Upload a CSV export; the preview shows the counts, the errors and the first rows, or asks which column
    holds what when a required one is not recognised. Nothing is saved yet."""
    form = UploadForm()
    if form.validate_on_submit():
        limit = current_app.config["CSV_IMPORT_MAX_BYTES"]
        content = form.file.data.read(limit + 1)
        try:
            preview = services.preview_import(content)
        except ImportRefused as refused:
            form.file.errors.append(refused.message)
        else:
            import_id = services.store_upload(content)
            return _preview_page(preview, import_id, filename=form.file.data.filename or "")
    return render_template("candidates/import.html", form=form, limits=_limits()), 422 if form.is_submitted() else 200


def _limits() -> dict:
    config = current_app.config
    return {"bytes": config["CSV_IMPORT_MAX_BYTES"], "rows": config["CSV_IMPORT_MAX_ROWS"]}


def _preview_page(preview, import_id: str, *, form: ConfirmImportForm | None = None, filename: str = "",
                  status: int | None = None):
    """The preview, bounded whatever the file's size: the first PREVIEW_ROWS rows and PREVIEW_ERRORS errors."""
    form = form or ConfirmImportForm()
    form.targets.data = write_targets(preview.targets)
    return render_template(
        "candidates/import_preview.html", preview=preview, import_id=import_id, form=form,
        columns_form=ColumnsForm(formdata=None), filename=filename, target_labels=TARGET_LABELS,
        first_rows=preview.rows[:PREVIEW_ROWS], errors=preview.bad[:PREVIEW_ERRORS],
    ), status or (422 if preview.needs_mapping else 200)


def _stored_preview(import_id: str, targets=None):
    """The stored upload read again, or the page to show instead (expired, or refused now)."""
    upload = UploadForm(formdata=None)
    try:
        content = services.load_upload(import_id)
    except services.ImportExpired as error:
        upload.file.errors = [error.message]
        return None, (render_template("candidates/import.html", form=upload, limits=_limits()), 410)
    try:
        return services.preview_import(content, targets), None
    except ImportRefused as refused:  # e.g. the limits were lowered in between
        services.discard_upload(import_id)
        upload.file.errors = [refused.message]
        return None, (render_template("candidates/import.html", form=upload, limits=_limits()), 422)


@bp.post("/import/<import_id>/columns")
def map_columns(import_id: str):
    """Read the file again with the columns the recruiter chose, and remember them for this header line."""
    preview, refused = _stored_preview(import_id)
    if refused:
        return refused
    form = ColumnsForm()
    if not form.validate_on_submit():
        return _preview_page(preview, import_id, status=422)
    targets = form.chosen_targets(len(preview.headers))
    if targets is not None:
        preview, refused = _stored_preview(import_id, targets)
        if refused:
            return refused
        if not preview.needs_mapping:
            services.remember_targets(preview)
    return _preview_page(preview, import_id)


@bp.post("/import/<import_id>")
def confirm_import(import_id: str):
    """Import the uploaded file as the recruiter chose, checked again now, in one transaction."""
    form = ConfirmImportForm()
    preview, refused = _stored_preview(import_id, read_targets(form.targets.data))
    if refused:
        return refused
    if form.validate_on_submit() and not preview.needs_mapping:
        try:
            imported = services.import_candidates(preview, ImportMode(form.mode.data))
        except services.NotAllRowsGood as error:
            flash(error.message, "error")
        else:
            record_audit("import", target_type="csv", facts={"imported": imported, "skipped": len(preview.bad)})
            on_commit(lambda: services.discard_upload(import_id))
            skipped = len(preview.bad)
            message = ngettext("%(num)s candidate is imported.", "%(num)s candidates are imported.", imported)
            if skipped:
                message += " " + ngettext("%(num)s row with an error was skipped.",
                                          "%(num)s rows with an error were skipped.", skipped)
            flash(message, "success")
            return redirect(url_for(".list_candidates", status=Progress.NOT_INVITED.value))
    return _preview_page(preview, import_id, form=form, status=422)


@bp.post("/import/<import_id>/cancel")
def cancel_import(import_id: str):
    """Import nothing, and delete the uploaded file at once."""
    if ActionForm().validate_on_submit():
        services.discard_upload(import_id)
        flash(_("Nothing was imported, and the uploaded file is deleted."), "info")
    return redirect(url_for(".upload_import"))


# --- the rejection e-mail ---------------------------------------------------------------------------

@bp.route("/<int:candidate_id>/rejection", methods=["GET", "POST"])
def write_rejection(candidate_id: int):
    """Write the personal line, look at the e-mail exactly as it will go out, and send it."""
    candidate = _get_candidate(candidate_id)
    return _rejection_page([candidate], back=url_for(".show_candidate", candidate_id=candidate.id))


@bp.route("/rejections", methods=["GET", "POST"])
def write_rejections():
    """The rejection e-mail to a selection: one personal line each, all sent at once."""
    candidates = services.get_candidates(id_list_arg("ids", limit=MAX_SELECTION + 1, args=request.values))
    if not candidates:
        flash(_("Select one or more candidates first."), "error")
        return redirect(url_for(".list_candidates"))
    if len(candidates) > MAX_SELECTION:
        flash(_("Select at most %(limit)s candidates at a time.", limit=MAX_SELECTION), "error")
        return redirect(url_for(".list_candidates"))
    # Back to the list as it was filtered, so that the next ones not invited yet are there after sending.
    filters = {name: value for name, value in _list_filters(request.values).items() if value}
    return _rejection_page(candidates, back=url_for(".list_candidates", **filters), filters=filters)


@bp.route("/rejections/all", methods=["GET", "POST"])
def send_bulk_rejection():
    """The rejection e-mail to everyone not invited yet whom the list shows, with the personal line the import
    brought: one page to look at (how many, the templates, the checker's warnings, a few e-mails in full), one
    button. Sent only if they are still exactly the e-mails shown."""
    filters = {name: value for name, value in _list_filters(request.values).items()
               if value and name != "status"}
    back = url_for(".list_candidates", status=Progress.NOT_INVITED.value, **filters)
    search = {"vacancy": filters.get("vacancy", ""), "department": filters.get("department", ""),
              "search": filters.get("q", "")}
    form = BulkRejectionForm()
    status = 200
    if not form.is_submitted():
        bulk = services.bulk_rejection(**search)
    else:
        status = 422
        bulk = services.bulk_rejection(**search, check=False)
        shown = services.shown_warnings(form.fingerprint.data, bulk)
        if not form.validate():
            flash(_("The form had expired. Check the e-mails below, then send."), "warning")
        elif not bulk.candidates:
            flash(_("There is no one left to send the e-mail to."), "info")
            return redirect(back)
        elif shown is None:
            flash(_("Who gets the e-mail, or what it says, changed since you looked. Check the page again, "
                    "then send."), "warning")
        elif shown.any and not form.confirm_warnings.data:
            form.confirm_warnings.errors = [_("Confirm that you have read the checker's warnings, or change the "
                                              "texts first.")]
        else:
            sent = services.send_bulk_rejection(bulk, shown, warnings_confirmed=True)
            flash(ngettext("%(num)s rejection e-mail is on its way.", "%(num)s rejection e-mails are on their way.",
                           sent), "success")
            return redirect(back)
        bulk = services.checked(bulk)
    form.fingerprint.data = services.sign_shown(bulk)
    samples = bulk.candidates[:BULK_SAMPLES]
    return render_template(
        "candidates/bulk_rejection.html", form=form, bulk=bulk, back=back, filters=filters,
        samples=samples, previews=services.previews_of(samples, bulk.emails), warned=bulk.warned[:BULK_WARNED],
        limit=services.BULK_MAX,
    ), status


def _rejection_page(candidates: list[Candidate], *, back: str, filters: dict | None = None):
    """Preview first; send only what was previewed, and with the checker's warnings only when confirmed.
    Bad input re-renders with the text kept."""
    form = rejection_form(candidates)
    previews, status, warnings, confirm_needed = {}, 200, None, False
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                emails = services.compose_rejections(candidates, {c.id: form.line(c).data for c in candidates})
            except CandidateError as error:
                flash(error.message, "error")
            else:
                warnings = services.rejection_warnings(candidates, emails)
                if request.form.get("action") == "send":
                    sent = _send_if_previewed(form, candidates, emails, warnings, back)
                    if sent is not None:
                        return sent
                    confirm_needed = warnings.any and not form.confirm_warnings.data
                    if confirm_needed:
                        form.confirm_warnings.errors = [_("Confirm that you have read the checker's warnings, or "
                                                          "change the texts first.")]
                previews = services.previews_of(candidates, emails)
                status = 200 if not form.errors and not confirm_needed else 422
                for candidate in candidates:
                    form.seen(candidate).data = emails[candidate.id].fingerprint
    return render_template(
        "candidates/rejection.html", form=form, candidates=candidates, previews=previews, back=back,
        warnings=warnings, confirm_needed=confirm_needed, line_max=services.PERSONAL_LINE_MAX, filters=filters or {},
    ), status


def _send_if_previewed(form, candidates: list[Candidate], emails: dict, warnings, back: str):
    """Send to all, or to none: only when each e-mail is the one previewed, every re-send is confirmed and,
    where the checker warns, sending anyway is confirmed."""
    changed = [c for c in candidates if form.seen(c).data != emails[c.id].fingerprint]
    unconfirmed = [c for c in candidates if form.resend(c) is not None and not form.resend(c).data]
    for candidate in unconfirmed:
        form.resend(candidate).errors = [_("Confirm that this candidate gets the e-mail again, with a new link.")]
    if changed:
        flash(_("The e-mail changed since the preview. Check the preview below, then send."), "warning")
    if changed or unconfirmed or (warnings.any and not form.confirm_warnings.data):
        return None
    services.send_rejections(candidates, {c.id: form.line(c).data for c in candidates},
                             resend={c.id for c in candidates if form.resend(c) is not None}, composed=emails,
                             warnings_confirmed=form.confirm_warnings.data, warnings=warnings)
    if len(candidates) == 1:
        flash(_("The rejection e-mail to %(name)s is on its way, with a personal link.", name=candidates[0].name),
              "success")
        return redirect(url_for(".show_candidate", candidate_id=candidates[0].id))
    flash(ngettext("%(num)s rejection e-mail is on its way.", "%(num)s rejection e-mails are on their way.",
                   len(candidates)), "success")
    return redirect(back)


# --- the templates ----------------------------------------------------------------------------------

def _language_and_stage(language: str, stage: str) -> tuple[str, Stage]:
    if language not in languages() or stage not in Stage.__members__.values():
        abort(404)
    return language, Stage(stage)


@bp.get("/templates")
def list_templates():
    """The rejection e-mail per language and stage."""
    return render_template("candidates/templates.html", templates=services.all_templates())


@bp.route("/templates/<language>/<stage>", methods=["GET", "POST"])
def edit_template(language: str, stage: str):
    """Edit one template; unknown placeholders are refused with a message."""
    language, stage_value = _language_and_stage(language, stage)
    current = services.get_template(language, stage_value)
    form = EmailTemplateForm(data={"subject": current.subject, "body": current.body})
    confirm_needed = False
    if form.validate_on_submit():
        try:
            services.save_template(language, stage_value, form.subject.data, form.body.data,
                                   warnings_confirmed=form.confirm_warnings.data)
        except services.TemplateInvalid as error:
            form.body.errors.append(error.message)
        except checker.WarningsNotConfirmed:  # raised before anything is written
            confirm_needed = True
        else:
            flash(_("The template is saved."), "success")
            return redirect(url_for(".edit_template", language=language, stage=stage_value.value))
    warnings = services.template_warnings(language, form.subject.data or "", form.body.data or "")
    failed = bool(form.errors) or confirm_needed
    return render_template(
        "candidates/template_edit.html", form=form, template=current,
        example=_example(current) if not failed else None, warnings=warnings, confirm_needed=confirm_needed,
    ), 422 if failed else 200


def _example(template: services.TemplateText) -> services.Preview | None:
    """The saved template as a candidate would get it, with example values."""
    example = Candidate(name="Sam de Vries", email="sam@example.org", stage=template.stage,
                        vacancy=EXAMPLE_VACANCY.get(template.language, "Verpleegkundige"), language=template.language)
    with force_locale(template.language):
        line = _("(Here comes the personal line you write for each candidate.)")
    try:
        return services.preview_rejection(example, line)
    except CandidateError:
        return None


@bp.post("/templates/<language>/<stage>/reset")
def reset_template(language: str, stage: str):
    """Go back to the default text."""
    language, stage_value = _language_and_stage(language, stage)
    if ActionForm().validate_on_submit():
        services.reset_template(language, stage_value)
        flash(_("The template is back to the default text."), "success")
    return redirect(url_for(".edit_template", language=language, stage=stage_value.value))
