"""The feedback checker on what reaches a candidate: the personal line of each rejection e-mail (in the
preview, per candidate), the e-mail templates and their default texts. Warnings never block silently:
sending (or saving a template) with warnings needs an explicit confirmation that says how many lines have
warnings, and the audit log records who went ahead despite which kinds of warning, never the text."""

import pytest
import sqlalchemy as sa

from app.audit.services import facts_of
from app.candidates import services
from app.checker import WarningsNotConfirmed, check_texts
from app.extensions import db
from app.models import AuditEntry, EmailTemplate, Stage
from tests.candidates.helpers import CANDIDATES, page_text
from tests.candidates.test_rejection_email import add, preview, send
from tests.helpers import outbox

GOOD = ("Your experience with wound care stood out. For this role we need at least three years on an intensive "
        "care unit; you have one.")
BAD_NL = "Je paste gewoon niet in het team, de klik ontbrak."
BAD_EN = "You came across as insecure, and other candidates had more experience."


def _overrides() -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "warning_overridden")
                                   .order_by(AuditEntry.id)))


def test_the_preview_shows_the_checkers_warnings_for_each_personal_line(app, english_client, recruiter):
    anna = add(language="nl")
    ben = add(name="Ben Smith", email="ben@example.org")
    url, ids = f"{CANDIDATES}/rejections", f"{anna.id},{ben.id}"
    page = preview(english_client, url, {anna.id: BAD_NL, ben.id: GOOD}, ids=ids)
    body = page.get_data(as_text=True)
    anna_box = body.split(f'id="warnings-line_{anna.id}"', 1)[1].split("</div>", 1)[0]
    assert "paste gewoon niet in het team" in anna_box and "klik ontbrak" in anna_box
    assert "No vague phrases: name the concrete area." in anna_box
    assert f'id="warnings-line_{ben.id}"' in body
    ben_box = body.split(f'id="warnings-line_{ben.id}"', 1)[1].split(">", 1)[0]
    assert "hidden" in ben_box  # no warnings for Ben's line
    assert "1 personal line has a warning from the feedback checker (of 2 lines)." in page_text(page)
    assert 'data-check-url="/recruiter/feedback-check"' in body


def test_sending_a_selection_with_warnings_needs_a_confirmation_and_is_audited(app, english_client, recruiter):
    anna = add(language="nl")
    ben = add(name="Ben Smith", email="ben@example.org")
    carla = add(name="Carla Mol", email="carla@example.org")
    url, ids = f"{CANDIDATES}/rejections", f"{anna.id},{ben.id},{carla.id}"
    lines = {anna.id: BAD_NL, ben.id: BAD_EN, carla.id: GOOD}
    previewed = preview(english_client, url, lines, ids=ids)

    refused = send(english_client, url, previewed, lines, ids=ids)
    assert refused.status_code == 422
    text = page_text(refused)
    assert "2 personal lines have a warning from the feedback checker (of 3 lines)." in text
    assert "Nothing is sent until you confirm." in text
    assert outbox() == [] and _overrides() == []
    # At the top of a page of up to 100 cards, linked to the checkbox at the bottom.
    body = refused.get_data(as_text=True)
    summary = body[body.index('class="error-summary"'):body.index("</ul>", body.index('class="error-summary"'))]
    assert '<a href="#confirm_warnings">Confirm that you have read the checker' in summary
    assert body.index('class="error-summary"') < body.index("<h1")

    sent = send(english_client, url, refused, lines, ids=ids, confirm_warnings="y")
    assert sent.status_code == 302
    assert len(outbox("rejection")) == 3
    entries = _overrides()
    assert {(e.target_type, e.target_id) for e in entries} == {("candidate", anna.id), ("candidate", ben.id)}
    by_id = {e.target_id: e for e in entries}
    assert facts_of(by_id[anna.id]) == {"sent": "rejection", "warnings": ["personality", "vague"]}
    assert facts_of(by_id[ben.id]) == {"sent": "rejection", "warnings": ["comparison", "personality"]}
    assert all(e.user_email == recruiter.email and e.at is not None for e in entries)
    for entry in entries:  # the log names kinds of warning, never the text
        assert "klik" not in entry.detail and "insecure" not in entry.detail


