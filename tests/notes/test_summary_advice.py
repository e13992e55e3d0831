"""Snippets from the advice library in the written summary, for a Dutch and an English candidate: the page
offers those of the candidate's language, their vacancy's field of work and the topics they chose; Insert
(without JavaScript: a post) appends one to the chosen part, where the recruiter edits it; what is sent is the
edited text, and the feedback checker reads it as any summary."""

import html
import re

import pytest
import sqlalchemy as sa

from app.advice.services import retire_snippet
from app.demo.advice import DEMO_SNIPPETS, load_demo_snippets
from app.extensions import db
from app.models import AdviceField, AdviceSnippet, Booking, BookingStatus, Topic
from tests.booking.helpers import page_text
from tests.helpers import outbox

NOTE = {"went_well": "Je casus over de overdracht was concreet.", "why_not": "Deze functie vraagt drie jaar IC.",
        "advice": "Zet je IC-stage bovenaan je cv.", "free_notes": ""}
OTHER = {"nl": "en", "en": "nl"}


def _title(field: AdviceField, topic: Topic, language: str) -> str:
    return next(d.texts[language][0] for d in DEMO_SNIPPETS if d.field == field and d.topic == topic)


def _snippet(title: str) -> AdviceSnippet:
    return db.session.scalar(sa.select(AdviceSnippet).where(AdviceSnippet.title == title))


def _textarea(response, name: str) -> str:
    found = re.search(rf'(?s)<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', response.get_data(as_text=True))
    assert found, f"no text area {name}"
    return html.unescape(found.group(1)).lstrip("\r\n")


def _offered(response) -> list[str]:
    return [
        html.unescape(t) for t in re.findall(r'<h3 id="snippet-\d+"[^>]*>(.*?)</h3>', response.get_data(as_text=True))
    ]


@pytest.fixture
def summary(make_booking, sign_in):
    """summary(language) -> (booking, url): a held conversation with a nurse who chose 'points to improve' and
    'CV and online profile', the demo snippets loaded, the recruiter signed in."""

    def make(language: str):
        load_demo_snippets()
        booking = make_booking(days_ahead=-1, status=BookingStatus.ATTENDED, note=NOTE, language=language,
                               vacancy="Verpleegkundige", department="Cardiologie")
        sign_in()
        return booking, f"/recruiter/bookings/{booking.id}/summary"

    return make


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_summary_offers_the_snippets_for_the_candidate(language, client, summary):
    booking, url = summary(language)
    offered = _offered(client.get(url))
    care = _title(AdviceField.CARE, Topic.IMPROVE, language)
    assert offered[0] in (care, _title(AdviceField.CARE, Topic.CV_PROFILE, language))  # the field's own first
    assert care in offered and _title(AdviceField.ANY, Topic.IMPROVE, language) in offered
    assert _title(AdviceField.IT, Topic.CV_PROFILE, language) not in offered          # another field
    assert _title(AdviceField.SALES, Topic.IMPROVE, language) not in offered
    assert _title(AdviceField.CARE, Topic.IMPROVE, OTHER[language]) not in offered    # another language

    it = client.post(url, data={**NOTE, "snippet_field": "it", "snippet_topics": "all", "show_snippets": "Show"})
    assert it.status_code == 200
    assert _title(AdviceField.IT, Topic.CV_PROFILE, language) in _offered(it)
    assert care not in _offered(it)
    assert _textarea(it, "advice") == NOTE["advice"]  # the texts typed so far stay


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_picked_snippet_is_appended_edited_and_sent_as_edited(language, client, summary):
    booking, url = summary(language)
    snippet = _snippet(_title(AdviceField.CARE, Topic.IMPROVE, language))
    typed = {**NOTE, "advice": "Mijn eerste tip." if language == "nl" else "My first tip."}

    response = client.post(url, data={**typed, "insert": str(snippet.id), "insert_into": "advice"})

    assert response.status_code == 200
    assert _textarea(response, "advice") == f"{typed['advice']}\n\n{snippet.body}"
    assert _textarea(response, "went_well") == NOTE["went_well"]
    assert f"“{snippet.title}” is added to" in page_text(response)
    assert outbox() == [] and db.session.get(Booking, booking.id).summary_sent_at is None

    edited = _textarea(response, "advice").replace(snippet.body.split(":")[0], "Voor jou" if language == "nl"
                                                   else "For you")
    into_why = client.post(url, data={**typed, "advice": edited, "insert": str(snippet.id), "insert_into": "why_not"})
    assert _textarea(into_why, "why_not") == f"{NOTE['why_not']}\n\n{snippet.body}"
    assert _textarea(into_why, "advice") == edited

    sent = client.post(url, data={**typed, "advice": edited, "send": "Send"})
    assert sent.status_code == 302
    [message] = outbox("feedback_summary")
    assert " ".join(edited.split()) in " ".join(message.body_text.split())
    assert snippet.body not in message.body_text  # what went out is the edited text


def test_the_checker_reads_a_summary_built_from_snippets(client, summary):
    booking, url = summary("en")
    snippet = _snippet(_title(AdviceField.ANY, Topic.CV_PROFILE, "en"))
    response = client.post(url, data={**NOTE, "advice": "", "insert": str(snippet.id), "insert_into": "advice"})
    vague = _textarea(response, "advice") + " You were not technical enough."
    checked = client.post(url, data={**NOTE, "advice": vague, "send": "Send"})
    assert checked.status_code == 422
    assert "not technical enough" in page_text(checked) and "Nothing is sent until you confirm" in page_text(checked)
    assert outbox() == []


def test_retired_and_other_language_snippets_are_not_inserted(client, summary, make_user):
    booking, url = summary("nl")
    retired = _snippet(_title(AdviceField.CARE, Topic.IMPROVE, "nl"))
    english = _snippet(_title(AdviceField.CARE, Topic.IMPROVE, "en"))
    retire_snippet(retired, user=make_user("recruiter"))
    db.session.commit()
    assert retired.title not in _offered(client.get(url))
    for snippet_id in (retired.id, english.id, 999999):
        response = client.post(url, data={**NOTE, "insert": str(snippet_id), "insert_into": "advice"})
        assert response.status_code == 200
        assert "This snippet is no longer offered" in page_text(response)
        assert _textarea(response, "advice") == NOTE["advice"]
    forged = client.post(url, data={**NOTE, "insert": "not a number", "insert_into": "nowhere"})
    assert forged.status_code == 422 and "Choose a snippet to insert." in page_text(forged)
    assert outbox() == []
