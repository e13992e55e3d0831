"""Re-applications and hires of earlier candidates, found by e-mail address, and whether a hire counts
for the feedback hour: only when the person attended a conversation before the start date."""

from datetime import date, time, timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import BookingStatus, Event, Hire, Reapplication
from app.talent import services
from app.timeutil import from_local
from tests.booking.helpers import page_text
from tests.talent.helpers import TALENT, held_conversation

TODAY = services.today_local()  # the Amsterdam calendar, as the portal counts


def _events(kind: str) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Event).where(Event.kind == kind).order_by(Event.id)))


def _hire(client, email: str, start_date: date, **overrides):
    data = {"email": email, "role": "Theatre nurse", "department": "Surgery", "start_date": start_date.isoformat()}
    data.update(overrides)
    return client.post(f"{TALENT}/hires/new", data=data)


def test_reapplication_is_matched_by_address_in_any_case(english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(name="Anna Jansen", email="anna.jansen@example.org")

    response = english_client.post(f"{TALENT}/reapplications/new", data={
        "email": "  ANNA.Jansen@Example.ORG ", "vacancy": "Theatre  nurse", "applied_on": TODAY.isoformat()})

    assert response.status_code == 302
    [reapplication] = db.session.scalars(sa.select(Reapplication)).all()
    assert (reapplication.candidate_id, reapplication.vacancy, reapplication.applied_on) == (
        candidate.id, "Theatre nurse", TODAY)
    [event] = _events("reapplied")
    assert event.candidate_ref == candidate.ref and event.vacancy == candidate.vacancy
    page = page_text(english_client.get(response.headers["Location"]))
    assert "The re-application of Anna Jansen for Theatre nurse is recorded." in page
    assert "Theatre nurse" in page.split("Latest re-applications")[1]


def test_several_applications_attach_to_the_most_recent(english_client, recruiter, make_candidate):
    make_candidate(email="sam@example.org", vacancy="Old", rejected_on=TODAY - timedelta(days=400))
    recent, _ = make_candidate(email="Sam@example.org", vacancy="Recent", rejected_on=TODAY - timedelta(days=20))
    make_candidate(email="sam@example.org", vacancy="Middle", rejected_on=TODAY - timedelta(days=100))

    english_client.post(f"{TALENT}/reapplications/new", data={"email": "sam@example.org", "vacancy": "New",
                                                       "applied_on": TODAY.isoformat()})
    _hire(english_client, "SAM@EXAMPLE.ORG", TODAY + timedelta(days=30))

    assert db.session.scalar(sa.select(Reapplication.candidate_id)) == recent.id
    assert db.session.scalar(sa.select(Hire.candidate_id)) == recent.id


def test_unknown_address_is_refused_with_a_clear_message(english_client, recruiter, make_candidate):
    make_candidate(email="anna@example.org")

    response = english_client.post(f"{TALENT}/reapplications/new", data={
        "email": "nobody@example.org", "vacancy": "Theatre nurse", "applied_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert "There is no earlier candidate with this e-mail address." in page_text(response)
    assert 'value="nobody@example.org"' in response.get_data(as_text=True)
    assert 'value="Theatre nurse"' in response.get_data(as_text=True)

    response = _hire(english_client, "nobody@example.org", TODAY)
    assert response.status_code == 422
    assert "There is no earlier candidate with this e-mail address." in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(Reapplication.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Hire.id))) == 0
    assert _events("reapplied") == [] and _events("hired") == []


def test_dates_must_be_plausible(english_client, recruiter, make_candidate):
    make_candidate(email="anna@example.org", rejected_on=TODAY - timedelta(days=30))

    def reapply(day: str):
        return english_client.post(f"{TALENT}/reapplications/new", data={
            "email": "anna@example.org", "vacancy": "Nurse", "applied_on": day})

    assert "cannot be in the future" in page_text(reapply((TODAY + timedelta(days=1)).isoformat()))
    assert "first rejected on" in page_text(reapply((TODAY - timedelta(days=31)).isoformat()))
    assert "Enter the date as day, month and year." in page_text(reapply("31-02-2026"))
    assert reapply("1900-01-01").status_code == 422
    assert "more than a year ahead" in page_text(_hire(english_client, "anna@example.org", TODAY + timedelta(days=400)))
    assert "first rejected on" in page_text(_hire(english_client, "anna@example.org", TODAY - timedelta(days=60)))
    assert db.session.scalar(sa.select(sa.func.count(Reapplication.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Hire.id))) == 0


def test_required_fields_and_bad_address(english_client, recruiter):
    response = english_client.post(f"{TALENT}/hires/new", data={"email": "not an address", "role": "", "department": "",
                                                         "start_date": ""})
    assert response.status_code == 422
    text = page_text(response)
    assert "That does not look like an e-mail address." in text
    assert "Please enter the role." in text and "Please enter the start date." in text
    assert 'value="not an address"' in response.get_data(as_text=True)


def test_the_same_record_twice_is_refused(english_client, recruiter, make_candidate):
    make_candidate(email="anna@example.org")
    data = {"email": "anna@example.org", "vacancy": "Nurse", "applied_on": TODAY.isoformat()}
    assert english_client.post(f"{TALENT}/reapplications/new", data=data).status_code == 302
    response = english_client.post(f"{TALENT}/reapplications/new", data={**data, "vacancy": "NURSE"})
    assert response.status_code == 422
    assert "This re-application is already recorded." in page_text(response)
    assert _hire(english_client, "anna@example.org", TODAY).status_code == 302
    assert _hire(english_client, "anna@example.org", TODAY).status_code == 422
    assert len(_events("reapplied")) == 1 and len(_events("hired")) == 1


def test_hire_after_an_attended_conversation_is_attributed(english_client, recruiter, make_candidate):
    # Attended under an earlier application; the hire is recorded with the address in capitals.
    earlier, _ = make_candidate(email="anna@example.org", rejected_on=TODAY - timedelta(days=200))
    make_candidate(email="anna@example.org", rejected_on=TODAY - timedelta(days=10))
    held_conversation(earlier, utcnow() - timedelta(days=150))

    response = _hire(english_client, "ANNA@EXAMPLE.ORG", TODAY + timedelta(days=14))

    assert response.status_code == 302
    assert db.session.scalar(sa.select(Hire.attributed)) is True
    [event] = _events("hired")
    assert event.value == 1
    assert "It counts for the feedback hour" in page_text(english_client.get(response.headers["Location"]))


def test_hire_without_a_feedback_conversation_is_not_attributed(english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(email="bram@example.org", rejected_on=TODAY - timedelta(days=60))
    held_conversation(candidate, utcnow() - timedelta(days=30), status=BookingStatus.NO_SHOW)
    held_conversation(candidate, utcnow() - timedelta(days=20), status=BookingStatus.CANCELLED)

    response = _hire(english_client, "bram@example.org", TODAY)

    assert db.session.scalar(sa.select(Hire.attributed)) is False
    [event] = _events("hired")
    assert event.value == 0
    assert "It does not count for the feedback hour" in page_text(english_client.get(response.headers["Location"]))


def test_a_conversation_on_or_after_the_start_date_does_not_count(make_candidate):
    candidate, _ = make_candidate(email="cato@example.org", rejected_on=TODAY - timedelta(days=90))
    start = TODAY - timedelta(days=10)
    held_conversation(candidate, from_local(start, time(16, 0)))  # on the first working day itself
    held_conversation(candidate, utcnow() - timedelta(days=2))

    hire = services.record_hire("cato@example.org", "Porter", "Logistics", start)
    db.session.commit()

    assert hire.attributed is False
    # The same history with a start date after the first conversation does count.
    assert services.attended_before("cato@example.org", start + timedelta(days=1)) is True


def test_another_persons_conversation_never_counts(make_candidate):
    someone, _ = make_candidate(email="someone@example.org", rejected_on=TODAY - timedelta(days=90))
    held_conversation(someone, utcnow() - timedelta(days=60))
    make_candidate(email="dana@example.org", rejected_on=TODAY - timedelta(days=90))

    hire = services.record_hire("dana@example.org", "Porter", "Logistics", TODAY)

    assert hire.attributed is False


def test_records_page_lists_the_latest(english_client, recruiter):
    text = page_text(english_client.get(f"{TALENT}/records"))
    assert "No hires recorded yet." in text and "No re-applications recorded yet." in text


def test_member_page_links_prefill_the_address(english_client, recruiter):
    response = english_client.get(f"{TALENT}/hires/new?email=anna@example.org")
    assert 'value="anna@example.org"' in response.get_data(as_text=True)
