"""The candidate's data from their own link, and erasure on request by staff."""

import json

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from app.audit.services import record_audit
from app.auth.decorators import STAFF, role_required
from app.core.query import choice_arg
from app.database import writes_on_get
from app.extensions import db, limiter
from app.models import Candidate
from app.privacy.services import erase_person, export_person, same_person
from app.tokens import current_candidate, load_candidate_from_url

bp = Blueprint("privacy", __name__)
limiter.limit(lambda: current_app.config["TOKEN_PAGE_RATE_LIMIT"])(bp)


class EraseForm(FlaskForm):
    confirm = BooleanField(validators=[DataRequired()])


bp.before_request(load_candidate_from_url)


@bp.get("/b/<token>/privacy")
def show_data(token: str):
    """What we keep about you, for how long, and your buttons to download or erase it."""
    candidate = current_candidate()
    return render_template("privacy/show.html", candidate=candidate, token=token, form=EraseForm(),
                           applications=len(same_person(candidate)))


@bp.get("/b/<token>/privacy/data.json")
@writes_on_get  # the audit log records the download
def download_data(token: str):
    """Everything we keep about you, as a JSON file."""
    candidate = current_candidate()
    data = export_person(candidate)
    record_audit("data_downloaded", target_type="candidate", target_id=candidate.id, detail="by the candidate")
    return Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="mijn-gegevens.json"'})


@bp.post("/b/<token>/privacy/erase")
def erase_data(token: str):
    """Erase everything about you, after ticking the confirmation."""
    form = EraseForm()
    candidate = current_candidate()
    if not form.validate_on_submit():
        flash(_("Please tick the box to confirm that you want your data erased."), "error")
        return render_template("privacy/show.html", candidate=candidate, token=token, form=form,
                               applications=len(same_person(candidate))), 422
    language = candidate.language
    erase_person(candidate, reason="at the candidate's request")
    return redirect(url_for("privacy.show_erased", lang=language))


@bp.get("/privacy/erased")
def show_erased():
    """Confirmation after erasure, in the language of the person who was erased; the link no longer works."""
    g.candidate_language = choice_arg("lang", current_app.config["LANGUAGES"])
    return render_template("privacy/erased.html")


@bp.route("/recruiter/candidates/<int:candidate_id>/erase", methods=["GET", "POST"])
@role_required(*STAFF)
def erase_candidate(candidate_id: int):
    """Erase a person's data at their request (by e-mail or phone)."""
    candidate = db.session.get(Candidate, candidate_id) or abort(404)
    form = EraseForm()
    if request.method == "POST":
        if form.validate_on_submit():
            erase_person(candidate, reason="on request, by staff")
            flash(_("All data of this person has been erased."), "success")
            return redirect(url_for("recruiter.show_overview"))
        flash(_("Please tick the box to confirm the erasure."), "error")
    return render_template("privacy/staff_erase.html", candidate=candidate, form=form,
                           applications=same_person(candidate)), 422 if form.errors else 200
