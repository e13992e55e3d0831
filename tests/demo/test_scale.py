"""``flask demo load --scale N``: a synthetic history whose event log tells a consistent story."""

from collections import defaultdict
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.events import KINDS
from app.extensions import db
from app.models import (
    Booking,
    Candidate,
    Event,
    FeedbackSession,
    Hire,
    PoolMembership,
    Reapplication,
    Slot,
    SurveyResponse,
    feedback_session_host,
)
from app.synthetic import REF_PREFIX, SYNTHETIC_DOMAIN
from app.synthetic.rates import DEFERRED_INDEX_TABLES
from app.timeutil import from_local

UNTIL = date(2025, 6, 30)
END = from_local(UNTIL, time(0))  # the history ends where UNTIL begins
# A fixed last day and seed: the same history every time. This small sample holds both kinds of hire.
LOAD = ["demo", "load", "--scale", "300", "--until", UNTIL.isoformat(), "--seed", "2"]


def refs_by_kind() -> dict[str, set[str]]:
    refs = defaultdict(set)
    for kind, ref in db.session.execute(sa.select(Event.kind, Event.candidate_ref)):
        refs[kind].add(ref)
    return refs


def history() -> list[tuple]:
    """Every synthetic event as the figures read it, without the database's own event ids."""
    return sorted(db.session.execute(sa.select(
        Event.kind, Event.occurred_at, Event.candidate_ref, Event.department, Event.vacancy, Event.stage,
        Event.reason, Event.rejected_on, Event.feedback_session_id, Event.value, Event.user_id,
    ).where(Event.candidate_ref.like(f"{REF_PREFIX}%"))).all())


@pytest.fixture
def loaded(runner):
    result = runner.invoke(args=LOAD)
    assert result.exit_code == 0, result.output
    assert "Done in" in result.output
    db.session.expire_all()
    return result


def test_scale_creates_the_candidates_with_events_of_every_kind(loaded):
    synthetic = sa.select(sa.func.count()).select_from(Candidate).where(Candidate.email.like(f"%@{SYNTHETIC_DOMAIN}"))
    assert db.session.scalar(synthetic) == 300
    refs = refs_by_kind()
    assert set(refs) == set(KINDS)
    # Each candidate is counted once per step: one invitation, one booking, one conversation each.
    for kind in ("invited", "booked", "attended", "no_show", "suitable", "hired"):
        total = db.session.scalar(sa.select(sa.func.count()).where(Event.kind == kind))
        assert total == len(refs[kind]), kind


def test_the_funnel_only_narrows(loaded):
    refs = refs_by_kind()
    candidates = set(db.session.scalars(sa.select(Candidate.ref)))
    assert refs["invited"] <= candidates
    assert refs["booked"] <= refs["invited"]
    assert refs["attended"] | refs["no_show"] | refs["cancelled"] | refs["cancelled_late"] <= refs["booked"]
    assert not refs["attended"] & refs["no_show"]
    assert refs["suitable"] <= refs["attended"] and refs["surveyed"] <= refs["attended"]
    assert refs["joined_pool"] <= refs["pool_requested"] and refs["left_pool"] <= refs["joined_pool"]
    assert refs["hired"] <= refs["reapplied"] <= refs["invited"]
    assert len(refs["attended"]) < len(refs["booked"]) < len(refs["invited"]) < 300
    # The practice's shape: most who book come, and some are hired afterwards.
    assert len(refs["attended"]) >= 0.75 * len(refs["booked"])
    assert 0 < len(refs["hired"]) < len(refs["attended"])


