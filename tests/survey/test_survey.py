"""The survey after the conversation: one e-mail per conversation that took place, two questions with
their ranges checked, one answer per conversation, and only ever the candidate's own conversation."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.database import utcnow
from app.extensions import db
from app.mail.worker import run_scheduled, send_due
from app.models import Booking, BookingStatus, Event, SurveyResponse
from app.survey import services
from tests.booking.helpers import page_text
from tests.helpers import outbox
from tests.talent.helpers import held_conversation


def _responses() -> list[SurveyResponse]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SurveyResponse)))


def _surveyed() -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Event).where(Event.kind == "surveyed")))


@pytest.fixture
def attended(candidate_en):
    """A candidate (English) whose conversation yesterday took place; returns (candidate, token, booking)."""

    def make(**overrides):
        candidate, token = candidate_en(**overrides)
        booking = held_conversation(candidate, utcnow() - timedelta(days=1))
        return candidate, token, booking

    return make


def _answer(client, token, **data):
    return client.post(f"/b/{token}/survey", data=data)


# --- the e-mail ------------------------------------------------------------------------------------

def test_survey_email_is_queued_once_per_conversation(english_client, attended):
    candidate, _, booking = attended(name="Anna Jansen")

    run_scheduled()
    run_scheduled()

    [mail] = outbox("survey_request")
    assert mail.candidate_id == candidate.id
    assert mail.subject == "Two short questions about your feedback conversation"
    db.session.refresh(booking)
    assert booking.survey_requested_at is not None
    path = re.search(r"http://portal\.test(/b/[A-Za-z0-9_-]{43}/survey)", mail.body_text).group(1)
    assert "Was the conversation useful to you?" in page_text(english_client.get(path))


def test_no_survey_email_without_a_conversation_that_took_place(candidate_en):
    now = utcnow()
    no_show, _ = candidate_en()
    held_conversation(no_show, now - timedelta(days=1), status=BookingStatus.NO_SHOW)
    cancelled, _ = candidate_en()
    held_conversation(cancelled, now - timedelta(days=1), status=BookingStatus.CANCELLED)
    not_recorded, _ = candidate_en()
    booking = held_conversation(not_recorded, now - timedelta(days=1))
    booking.outcome_recorded_at = None
    long_ago, _ = candidate_en()
    held_conversation(long_ago, now - timedelta(days=200))  # an old history never sets off late surveys
    db.session.commit()

    run_scheduled()

    assert outbox("survey_request") == []


def test_survey_email_reaches_the_smtp_server(app, attended, smtp_server):
    attended(email="anna@example.org")
    run_scheduled()
    send_due()
    [message] = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == "anna@example.org"
    assert "/survey" in message.get_body(preferencelist=("plain",)).get_content()


# --- answering -------------------------------------------------------------------------------------

def test_the_questions_are_radio_buttons_with_labels(english_client, attended):
    _, token, _ = attended()
    body = english_client.get(f"/b/{token}/survey").get_data(as_text=True)

    for name, scale in (("useful", range(1, 6)), ("recommend", range(0, 11))):
        values = re.findall(rf'<input[^>]*name="{name}"[^>]*value="(\d+)"', body)
        assert values == [str(n) for n in scale]
        for n in scale:
            assert re.search(rf'<label for="{name}-{n - scale.start}">{n}</label>', body), (name, n)
    assert "<legend>Was the conversation useful to you?</legend>" in body
    assert "<legend>Would you recommend us as an employer to a friend?</legend>" in body
    assert "checked" not in body


def test_an_answer_is_stored_once_and_logged(english_client, attended):
    candidate, token, booking = attended()

    response = _answer(english_client, token, useful="4", recommend="9", comment="  Very helpful, thank you.  ")

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/b/{token}/survey/thanks")
    assert "Thank you for your answers" in page_text(english_client.get(response.headers["Location"]))
    [answer] = _responses()
    assert (answer.booking_id, answer.useful, answer.recommend, answer.comment) == (
        booking.id, 4, 9, "Very helpful, thank you.")
    [event] = _surveyed()
    assert (event.candidate_ref, event.value, event.feedback_session_id) == (
        candidate.ref,
        4,
        booking.slot.feedback_session_id,
    )

    # A second submit (a double click, the back button) shows the thanks and stores nothing more.
    again = _answer(english_client, token, useful="1", recommend="0")
    assert again.status_code == 302 and again.headers["Location"].endswith("/survey/thanks")
    assert english_client.get(f"/b/{token}/survey").status_code == 302
    assert [(a.useful, a.recommend) for a in _responses()] == [(4, 9)]
    assert len(_surveyed()) == 1


def test_the_comment_is_optional(english_client, attended):
    _, token, _ = attended()
    assert _answer(english_client, token, useful="1", recommend="0").status_code == 302
    assert [(a.useful, a.recommend, a.comment) for a in _responses()] == [(1, 0, "")]


@pytest.mark.parametrize("useful, recommend, message", [
    ("0", "5", "Choose how useful the conversation was: a number from 1 to 5."),
    ("6", "5", "Choose how useful the conversation was: a number from 1 to 5."),
    ("", "5", "Choose how useful the conversation was: a number from 1 to 5."),
    ("four", "5", "Choose how useful the conversation was: a number from 1 to 5."),
    ("3", "11", "Choose how likely you are to recommend us: a number from 0 to 10."),
    ("3", "-1", "Choose how likely you are to recommend us: a number from 0 to 10."),
    ("3", "", "Choose how likely you are to recommend us: a number from 0 to 10."),
])
def test_answers_out_of_range_are_refused_clearly(english_client, attended, useful, recommend, message):
    _, token, _ = attended()

    response = _answer(english_client, token, useful=useful, recommend=recommend, comment="Kept text")

    assert response.status_code == 422
    assert message in page_text(response)
    assert "Kept text" in response.get_data(as_text=True)
    assert _responses() == [] and _surveyed() == []


def test_a_valid_choice_is_kept_when_the_other_is_wrong(english_client, attended):
    _, token, _ = attended()
    body = _answer(english_client, token, useful="4", recommend="").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="useful"[^>]*value="4"|'
                     r'<input[^>]*name="useful"[^>]*value="4"[^>]*checked', body)


def test_a_long_comment_is_refused_with_the_text_kept(english_client, attended):
    _, token, _ = attended()
    comment = "x" * 1001
    response = _answer(english_client, token, useful="4", recommend="8", comment=comment)
    assert response.status_code == 422
    assert "Please keep your comment to 1000 characters." in page_text(response)
    assert comment in response.get_data(as_text=True)
    assert _responses() == []


def test_the_database_allows_one_answer_per_conversation(attended, english):
    _, _, booking = attended()
    db.session.add(SurveyResponse(booking_id=booking.id, useful=3, recommend=7))
    db.session.commit()
    db.session.add(SurveyResponse(booking_id=booking.id, useful=5, recommend=10))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(services.AlreadyAnswered):
        services.submit_survey(db.session.get(Booking, booking.id), useful=5, recommend=10)


def test_the_database_refuses_scores_out_of_range(attended):
    _, _, booking = attended()
    db.session.add(SurveyResponse(booking_id=booking.id, useful=6, recommend=7))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_no_survey_before_the_conversation(english_client, candidate_en, make_session):
    candidate, token = candidate_en()
    slot = make_session(days_ahead=7).slots[0]
    english_client.post(f"/b/{token}/book", data={"slot": slot.id, "topics": ["went_well"]})

    response = english_client.get(f"/b/{token}/survey")
    assert response.status_code == 404
    assert "open after the conversation has taken place" in page_text(response)
    assert _answer(english_client, token, useful="5", recommend="10").status_code == 404
    assert _responses() == []
    assert english_client.get(f"/b/{token}/survey/thanks").status_code == 302


def test_one_candidates_link_never_reads_or_answers_anothers_survey(english_client, attended, candidate_en):
    anna, anna_token, anna_booking = attended(name="Anna Jansen")
    _answer(english_client, anna_token, useful="5", recommend="10", comment="Anna's private comment")
    bram, bram_token = candidate_en(name="Bram Bakker")

    for path in (f"/b/{bram_token}/survey", f"/b/{bram_token}/survey/thanks"):
        response = english_client.get(path, follow_redirects=True)
        assert "Anna" not in page_text(response) and "private comment" not in page_text(response)
    assert _answer(english_client, bram_token, useful="1", recommend="0").status_code == 404
    assert [(a.booking_id, a.useful) for a in _responses()] == [(anna_booking.id, 5)]


def test_unknown_tokens_get_the_link_page(english_client):
    assert english_client.get("/b/nonsense/survey").status_code == 404
    assert english_client.post("/b/" + "A" * 43 + "/survey", data={"useful": "5", "recommend": "5"}).status_code == 404


def test_control_characters_in_a_comment_are_dropped(english_client, attended):
    _, token, _ = attended()
    assert _answer(english_client, token, useful="3", recommend="6\x00", comment="ok").status_code == 422
    assert _answer(english_client, token, useful="3", recommend="6", comment="Good\x00 talk\nThanks").status_code == 302
    assert [a.comment for a in _responses()] == ["Good talk\nThanks"]
