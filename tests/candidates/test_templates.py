"""The editable rejection e-mail templates: defaults per language and stage, only {name} and {vacancy}
as placeholders (anything else is refused with a clear message on save), and edits that reach the e-mail."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.candidates.services import (
    DEFAULT_TEMPLATES,
    get_template,
    placeholder_errors,
    preview_rejection,
)
from app.extensions import db
from app.models import Candidate, EmailTemplate, Stage
from tests.candidates.helpers import CANDIDATES, page_text


@pytest.mark.parametrize("text", [
    "Beste {name}, dank je voor je sollicitatie voor {vacancy}.",
    "No placeholders at all.",
    "A literal brace: {{ and }}.",
])
def test_good_placeholders(app, english, text):
    assert placeholder_errors(text) == []


@pytest.mark.parametrize("text, message", [
    ("Beste {naam},", "Unknown placeholder {naam}. You can use {name}, {vacancy}."),
    ("Dear {first_name},", "Unknown placeholder {first_name}"),
    ("Dear {},", "Empty braces {} are not a placeholder"),
    ("Dear {0},", "Unknown placeholder {0}"),
    ("Dear {name.upper},", "Unknown placeholder {name.upper}"),
    ("Dear {name!r},", "without anything after it"),
    ("Dear {name:>20},", "without anything after it"),
    ("Dear {name,", "not closed or not opened"),
    ("Dear name},", "not closed or not opened"),
])
def test_bad_placeholders_are_named(app, english, text, message):
    errors = [str(e) for e in placeholder_errors(text)]
    assert errors and message in errors[0]


def test_every_language_and_stage_has_a_default(app, english):
    for language in ("nl", "en"):
        for stage in Stage:
            subject, body = DEFAULT_TEMPLATES[(language, stage)]
            assert placeholder_errors(subject) == placeholder_errors(body) == []
            assert "{name}" in body and "{vacancy}" in body
            assert not get_template(language, stage).edited


def test_an_unknown_placeholder_is_refused_on_save_and_the_text_is_kept(app, english_client, recruiter):
    url = f"{CANDIDATES}/templates/nl/cv_screening"
    body = "Beste {voornaam},\n\nDank je wel voor je sollicitatie voor {vacancy}."
    response = english_client.post(url, data={"subject": "Je sollicitatie voor {vacancy}", "body": body})
    assert response.status_code == 422
    assert "Unknown placeholder {voornaam}" in page_text(response)
    assert "Beste {voornaam}," in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(EmailTemplate.id))) == 0

    response = english_client.post(url, data={"subject": "Over {vacature}", "body": "Beste {name},"})
    assert response.status_code == 422
    assert "Unknown placeholder {vacature}" in page_text(response)


def test_an_edited_template_is_used_and_can_be_reset(app, english_client, recruiter, english):
    url = f"{CANDIDATES}/templates/en/phone"
    overview = page_text(english_client.get(f"{CANDIDATES}/templates"))
    assert overview.count("Default text") == 6

    response = english_client.post(url, data={"subject": "About {vacancy}",
                                      "body": "Hi {name},\n\nThanks for the call about {vacancy}. We stop here."})
    assert response.status_code == 302
    page = page_text(english_client.get(url))
    assert "The template is saved" in page
    assert "Hi Sam," in page  # the example as a candidate would get it

    ben = Candidate(name="Ben Smith", email="ben@example.org", vacancy="Data analyst", stage=Stage.PHONE,
                    rejected_on=date.today(), language="en")
    db.session.add(ben)
    db.session.commit()
    preview = preview_rejection(ben, "A line.")
    assert preview.email.subject == "About Data analyst"
    assert preview.text.startswith("Hi Ben,\n\nThanks for the call about Data analyst. We stop here.")

    assert english_client.post(f"{url}/reset").status_code == 302
    assert get_template("en", Stage.PHONE).subject == DEFAULT_TEMPLATES[("en", Stage.PHONE)][0]
    assert db.session.scalar(sa.select(sa.func.count(EmailTemplate.id))) == 0


def test_unknown_template_addresses_are_not_found(app, english_client, recruiter):
    for url in ("templates/fr/phone", "templates/nl/assessment", "templates/nl/PHONE"):
        assert english_client.get(f"{CANDIDATES}/{url}").status_code == 404
