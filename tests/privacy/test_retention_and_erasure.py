"""Retention, erasure and the data download: personal data goes, the figures stay."""

import json
from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Candidate,
    Event,
    OutboxMessage,
    PoolMembership,
    PoolSource,
    PreparationNote,
)
from app.privacy.services import purge
from app.stats.queries import Period, dashboard_data


def _held_conversation(make_session, make_candidate, *, days_ago: int, **candidate):
    """A candidate whose conversation took place ``days_ago`` days ago."""
    feedback_session = make_session(days_ahead=-days_ago)
    person, token = make_candidate(**candidate)
    slot = feedback_session.slots[0]
    booking = Booking(candidate=person, slot=slot, status=BookingStatus.ATTENDED, topics=["improve"],
                      question="Wat kan beter?", uid=f"u{person.id}@test")
    db.session.add(booking)
    db.session.flush()
    db.session.add(PreparationNote(booking=booking, went_well="Duidelijke motivatie", why_not="Ervaring met IC",
                                   advice="Noem je stage", free_notes="privé"))
    record_event("attended", person, feedback_session_id=feedback_session.id)
    db.session.commit()
    return person, token, slot


def _exists(candidate_id: int) -> bool:
    return db.session.get(Candidate, candidate_id) is not None


def test_erased_on_day_29_after_the_conversation_kept_on_day_27(app, make_session, make_candidate):
    person, _, slot = _held_conversation(make_session, make_candidate, days_ago=1)
    purge(now=slot.ends_at + timedelta(days=27))
    assert _exists(person.id)
    purge(now=slot.ends_at + timedelta(days=29))
    db.session.expire_all()
    assert not _exists(person.id)


def test_unused_link_is_erased_four_weeks_after_it_expired(app, make_candidate):
    expires = utcnow() + timedelta(days=3)
    person, _ = make_candidate(expires_at=expires)
    assert purge(now=expires + timedelta(days=27)) == []
    assert _exists(person.id)
    [due] = purge(now=expires + timedelta(days=29))
    assert due.candidate_id == person.id and not _exists(person.id)


def test_a_future_booking_keeps_the_data(app, make_session, make_candidate, client):
    feedback_session = make_session(days_ahead=20)
    person, token = make_candidate(expires_at=utcnow() + timedelta(days=1))
    client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]})
    assert purge(now=utcnow() + timedelta(days=15)) == []
    assert _exists(person.id)


def test_pool_member_is_kept_until_consent_expires(app, make_session, make_candidate):
    person, _, slot = _held_conversation(make_session, make_candidate, days_ago=1)
    consented = slot.ends_at + timedelta(days=1)
    db.session.add(PoolMembership(candidate=person, source=PoolSource.RECRUITER, requested_at=consented,
                                  consented_at=consented, expires_at=consented + timedelta(days=365)))
    db.session.commit()
    purge(now=slot.ends_at + timedelta(days=200))
    assert _exists(person.id)
    purge(now=consented + timedelta(days=366))
    assert not _exists(person.id)


def test_withdrawn_consent_falls_back_to_the_ordinary_rule(app, make_session, make_candidate):
    person, _, slot = _held_conversation(make_session, make_candidate, days_ago=1)
    db.session.add(PoolMembership(candidate=person, source=PoolSource.LINK, consented_at=slot.ends_at,
                                  expires_at=slot.ends_at + timedelta(days=365),
                                  withdrawn_at=slot.ends_at + timedelta(days=40)))
    db.session.commit()
    purge(now=slot.ends_at + timedelta(days=35))
    assert _exists(person.id)
    purge(now=slot.ends_at + timedelta(days=41))
    assert not _exists(person.id)


def test_purge_is_idempotent_and_dry_run_changes_nothing(app, runner, make_candidate):
    person, _ = make_candidate(expires_at=utcnow() - timedelta(days=40))
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert f"candidate {person.id}" in result.output and "would be erased" in result.output
    assert _exists(person.id)
    assert "1 candidate record(s) erased" in runner.invoke(args=["privacy", "purge"]).output
    assert "0 candidate record(s) erased" in runner.invoke(args=["privacy", "purge"]).output


def test_candidate_downloads_their_own_data_only(client, make_session, make_candidate):
    mine, token, _ = _held_conversation(make_session, make_candidate, days_ago=2, name="Eva Mulder")
    other, _ = make_candidate(name="Piet Ander", email="piet@example.org")
    response = client.get(f"/b/{token}/privacy/data.json")
    assert response.status_code == 200 and response.headers["Referrer-Policy"] == "same-origin"
    data = json.loads(response.data)
    [application] = data["applications"]
    assert application["name"] == "Eva Mulder"
    assert application["bookings"][0]["preparation_notes"]["advice"] == "Noem je stage"
    assert "Piet" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "data_downloaded")) is not None


