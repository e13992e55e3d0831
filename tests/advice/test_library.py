"""The advice library: recruiters make, edit, retire and bring back snippets, every change in the audit log;
HR does not manage it; a vacancy's field of work is read from its words."""

import sqlalchemy as sa

from app.advice.services import field_of, snippets_for
from app.extensions import db
from app.models import AdviceField, AdviceSnippet, AuditEntry, Topic
from tests.helpers import page_text, snapshot

ADVICE = "/recruiter/advice/"
STARR = {"title": "STARR method", "language": "en", "field": "any", "topic": "improve",
         "body": "Prepare three examples with the STARR method: situation, task, action, result, reflection."}


def _snippet(title: str) -> AdviceSnippet:
    db.session.rollback()
    return db.session.scalar(sa.select(AdviceSnippet).where(AdviceSnippet.title == title))


def _audit() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry.detail).where(AuditEntry.action == "advice_snippet_changed")
                                   .order_by(AuditEntry.id)))


def test_a_recruiter_makes_edits_retires_and_brings_back_a_snippet(app, english_client, recruiter):
    assert english_client.post(f"{ADVICE}new", data=STARR).status_code == 302
    snippet = _snippet("STARR method")
    assert snippet.field == AdviceField.ANY and snippet.topic == Topic.IMPROVE and snippet.language == "en"
    assert "STARR method" in page_text(english_client.get(ADVICE))

    edited = {**STARR, "title": "STARR method for interviews", "field": "care", "body": "Use STARR: a patient case."}
    assert english_client.post(f"{ADVICE}{snippet.id}", data=edited).status_code == 302
    snippet = _snippet("STARR method for interviews")
    assert snippet.field == AdviceField.CARE and snippet.body == "Use STARR: a patient case."

    assert english_client.post(f"{ADVICE}{snippet.id}/retire").status_code == 302
    assert _snippet("STARR method for interviews").retired_at is not None
    assert snippets_for("en") == []
    assert "1 snippet retired" in page_text(english_client.get(ADVICE))
    assert english_client.post(f"{ADVICE}{snippet.id}/restore").status_code == 302
    assert [s.title for s in snippets_for("en")] == ["STARR method for interviews"]

    assert _audit() == ["created: STARR method", "edited: STARR method for interviews",
                        "retired: STARR method for interviews", "restored: STARR method for interviews"]


def test_bad_input_is_answered_in_words_and_stores_nothing(app, english_client, recruiter):
    english_client.post(f"{ADVICE}new", data=STARR)
    before = snapshot()
    response = english_client.post(f"{ADVICE}new", data=STARR)
    assert response.status_code == 409
    assert "There is already a snippet with this title in this language" in page_text(response)
    for broken, message in [({"title": " "}, "Please give the snippet a short title."),
                            ({"body": ""}, "Please write the advice."),
                            ({"body": "x" * 2001}, "Please keep the advice to 2000 characters."),
                            ({"topic": "gossip"}, "Not a valid choice"),
                            ({"language": "fr"}, "Not a valid choice")]:
        response = english_client.post(f"{ADVICE}new", data={**STARR, "title": "Other", **broken})
        assert response.status_code == 422, broken
        assert message in page_text(response), broken
    assert snapshot() == before
    assert english_client.get(f"{ADVICE}99999").status_code == 404


def test_hr_does_not_manage_the_library(app, client, auth):
    auth.login("hr")
    assert client.get(ADVICE).status_code == 403
    assert client.post(f"{ADVICE}new", data=STARR).status_code == 403


def test_the_field_of_work_is_read_from_the_vacancy_and_department():
    assert field_of("Verpleegkundige IC", "Intensive Care") == AdviceField.CARE
    assert field_of("Research nurse", "Oncologie") == AdviceField.CARE
    assert field_of("Projectleider ICT", "ICT") == AdviceField.IT
    assert field_of("Data-analist", "Bedrijfsbureau") == AdviceField.IT
    assert field_of("Accountmanager zakelijke markt") == AdviceField.SALES
    assert field_of("Medewerker facilitaire dienst", "Facilitair") == AdviceField.ANY
