"""Preparation notes: the three talking points and free notes, saved without ever losing text,
autosaved in JSON, and checked by the feedback checker while typing and after saving."""

import html
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import PreparationNote
from tests.booking.helpers import page_text

TEXTS = {
    "went_well": "Je casus over de overdracht was concreet.",
    "why_not": "Deze functie vraagt drie jaar IC-ervaring; jij hebt er één.",
    "advice": "Zet je IC-stage bovenaan je cv.",
    "free_notes": "Vraagt mogelijk naar de opleiding.",
}


def _note(booking_id: int) -> PreparationNote | None:
    db.session.rollback()
    return db.session.scalar(sa.select(PreparationNote).where(PreparationNote.booking_id == booking_id))


def test_the_notes_page_shows_the_talking_points_with_hints_and_the_candidates_wishes(client, sign_in, make_booking):
    booking = make_booking(name="Sanne de Vries", vacancy="Verpleegkundige IC", question="Hoe kan mijn cv beter?")
    sign_in()
    response = client.get(f"/recruiter/bookings/{booking.id}/notes")
    assert response.status_code == 200
    text = page_text(response)
    for label in ("What went well?", "Why not this role?", "What is your advice?", "Free notes"):
        assert label in text
    assert "Start with something specific and positive" in text
    assert "Name the concrete mismatch" in text
    assert "One concrete tip" in text
    assert "never sent to the candidate" in text
    assert "Sanne de Vries" in text and "Verpleegkundige IC" in text
    assert "Points to improve; CV and online profile" in text
    assert "Hoe kan mijn cv beter?" in text
    assert 'src="/static/js/notes.js"' in response.get_data(as_text=True)


def test_saving_stores_the_notes_and_shows_the_checkers_warnings_beside_the_field(client, sign_in, make_booking):
    booking = make_booking()
    user = sign_in()
    texts = dict(TEXTS, why_not="Je was niet technisch genoeg en past niet in het team.")

    response = client.post(f"/recruiter/bookings/{booking.id}/notes", data=texts)
    assert response.status_code == 302
    note = _note(booking.id)
    assert (note.went_well, note.why_not, note.advice, note.free_notes) == tuple(texts.values())
    assert note.updated_by_id == user.id

    page = client.get(response.location)
    assert "The notes are saved." in page_text(page)
    body = page.get_data(as_text=True)
    box = re.search(r'(?s)<div class="warnings" id="warnings-why_not"[^>]*>(.*?)</div>', body).group(1)
    assert "niet technisch genoeg" in box and "past niet in het team" in box
    assert "Vague phrase" in box
    assert 'id="warnings-went_well"' in body and re.search(r'id="warnings-went_well"[^>]*hidden', body)


def test_an_over_long_field_keeps_everything_typed_and_saves_nothing(client, sign_in, make_booking):
    booking = make_booking(note={"went_well": "Eerdere versie."})
    sign_in()
    texts = dict(TEXTS, advice="Advies <b>met</b> tekens & zo. " + "x" * 5000)

    response = client.post(f"/recruiter/bookings/{booking.id}/notes", data=texts)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for value in texts.values():
        assert html.escape(value, quote=False) in body or html.escape(value) in body
    assert "Please keep this to 5,000 characters" in page_text(response)
    note = _note(booking.id)
    assert note.went_well == "Eerdere versie." and note.advice == ""


def test_autosave_answers_in_json_and_saves(client, sign_in, make_booking):
    booking = make_booking()
    sign_in()
    response = client.post(f"/recruiter/bookings/{booking.id}/notes/autosave",
                           data=dict(TEXTS, why_not="Andere kandidaten sloten beter aan."))
    assert response.status_code == 200
    data = response.get_json()
    assert data["saved"] is True
    assert re.fullmatch(r"\d\d:\d\d", data["saved_at"])
    assert data["message"] == f"Saved at {data['saved_at']}"
    assert [(w["category"], w["phrase"]) for w in data["warnings"]["why_not"]] == [("comparison", "Andere kandidaten")]
    assert data["warnings"]["went_well"] == []
    assert _note(booking.id).why_not == "Andere kandidaten sloten beter aan."


def test_autosave_of_an_over_long_field_saves_nothing_and_says_why(client, sign_in, make_booking):
    booking = make_booking(note={"advice": "Bewaard."})
    sign_in()
    response = client.post(f"/recruiter/bookings/{booking.id}/notes/autosave",
                           data=dict(TEXTS, free_notes="y" * 5001))
    assert response.status_code == 422
    data = response.get_json()
    assert data["saved"] is False and "free_notes" in data["errors"]
    assert "Not saved" in data["message"] and "5,000" in data["message"]
    assert _note(booking.id).advice == "Bewaard."


def test_autosave_and_the_checker_need_the_csrf_token_when_csrf_is_on(app, client, sign_in, make_booking):
    booking = make_booking()
    sign_in()
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/recruiter/bookings/{booking.id}/notes").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    url = f"/recruiter/bookings/{booking.id}/notes/autosave"

    refused = client.post(url, data=TEXTS)
    assert refused.status_code == 400
    assert _note(booking.id) is None
    assert client.post("/recruiter/feedback-check", json={"text": "geen klik"}).status_code == 400

    # notes.js sends the form (with its csrf_token field) and the token in the X-CSRFToken header.
    saved = client.post(url, data=TEXTS, headers={"X-CSRFToken": token})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    assert _note(booking.id).went_well == TEXTS["went_well"]
    checked = client.post("/recruiter/feedback-check", json={"text": "Er was geen klik."},
                          headers={"X-CSRFToken": token})
    assert checked.status_code == 200 and checked.get_json()["warnings"][0]["phrase"] == "geen klik"


def test_the_checker_endpoint_warns_while_typing_in_either_language(client, sign_in):
    sign_in()
    response = client.post("/recruiter/feedback-check",
                           json={"text": "You came across as insecure. We bellen je zodra er iets past.",
                                 "language": "en"})
    assert response.status_code == 200
    warnings = response.get_json()["warnings"]
    # Overlapping matches of one kind are named once.
    assert [(w["category"], w["phrase"]) for w in warnings] == [
        ("personality", "You came across as insecure"), ("false_promise", "bellen je zodra er iets"),
    ]
    assert warnings[0]["category_label"] == "Personality instead of behaviour"
    assert warnings[0]["rule"] == "Describe behaviour, not personality."
    assert warnings[0]["suggestion"].startswith("“insecure” judges who someone is")
    assert warnings[1]["suggestion"].startswith("Only promise what will certainly happen")

    assert client.post("/recruiter/feedback-check", json={"text": "Heldere casus."}).get_json() == {"warnings": []}
    bad = client.post("/recruiter/feedback-check", data="not json", content_type="text/plain")
    assert bad.status_code == 400 and "error" in bad.get_json()
    assert client.post("/recruiter/feedback-check", json={"text": "x" * 20_001}).status_code == 400


def test_notes_of_an_unknown_booking_are_not_found(client, sign_in):
    sign_in()
    assert client.get("/recruiter/bookings/999999/notes").status_code == 404
    assert client.get("/recruiter/bookings/99999999999999999999/notes").status_code == 404
