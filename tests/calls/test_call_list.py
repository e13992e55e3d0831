"""The call list: everyone rejected after an interview and not reached yet, overdue first (red, and saying so
in words), then by the last day to call; a call recorded as not reached or call back keeps the candidate on
the list with that attempt; a call that reached them moves them to the calls made."""

import re
from datetime import date, time, timedelta

import sqlalchemy as sa

from app.calls import services
from app.calls.services import Urgency, call_list
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, CallOutcome, CallRecord, Stage
from app.timeutil import from_local, local
from tests.helpers import page_text, snapshot

WEDNESDAY = from_local(date(2027, 3, 31), time(10, 0))  # after Easter Monday 2027
CALLS = "/recruiter/calls/"


def test_overdue_calls_come_first_then_by_the_last_day(app, make_candidate):
    later, _ = make_candidate(name="Cas Later", rejected_on=date(2027, 3, 30))        # due Thursday 1 April
    today, _ = make_candidate(name="Tess Today", rejected_on=date(2027, 3, 26))       # due today, after Easter
    overdue, _ = make_candidate(name="Olga Overdue", rejected_on=date(2027, 3, 23))   # due Thursday 25 March
    oldest, _ = make_candidate(name="Otto Oldest", rejected_on=date(2027, 3, 19))     # due Tuesday 23 March
    make_candidate(name="Cora Screening", rejected_on=date(2027, 3, 26), stage=Stage.CV_SCREENING)
    make_candidate(name="Piet Phone", rejected_on=date(2027, 3, 26), stage=Stage.PHONE)

    rows = call_list(WEDNESDAY)

    assert [row.candidate.name for row in rows] == ["Otto Oldest", "Olga Overdue", "Tess Today", "Cas Later"]
    assert [row.urgency for row in rows] == [Urgency.OVERDUE, Urgency.OVERDUE, Urgency.TODAY, Urgency.LATER]
    assert [row.due_on for row in rows] == [date(2027, 3, 23), date(2027, 3, 25), date(2027, 3, 31),
                                            date(2027, 4, 1)]
    assert {later.id, today.id, overdue.id, oldest.id} == {row.candidate.id for row in rows}


def test_attempts_keep_the_candidate_on_the_list_and_a_reached_call_takes_them_off(app, make_candidate, make_user):
    recruiter = make_user("recruiter")
    not_reached, _ = make_candidate(name="Noor Niet", rejected_on=date(2027, 3, 29))
    call_back, _ = make_candidate(name="Bart Terug", rejected_on=date(2027, 3, 29))
    reached, _ = make_candidate(name="Rik Bereikt", rejected_on=date(2027, 3, 29))
    morning = WEDNESDAY - timedelta(hours=1)
    services.record_call(not_reached, CallOutcome.NOT_REACHED, user=recruiter, now=morning)
    services.record_call(call_back, CallOutcome.CALL_BACK, call_back_at=WEDNESDAY + timedelta(hours=5),
                         user=recruiter, now=morning)
    services.record_call(reached, CallOutcome.REACHED, points="Je voorbeelden over de overdracht waren concreet.",
                         user=recruiter, now=morning)
    db.session.commit()

    rows = {row.candidate.name: row for row in call_list(WEDNESDAY)}

    assert set(rows) == {"Noor Niet", "Bart Terug"}
    assert rows["Noor Niet"].last.outcome == CallOutcome.NOT_REACHED
    assert rows["Bart Terug"].last.call_back_at == WEDNESDAY + timedelta(hours=5)
    [made] = services.recent_calls(WEDNESDAY)
    assert made.candidate.name == "Rik Bereikt" and made.on_time


def test_the_page_shows_overdue_in_words_the_phone_and_each_state(app, english_client, recruiter, make_candidate):
    today = local(utcnow()).date()
    overdue, _ = make_candidate(name="Olga Overdue", rejected_on=today - timedelta(days=10), phone="06 11 22 33 44")
    fresh, _ = make_candidate(name="Fien Fresh", rejected_on=today)
    called_back, _ = make_candidate(name="Bart Terug", rejected_on=today)
    services.record_call(called_back, CallOutcome.CALL_BACK, call_back_at=utcnow() + timedelta(days=1), user=recruiter)
    db.session.commit()

    response = english_client.get(CALLS)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text = page_text(response)
    assert text.index("Olga Overdue") < text.index("Fien Fresh")
    overdue_row = re.search(r'(?s)<tr class="call-overdue">(.*?)</tr>', body).group(1)
    assert "Olga Overdue" in overdue_row and 'class="badge badge-overdue">Overdue<' in overdue_row
    assert 'href="tel:0611223344"' in overdue_row
    assert "No number given" in text and "Not called yet" in text
    assert "Call back at" in text
    assert f'/recruiter/calls/{fresh.id}' in body


