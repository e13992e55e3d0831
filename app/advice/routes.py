"""The advice library: recruiters make, edit, retire and bring back advice snippets."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.advice import services
from app.advice.forms import SnippetForm
from app.auth.decorators import STAFF, only_for
from app.core.forms import form_status
from app.core.languages import languages
from app.core.query import choice_arg
from app.core.views import button_action
from app.extensions import db
from app.models import AdviceField, AdviceSnippet, Topic

bp = Blueprint("advice", __name__, url_prefix="/recruiter/advice")
only_for(bp, *STAFF)


def _snippet(snippet_id: int) -> AdviceSnippet:
    return db.session.get(AdviceSnippet, snippet_id) or abort(404)


@bp.get("/")
def list_snippets():
    """The snippets in use, and those retired, per language."""
    language = choice_arg("language", set(languages())) or ""
    return render_template(
        "advice/list.html", snippets=services.list_snippets(language=language),
        retired=services.list_snippets(language=language, retired=True), language=language,
        field_labels=services.FIELD_LABELS, languages=languages(),
    )


def _values(form: SnippetForm) -> dict:
    return {"language": form.language.data, "field": AdviceField(form.field.data), "topic": Topic(form.topic.data),
            "title": form.title.data, "body": form.body.data}


def _form_page(form: SnippetForm, snippet: AdviceSnippet | None = None, status: int = 200):
    return render_template("advice/form.html", form=form, snippet=snippet), status


@bp.route("/new", methods=["GET", "POST"])
def create_snippet():
    """Write a new piece of advice to reuse in summaries."""
    form = SnippetForm()
    if not form.validate_on_submit():
        return _form_page(form, status=form_status(form))
    try:
        services.create_snippet(**_values(form), user=current_user)
    except services.AdviceError as exc:
        form.title.errors = [exc.message]
        return _form_page(form, status=409)
    flash(_("The snippet is saved."), "success")
    return redirect(url_for(".list_snippets"))


@bp.route("/<int:snippet_id>", methods=["GET", "POST"])
def edit_snippet(snippet_id: int):
    """Change a snippet's title, field, topic, language or text."""
    snippet = _snippet(snippet_id)
    form = SnippetForm(obj=snippet)
    if not form.validate_on_submit():
        return _form_page(form, snippet, form_status(form))
    try:
        services.update_snippet(snippet, **_values(form), user=current_user)
    except services.AdviceError as exc:
        db.session.rollback()
        form.title.errors = [exc.message]
        return _form_page(form, _snippet(snippet_id), 409)
    flash(_("The snippet is saved."), "success")
    return redirect(url_for(".list_snippets"))


@bp.post("/<int:snippet_id>/retire")
def retire_snippet(snippet_id: int):
    """Stop offering a snippet; it can be brought back."""
    snippet = _snippet(snippet_id)
    return button_action(lambda: services.retire_snippet(snippet, user=current_user),
                         _("The snippet is retired: it is no longer offered in summaries."),
                         back=url_for(".list_snippets"))


@bp.post("/<int:snippet_id>/restore")
def restore_snippet(snippet_id: int):
    """Offer a retired snippet again."""
    snippet = _snippet(snippet_id)
    return button_action(lambda: services.restore_snippet(snippet, user=current_user),
                         _("The snippet is offered again."), back=url_for(".list_snippets"))