def test_a_line_without_warnings_is_sent_without_a_confirmation(app, english_client, recruiter):
    anna = add()
    url = f"{CANDIDATES}/{anna.id}/rejection"
    previewed = preview(english_client, url, {anna.id: GOOD})
    assert "personal lines" not in page_text(previewed)
    assert send(english_client, url, previewed, {anna.id: GOOD}).status_code == 302
    assert len(outbox("rejection")) == 1 and _overrides() == []


def test_the_service_refuses_to_send_unconfirmed_warnings(app):
    anna = add()
    with app.test_request_context():
        with pytest.raises(WarningsNotConfirmed):
            services.send_rejections([anna], {anna.id: BAD_EN})
        db.session.rollback()
        assert outbox() == []
        services.send_rejections([anna], {anna.id: BAD_EN}, warnings_confirmed=True)
        db.session.commit()
    assert len(outbox("rejection")) == 1 and len(_overrides()) == 1


def test_a_rejection_whose_edited_template_has_warnings_needs_the_confirmation(app, english_client, recruiter):
    db.session.add(EmailTemplate(language="en", stage=Stage.CV_SCREENING, subject="Your application",
                                 body="Dear {name},\n\nWe'll call you when something comes up."))
    db.session.commit()
    anna = add()
    url = f"{CANDIDATES}/{anna.id}/rejection"
    previewed = preview(english_client, url, {anna.id: GOOD})
    text = page_text(previewed)
    assert "The template this e-mail starts with has warnings too" in text and "1 template has a warning." in text
    assert send(english_client, url, previewed, {anna.id: GOOD}).status_code == 422
    assert outbox() == []
    assert send(english_client, url, previewed, {anna.id: GOOD}, confirm_warnings="y").status_code == 302
    [entry] = _overrides()
    assert facts_of(entry) == {"sent": "rejection", "warnings": ["false_promise"]}


# --- the templates --------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "stage"), list(services.DEFAULT_TEMPLATES))
def test_the_default_texts_pass_the_checker(app, language, stage):
    subject, body = services.DEFAULT_TEMPLATES[(language, stage)]
    assert check_texts({"subject": subject, "body": body}, language) == {"subject": [], "body": []}


def test_an_edited_template_is_checked_before_it_is_saved(app, english_client, recruiter):
    url = f"{CANDIDATES}/templates/nl/cv_screening"
    page = english_client.get(url)
    assert 'data-check-url="/recruiter/feedback-check"' in page.get_data(as_text=True)
    body = "Beste {name},\n\nAndere kandidaten pasten beter bij het profiel. We houden je zeker in gedachten."
    refused = english_client.post(url, data={"subject": "Je sollicitatie", "body": body})
    assert refused.status_code == 422
    text = page_text(refused)
    assert "It is saved only when you confirm." in text and "Andere kandidaten" in text
    assert body.split("\n")[-1] in refused.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(EmailTemplate.id))) == 0

    saved = english_client.post(url, data={"subject": "Je sollicitatie", "body": body, "confirm_warnings": "y"})
    assert saved.status_code == 302
    [row] = db.session.scalars(sa.select(EmailTemplate))
    [entry] = _overrides()
    assert (entry.target_type, entry.target_id) == ("email_template", row.id)
    assert facts_of(entry) == {"sent": "template", "language": "nl", "stage": "cv_screening",
                               "warnings": ["comparison", "vague", "false_promise"]}
    assert "Andere" not in entry.detail

    # The saved template shows its warnings when it is opened again.
    assert "Andere kandidaten" in page_text(english_client.get(url)).split("Example")[0]