def test_a_reached_call_with_a_wish_for_the_feedback_hour_sends_the_link_at_once(
        app, english_client, recruiter, make_candidate, smtp_server):
    from app.mail.worker import send_due

    candidate, _ = make_candidate(name="Eva Jansen", email="eva@example.org", rejected_on=local(utcnow()).date(),
                                  language="en", vacancy="ICU nurse")
    response = english_client.post(f"{CALLS}{candidate.id}", data={
        "outcome": "reached", "points": "Your handover example was concrete. The role needs three years of ICU work.",
        "wants_feedback_hour": "y"})
    assert response.status_code == 302
    assert "/recruiter/calls/" in response.headers["Location"]
    follow = english_client.get(response.headers["Location"])
    assert "has been sent the personal link to the feedback hour" in page_text(follow)
    assert "Eva Jansen" in page_text(follow) and "On time" in page_text(follow)

    send_due()
    [received] = smtp_server.messages
    assert received["To"].endswith("eva@example.org>") or "eva@example.org" in received["To"]
    mail_text = received.get_body(("plain",)).get_content()
    assert "Thank you for our phone call about your application for ICU nurse" in mail_text
    assert re.search(r"http://portal\.test/b/[A-Za-z0-9_-]{43}", mail_text)
    assert received["Subject"] == "Your feedback conversation about ICU nurse"
    db.session.rollback()
    [call] = db.session.scalars(sa.select(CallRecord)).all()
    assert call.outcome == CallOutcome.REACHED and call.wants_feedback_hour and call.recorded_by_id == recruiter.id


def test_points_with_warnings_are_saved_only_when_confirmed(app, english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(language="en", rejected_on=local(utcnow()).date())
    data = {"outcome": "reached", "points": "You were not technical enough for this role."}
    before = snapshot()
    response = english_client.post(f"{CALLS}{candidate.id}", data=data)
    assert response.status_code == 422
    assert "Nothing is saved until you confirm" in page_text(response)
    assert "not technical enough" in page_text(response)
    assert snapshot() == before

    response = english_client.post(f"{CALLS}{candidate.id}", data={**data, "confirm_warnings": "y"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CallRecord)) == 1
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_id == candidate.id)).all()
    assert "call_recorded" in actions and "warning_overridden" in actions


def test_a_call_back_needs_a_time_and_points_need_writing(app, english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(rejected_on=local(utcnow()).date())
    before = snapshot()
    response = english_client.post(f"{CALLS}{candidate.id}", data={"outcome": "call_back"})
    assert response.status_code == 422 and "Give the day and time to call back." in page_text(response)
    response = english_client.post(f"{CALLS}{candidate.id}", data={"outcome": "call_back",
                                                                  "call_back_at": "2000-01-01T10:00"})
    assert response.status_code == 409 and "Give the day and time to call back, after now." in page_text(response)
    response = english_client.post(f"{CALLS}{candidate.id}", data={"outcome": "call_back", "call_back_at": "soon"})
    assert response.status_code == 422 and "Enter the day and the time" in page_text(response)
    response = english_client.post(f"{CALLS}{candidate.id}", data={"outcome": "reached", "points": "  "})
    assert response.status_code == 422 and "Write the one or two points" in page_text(response)
    response = english_client.post(f"{CALLS}{candidate.id}", data={"outcome": "not_reached",
                                                                  "wants_feedback_hour": "y"})
    assert response.status_code == 422 and "Only a candidate you reached" in page_text(response)
    assert snapshot() == before

    tomorrow = local(utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = english_client.post(f"{CALLS}{candidate.id}", data={"outcome": "call_back", "call_back_at": tomorrow})
    assert response.status_code == 302
    db.session.rollback()
    call = db.session.scalar(sa.select(CallRecord))
    assert local(call.call_back_at).strftime("%Y-%m-%dT%H:%M") == tomorrow


def test_only_interview_candidates_are_owed_a_call_and_only_once(app, english_client, recruiter, make_candidate):
    screened, _ = make_candidate(stage=Stage.CV_SCREENING)
    response = english_client.post(f"{CALLS}{screened.id}", data={"outcome": "not_reached"})
    assert response.status_code == 409 and "Only candidates rejected after an interview" in page_text(response)
    reached, _ = make_candidate(rejected_on=local(utcnow()).date())
    ok = {"outcome": "reached", "points": "Je casus over de overdracht was concreet."}
    assert english_client.post(f"{CALLS}{reached.id}", data=ok).status_code == 302
    again = english_client.post(f"{CALLS}{reached.id}", data=ok)
    assert again.status_code in (200, 409) and "The call is recorded" in page_text(again)
    assert english_client.get(f"{CALLS}999999").status_code == 404



def test_the_start_page_and_the_candidate_point_to_the_calls_to_make(app, english_client, recruiter, make_candidate):
    today = local(utcnow()).date()
    overdue, _ = make_candidate(name="Olga Overdue", rejected_on=today - timedelta(days=10), phone="06 11 22 33 44")
    text = page_text(english_client.get("/recruiter/"))
    assert "1 call after an interview is overdue." in text and "Open the call list" in text
    shown = english_client.get(f"/recruiter/candidates/{overdue.id}")
    assert "Call after the interview Not made yet" in page_text(shown)
    assert 'href="tel:0611223344"' in shown.get_data(as_text=True)