def test_rows_and_events_agree(loaded):
    refs = refs_by_kind()
    ref_of = dict(db.session.execute(sa.select(Candidate.id, Candidate.ref)).all())

    assert {ref_of[c] for c in db.session.scalars(sa.select(Booking.candidate_id))} == refs["booked"]
    statuses = defaultdict(set)
    for candidate_id, status in db.session.execute(sa.select(Booking.candidate_id, Booking.status)):
        statuses[status.value].add(ref_of[candidate_id])
    assert statuses["attended"] == refs["attended"] and statuses["no_show"] == refs["no_show"]
    assert statuses["cancelled"] == refs["cancelled"] | refs["cancelled_late"]
    assert {ref_of[c] for c in db.session.scalars(
        sa.select(PoolMembership.candidate_id).where(PoolMembership.consented_at.is_not(None)))} == refs["joined_pool"]
    assert {ref_of[c] for c in db.session.scalars(sa.select(Reapplication.candidate_id))} == refs["reapplied"]

    attended_at = dict(db.session.execute(
        sa.select(Event.candidate_ref, Event.occurred_at).where(Event.kind == "attended")).all())
    hires = {ref_of[h.candidate_id]: h for h in db.session.scalars(sa.select(Hire))}
    hired_events = db.session.scalars(sa.select(Event).where(Event.kind == "hired")).all()
    assert set(hires) == {e.candidate_ref for e in hired_events}
    for event in hired_events:
        hire = hires[event.candidate_ref]
        assert event.value == int(hire.attributed)
        # Attributed exactly when the person had a conversation before being hired.
        assert hire.attributed == (event.candidate_ref in attended_at
                                   and attended_at[event.candidate_ref] < event.occurred_at)
    assert {e.value for e in hired_events} == {0, 1}  # both kinds of hire occur

    useful = {ref_of[c]: u for c, u in db.session.execute(
        sa.select(Booking.candidate_id, SurveyResponse.useful)
        .join(SurveyResponse, SurveyResponse.booking_id == Booking.id))}
    surveyed = dict(db.session.execute(
        sa.select(Event.candidate_ref, Event.value).where(Event.kind == "surveyed")).all())
    assert surveyed == useful and set(surveyed.values()) <= {1, 2, 3, 4, 5}


def test_conversations_belong_to_their_session_and_host(loaded):
    session_of = dict(db.session.execute(
        sa.select(Candidate.ref, Slot.feedback_session_id).join(Booking, Booking.candidate_id == Candidate.id)
        .join(Slot, Slot.id == Booking.slot_id)).all())
    hosts = set(
        db.session.execute(
            sa.select(feedback_session_host.c.feedback_session_id, feedback_session_host.c.user_id)
        ).all()
    )
    for event in db.session.scalars(sa.select(Event).where(Event.kind.in_(["booked", "attended", "no_show"]))):
        assert event.feedback_session_id == session_of[event.candidate_ref]
        if event.kind != "booked":
            assert (event.feedback_session_id, event.user_id) in hosts
    sessions = db.session.scalars(sa.select(FeedbackSession)).all()
    assert {s.status.value for s in sessions if s.ends_at <= END} == {"closed"}
    assert {s.status.value for s in sessions if s.ends_at > END} == {"published"}
    assert {s.slot_minutes for s in sessions} == {15}
    assert all(s.ends_at - s.starts_at == timedelta(minutes=15) for s in db.session.scalars(sa.select(Slot)))


def test_invitations_follow_the_rejection_quickly(loaded):
    # Rejections go out during the working day; the invitation follows within 24 hours or days later.
    delays = [
        e.occurred_at - from_local(e.rejected_on, time(0))
        for e in db.session.scalars(sa.select(Event).where(Event.kind == "invited"))
    ]
    within_a_day = sum(d <= timedelta(hours=18 + 24) for d in delays) / len(delays)
    within_a_week = sum(d <= timedelta(days=8) for d in delays) / len(delays)
    assert 0.6 <= within_a_day < 0.9 and within_a_week >= 0.85
    assert min(delays) > timedelta(0)
    assert db.session.scalar(sa.select(sa.func.max(Event.occurred_at))) <= END


def test_running_again_replaces_the_history_with_the_same_one(runner, loaded, make_candidate):
    first = history()
    own, _ = make_candidate()  # real data stays untouched
    again = runner.invoke(args=LOAD)
    assert again.exit_code == 0, again.output
    assert "Removed the earlier synthetic history (300 candidates)" in again.output
    db.session.expire_all()
    assert history() == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 301
    assert db.session.get(Candidate, own.id) is not None

    other = runner.invoke(args=[*LOAD, "--seed", "3"])
    assert other.exit_code == 0, other.output
    db.session.expire_all()
    assert history() != first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 301


def test_a_large_load_builds_the_indexes_after_the_rows(runner, loaded, monkeypatch):
    import app.synthetic as scale
    from app.models import made_on

    monkeypatch.setattr(scale, "DEFER_INDEXES_FROM", 100)  # as for a million, at the size of a test
    first = history()
    result = runner.invoke(args=LOAD)
    assert result.exit_code == 0, result.output
    assert "Building the indexes" in result.output
    db.session.expire_all()
    assert history() == first
    from app.synthetic.writing import index_names

    dialect = db.engine.dialect.name
    for table in DEFERRED_INDEX_TABLES:
        present = index_names(db.session.connection(), [table])
        declared = {index.name for index in db.metadata.tables[table].indexes if made_on(index, dialect)}
        assert declared <= present, table