def test_candidate_erases_their_data_and_the_figures_stay(client, make_session, make_candidate):
    feedback_session = make_session()
    person, token = make_candidate(name="Eva Mulder", email="eva@example.org")
    record_event("invited", person)
    db.session.commit()
    client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"]})
    # A second application of the same person goes too.
    second, _ = make_candidate(name="Eva Mulder", email="EVA@example.org", vacancy="Secretaresse")
    period = Period(utcnow() - timedelta(days=30), utcnow() + timedelta(days=1))
    before = dashboard_data(period)
    assert before.funnel["booked"] == 1 and before.funnel["invited"] == 1
    events_before = db.session.scalar(sa.select(sa.func.count(Event.id)))

    page = client.get(f"/b/{token}/privacy")
    assert page.status_code == 200 and "2" in page.get_data(as_text=True)
    refused = client.post(f"/b/{token}/privacy/erase", data={})
    assert refused.status_code == 422 and _exists(person.id)

    response = client.post(f"/b/{token}/privacy/erase", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not _exists(person.id) and not _exists(second.id)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0  # the waiting confirmation is dropped
    assert client.get(f"/b/{token}").status_code == 404
    after = dashboard_data(period)
    assert after.funnel == before.funnel and after.by_department == before.by_department
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == events_before
    assert "eva@example.org" not in json.dumps([e.detail for e in db.session.scalars(sa.select(AuditEntry))])


def test_staff_erase_on_request_needs_confirmation_and_is_audited(client, auth, make_candidate):
    person, token = make_candidate(name="Karel de Boer")
    recruiter = auth.login("recruiter")
    page = client.get(f"/recruiter/candidates/{person.id}/erase")
    assert "Karel de Boer" in page.get_data(as_text=True)
    assert client.post(f"/recruiter/candidates/{person.id}/erase", data={}).status_code == 422
    assert _exists(person.id)
    client.post(f"/recruiter/candidates/{person.id}/erase", data={"confirm": "y"})
    db.session.expire_all()
    assert not _exists(person.id)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "erased"))
    assert entry.user_email == recruiter.email and entry.target_id == person.id


def test_hr_cannot_erase(client, auth, make_candidate):
    person, _ = make_candidate()
    auth.login("hr")
    assert client.post(f"/recruiter/candidates/{person.id}/erase", data={"confirm": "y"}).status_code == 403
    assert _exists(person.id)


# --- a conversation nobody recorded an outcome for ---------------------------------------------------

def _unrecorded_conversation(make_session, make_candidate, *, days_ago: int):
    """A booking whose time passed ``days_ago`` days ago, still "booked": nobody recorded how it went."""
    feedback_session = make_session(days_ahead=-days_ago)
    person, _ = make_candidate(name="Wim Onbekend")
    slot = feedback_session.slots[0]
    booking = Booking(candidate=person, slot=slot, status=BookingStatus.BOOKED, topics=["improve"],
                      question="", uid=f"u{person.id}@test")
    db.session.add(booking)
    db.session.commit()
    return person, slot


def test_a_conversation_without_an_outcome_ends_the_procedure_at_its_time(app, make_session, make_candidate):
    person, slot = _unrecorded_conversation(make_session, make_candidate, days_ago=1)
    purge(now=slot.ends_at + timedelta(days=27))
    assert _exists(person.id)
    [due] = purge(now=slot.ends_at + timedelta(days=29))
    db.session.expire_all()
    assert due.candidate_id == person.id and not _exists(person.id)


def test_a_booking_still_ahead_keeps_the_procedure_open(app, make_session, make_candidate):
    person, _ = make_candidate()
    slot = make_session(days_ahead=10).slots[0]
    db.session.add(Booking(candidate=person, slot=slot, topics=["improve"], question="", uid="ahead@test"))
    db.session.commit()
    assert purge(now=utcnow() + timedelta(days=5)) == []


def test_recruiters_are_told_which_outcomes_are_missing_before_the_data_goes(
    app, client, recruiter, make_session, make_candidate
):
    from app.i18n import format_day

    person, slot = _unrecorded_conversation(make_session, make_candidate, days_ago=3)

    page = client.get("/recruiter/").get_data(as_text=True)

    assert "1 conversation has no outcome yet" in page
    assert "Wim Onbekend" in page
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_day(slot.ends_at + timedelta(days=28)) in page
    assert f"/recruiter/bookings/{person.bookings[0].id}/outcome" in page


def test_no_notice_when_every_outcome_is_recorded(app, client, recruiter, make_session, make_candidate):
    _held_conversation(make_session, make_candidate, days_ago=3)
    assert "no outcome yet" not in client.get("/recruiter/").get_data(as_text=True)


def _everything_stored() -> str:
    """Every value of every table, as one text to search."""
    rows = []
    for table in db.metadata.sorted_tables:
        rows.extend(repr(tuple(row)) for row in db.session.execute(sa.select(table)).all())
    return "\n".join(rows)


def test_the_phone_number_to_call_is_purged_with_the_rest(client, make_session, make_candidate):
    feedback_session = make_session(days_ahead=2, modes=("phone",))
    person, token = make_candidate(name="Eva Mulder")
    client.post(f"/b/{token}/book", data={"slot": feedback_session.slots[0].id, "topics": ["improve"],
                                          "mode": "phone", "phone": "+31 6 9876 5432"})
    data = json.loads(client.get(f"/b/{token}/privacy/data.json").data)
    assert data["applications"][0]["bookings"][0]["phone"] == "+31 6 9876 5432"  # she can see what is kept
    db.session.expire_all()
    assert "9876 5432" in _everything_stored()  # the booking and its waiting confirmation

    # Four weeks after the conversation nobody recorded: the retention purge.
    purge(now=feedback_session.ends_at + timedelta(days=29))

    db.session.expire_all()
    assert not _exists(person.id)
    assert "9876" not in _everything_stored()
