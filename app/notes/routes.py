"""The recruiter's side of a conversation: the day agenda, preparation notes with the feedback checker,
the outcome, the talent-pool offer and the written summary; and the checker's rules."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import checker
from app.advice import services as advice
from app.audit.services import record_audit_once
from app.auth.decorators import STAFF, only_for, role_required
from app.core.forms import form_status
from app.core.languages import offered
from app.core.query import choice_arg, flag_arg, json_body
from app.core.views import button_action
from app.database import writes_on_get
from app.extensions import db
from app.i18n import clock
from app.models import AdviceField, Booking, FeedbackRule, FeedbackSession, Role, Topic
from app.notes import services
from app.notes.forms import (
    ALL_TOPICS,
    CHOSEN_TOPICS,
    NOTE_HINTS,
    NOTE_LABELS,
    OUTCOMES,
    SUMMARY_LABELS,
    NoteForm,
    OutcomeForm,
    PoolOfferForm,
    RuleForm,
    SummaryForm,
)
from app.talent import services as talent

bp = Blueprint("notes", __name__, url_prefix="/recruiter")
only_for(bp, *STAFF)

CHECK_MAX_LENGTH = 20_000


def _get_or_404(model, ident: int):
    return db.session.get(model, ident) or abort(404)


def _booking(booking_id: int) -> Booking:
    return _get_or_404(Booking, booking_id)


# --- the day agenda ----------------------------------------------------------------------------------

@bp.get("/sessions/<int:feedback_session_id>/agenda")
def show_agenda(feedback_session_id: int):
    """The conversations of one feedback hour in time order, to prepare and to print for the day."""
    feedback_session = _get_or_404(FeedbackSession, feedback_session_id)
    host_ids = [str(h.id) for h in feedback_session.hosts]
    # A host sees their own conversations first; everyone can see them all.
    mine = str(current_user.id) if str(current_user.id) in host_ids else "all"
    chosen = choice_arg("host", [*host_ids, "all"], default=mine)
    rows = services.session_agenda(feedback_session, host_id=None if chosen == "all" else int(chosen))
    booked = [row.booking for row in rows if row.booking is not None]
    context = {
        "feedback_session": feedback_session, "rows": rows, "booked": booked, "is_prepared": services.is_prepared,
        "chosen_host": chosen, "several_hosts": len(host_ids) > 1,
        "prepared": sum(1 for b in booked if services.is_prepared(b.note)),
        "with_notes": flag_arg("notes"),
        "note_labels": NOTE_LABELS,
    }
    if flag_arg("print"):
        return render_template("notes/agenda_print.html", **context)
    return render_template("notes/agenda.html", **context)


# --- preparation notes -------------------------------------------------------------------------------

def _note_page(booking: Booking, form: NoteForm, status: int = 200):
    texts = {name: form[name].data or "" for name in services.NOTE_FIELDS}
    return render_template(
        "notes/edit_note.html", booking=booking, candidate=booking.candidate, form=form,
        hints=NOTE_HINTS,
        warnings=services.text_warnings(texts, booking.candidate.language), note=booking.note,
    ), status


@bp.route("/bookings/<int:booking_id>/notes", methods=["GET", "POST"])
@writes_on_get  # the audit log records who read the notes
def edit_note(booking_id: int):
    """The preparation, by the three talking points plus free notes; warnings from the checker beside each."""
    booking = _booking(booking_id)
    form = NoteForm(obj=booking.note)
    if not form.is_submitted() and booking.note is not None:
        record_audit_once("note_viewed", target_type="booking", target_id=booking.id)
    if not form.validate_on_submit():
        return _note_page(booking, form, form_status(form))
    services.save_note(booking, {name: form[name].data for name in services.NOTE_FIELDS}, user=current_user)
    flash(_("The notes are saved."), "success")
    return redirect(url_for(".edit_note", booking_id=booking.id))


@bp.post("/bookings/<int:booking_id>/notes/autosave")
def autosave_note(booking_id: int):
    """Save the notes as typed (called by notes.js while the recruiter writes); answers in JSON."""
    booking = _booking(booking_id)
    form = NoteForm()
    if not form.validate():
        errors = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        first = next(iter(errors.items()), None)
        message = (_("Not saved: %(field)s %(error)s", field=form[first[0]].label.text, error=first[1][0])
                   if first and first[0] in form else _("Not saved. Please try again."))
        return jsonify(saved=False, message=message, errors=errors), 422
    texts = {name: form[name].data for name in services.NOTE_FIELDS}
    note = services.save_note(booking, texts, user=current_user)
    warnings = services.text_warnings(texts, booking.candidate.language)
    return jsonify(
        saved=True, saved_at=clock(note.updated_at),
        message=_("Saved at %(time)s", time=clock(note.updated_at)),
        warnings={name: [w.as_json() for w in found] for name, found in warnings.items()},
    )


@bp.post("/feedback-check")
def check_text():
    """The checker's warnings for a text, while the recruiter types (JSON in, JSON out)."""
    data = json_body()
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str):
        return jsonify(error=_("Send the text to check as JSON: {\"text\": \"...\"}.")), 400
    if len(text) > CHECK_MAX_LENGTH:
        return jsonify(error=_("This text is too long to check.")), 400
    language = data.get("language") if data.get("language") in current_app.config["LANGUAGES"] else ""
    found = checker.check_languages(text, checker.languages_for(language))
    return jsonify(warnings=[w.as_json() for w in found])


# --- after the conversation --------------------------------------------------------------------------

def _outcome_page(booking: Booking, form: OutcomeForm, status: int = 200):
    return render_template(
        "notes/outcome.html", booking=booking, candidate=booking.candidate, form=form,
        pool_form=PoolOfferForm(), pool_member=talent.current_membership(booking.candidate),
        pool_question=talent.open_request(booking.candidate), pool_answered=talent.last_answer(booking.candidate),
        current_outcome=services.current_outcome(booking), outcomes=OUTCOMES,
    ), status


@bp.route("/bookings/<int:booking_id>/outcome", methods=["GET", "POST"])
def record_outcome(booking_id: int):
    """How the conversation went, whether the candidate turned out suitable, and what follows."""
    booking = _booking(booking_id)
    form = OutcomeForm(obj=booking)
    if not form.is_submitted():
        form.outcome.data = services.current_outcome(booking) or "attended"
    if not form.validate_on_submit():
        return _outcome_page(booking, form, form_status(form))
    try:
        services.record_outcome(
            booking, form.outcome.data, suitable_after_all=form.suitable_after_all.data,
            follow_up_action=form.follow_up_action.data, follow_up_on=form.follow_up_on.data, user=current_user,
        )
    except services.NotesError as exc:
        flash(str(exc.message), "error")
        return _outcome_page(_booking(booking_id), form, 409)
    flash(_("The outcome is saved."), "success")
    return redirect(url_for(".record_outcome", booking_id=booking.id))


@bp.post("/bookings/<int:booking_id>/talent-pool")
def offer_pool(booking_id: int):
    """Ask the candidate by e-mail whether they want to join the talent pool."""
    booking = _booking(booking_id)
    if PoolOfferForm().validate_on_submit():
        try:
            talent.request_consent(booking.candidate)
        except talent.TalentError as exc:
            flash(str(exc.message), "info")
        else:
            flash(_("%(name)s has been sent an e-mail asking for consent to join the talent pool.",
                    name=booking.candidate.name), "success")
    return redirect(url_for(".record_outcome", booking_id=booking.id))


# --- the written summary -----------------------------------------------------------------------------

def _snippet_filters(booking: Booking, form: SummaryForm) -> tuple[AdviceField, list[str]]:
    """The field of work and the topics whose snippets the summary page offers, as chosen on the form; at
    first (and for anything unknown) the candidate's vacancy field and the topics they chose."""
    field = form.snippet_field.data
    if field not in {f.value for f in AdviceField}:
        field = form.snippet_field.data = advice.candidate_field(booking.candidate).value
    topics = form.snippet_topics.data
    if topics not in {CHOSEN_TOPICS, ALL_TOPICS, *(t.value for t in Topic)}:
        topics = form.snippet_topics.data = CHOSEN_TOPICS
    if form.insert_into.data not in services.SUMMARY_FIELDS:
        form.insert_into.data = "advice"
    if topics == CHOSEN_TOPICS:
        chosen = [t for t in booking.topics if t in {t.value for t in Topic}]
    else:
        chosen = [] if topics == ALL_TOPICS else [topics]
    return AdviceField(field), chosen


def _summary_page(booking: Booking, form: SummaryForm, *, blocked=None, preview: bool = False,
                  status: int = 200, confirm_needed: bool = False):
    texts = {name: form[name].data or "" for name in services.SUMMARY_FIELDS}
    warnings = services.text_warnings(texts, booking.candidate.language)
    field, topics = _snippet_filters(booking, form)
    return render_template(
        "notes/summary.html", booking=booking, candidate=booking.candidate, form=form, blocked=blocked,
        preview_text=services.summary_preview(booking, texts) if preview else None,
        warnings=warnings, warned_parts=sum(1 for found in warnings.values() if found),
        confirm_needed=confirm_needed,
        snippets=advice.snippets_for(offered(booking.candidate.language), field=field, topics=topics),
        field_labels=advice.FIELD_LABELS,
    ), status


def _insert_snippet(booking: Booking, form: SummaryForm) -> None:
    """Append the chosen snippet to the chosen part of the summary (the page without JavaScript; with it,
    static/js/advice.js inserts it at the cursor instead)."""
    snippet = advice.active_snippet(form.insert.data, offered(booking.candidate.language))
    if snippet is None:
        flash(_("This snippet is no longer offered. Choose another one."), "error")
        return
    target = form.insert_into.data if form.insert_into.data in services.SUMMARY_FIELDS else "advice"
    form[target].data = advice.appended(form[target].data, snippet.body)
    flash(_("“%(title)s” is added to “%(part)s”. Edit it for this candidate.", title=snippet.title,
            part=str(SUMMARY_LABELS[target])), "info")


@bp.route("/bookings/<int:booking_id>/summary", methods=["GET", "POST"])
def send_summary(booking_id: int):
    """Write, preview and send the candidate a short summary of the advice, starting from the notes."""
    booking = _booking(booking_id)
    if request.method == "GET":
        form = SummaryForm(data=services.summary_defaults(booking) | {
            "snippet_field": advice.candidate_field(booking.candidate).value, "snippet_topics": CHOSEN_TOPICS})
    else:
        form = SummaryForm()
    try:
        services.check_summary_possible(booking)
    except services.NotesError as exc:
        return _summary_page(booking, form, blocked=exc.message, status=409 if form.is_submitted() else 200)
    if not form.is_submitted():
        return _summary_page(booking, form)
    if not form.validate():
        for message in form.insert.errors:  # the snippet buttons have no field of their own to show it beside
            flash(str(message), "error")
        return _summary_page(booking, form, status=422)
    if form.insert.data is not None or form.show_snippets.data:
        if form.insert.data is not None:
            _insert_snippet(booking, form)
        return _summary_page(booking, form)
    texts = {name: form[name].data for name in services.SUMMARY_FIELDS}
    if not any(text.strip() for text in texts.values()):
        flash(str(services.SummaryEmpty.message), "error")
        return _summary_page(booking, form, status=422)
    if not form.send.data:
        return _summary_page(booking, form, preview=True)
    try:
        services.send_summary(booking, texts, warnings_confirmed=form.confirm_warnings.data)
    except checker.WarningsNotConfirmed:  # raised before anything is written
        return _summary_page(booking, form, preview=True, status=422, confirm_needed=True)
    except services.NotesError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".send_summary", booking_id=booking_id))
    flash(_("The summary has been sent to %(name)s.", name=booking.candidate.name), "success")
    return redirect(url_for(".record_outcome", booking_id=booking.id))


# --- the checker's rules -----------------------------------------------------------------------------

def _rules_page(form: RuleForm | None = None, status: int = 200):
    return render_template(
        "notes/rules.html", shipped={language: checker.file_rules(language).rules for language in checker.languages()},
        lists={language: checker.rules.list_entries(language) for language in checker.languages()},
        added=checker.admin_rows(),
        categories=checker.CATEGORIES, form=form or RuleForm(),
        is_admin=current_user.role == Role.ADMIN,
    ), status


@bp.get("/feedback-rules")
def list_rules():
    """Every rule the checker uses: those shipped per language and those admins added."""
    return _rules_page()


@bp.post("/feedback-rules")
@role_required(Role.ADMIN)
def add_rule():
    """Add a rule on top of the shipped ones."""
    form = RuleForm()
    if not form.validate_on_submit():
        return _rules_page(form, 422)
    services.add_rule(language=form.language.data, category=form.category.data, pattern=form.pattern.data,
                      suggestion=form.suggestion.data, syntax=form.syntax.data)
    flash(_("The rule is added. The checker uses it from now on."), "success")
    return redirect(url_for(".list_rules"))


@bp.post("/feedback-rules/<int:rule_id>/delete")
@role_required(Role.ADMIN)
def delete_rule(rule_id: int):
    """Remove a rule an admin added (the shipped rules stay)."""
    rule = _get_or_404(FeedbackRule, rule_id)
    return button_action(lambda: services.delete_rule(rule), _("The rule is removed."), back=url_for(".list_rules"))
