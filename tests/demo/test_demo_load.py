"""`flask demo load` (what `make run` runs): working booking links and staff accounts, safe to repeat."""

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.database import utcnow
from app.demo.data import DEMO_CANDIDATES, demo_password
from app.extensions import db
from app.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Candidate,
    Event,
    FeedbackSession,
    Hire,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    PoolMembership,
    Reapplication,
    SurveyResponse,
    User,
)
from app.privacy.services import due_for_erasure
from app.stats.periods import parse_period
from app.stats.queries import FUNNEL, dashboard_data
from app.timeutil import local
from tests.helpers import page_text

ROOT = Path(__file__).resolve().parents[2]


def _table_counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (
        Candidate, FeedbackSession, Invitation, User, Booking, OutboxMessage, Event, AuditEntry, PoolMembership)]


def test_demo_load_prints_working_links_and_sign_ins_and_can_run_again(app, runner, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    urls = re.findall(r"^(http://\S+/b/\S+)$", first.output, flags=re.M)
    assert len(urls) >= 4
    for url in urls:
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
    accounts = re.findall(r"^\s+(recruiter|hr|admin)\s+(\S+@\S+)\s+password: (\S+)$", first.output, flags=re.M)
    assert {role for role, _, _ in accounts} == {"recruiter", "hr", "admin"}
    for role, email, password in accounts:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, role
        client.post("/logout")

    counts = _table_counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert re.findall(r"^(http://\S+/b/\S+)$", second.output, flags=re.M) == urls
    assert _table_counts() == counts


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _sign_in(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": demo_password(email)})
    assert response.status_code == 302


def test_the_demo_shows_a_year_of_use(app, runner, client):
    """A newcomer sees every page alive: past feedback hours with outcomes, notes, sent summaries, survey
    answers, the talent pool with re-applications and hires, sent and failed e-mails, and figures for HR."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    now = utcnow()
    past = db.session.scalars(sa.select(FeedbackSession).where(FeedbackSession.starts_at < now)).all()
    assert len(past) == 12
    months = {local(s.starts_at).date().replace(day=1) for s in past}
    assert len(months) == 12 and min(months) >= local(now).date() - timedelta(days=400)
    held = db.session.scalars(sa.select(Booking).where(Booking.status == BookingStatus.ATTENDED)).all()
    assert held and all(b.outcome_recorded_at and b.note for b in held)
    assert any(b.summary_sent_at for b in held) and _count(SurveyResponse) > 0
    assert _count(Booking, Booking.status == BookingStatus.NO_SHOW) + _count(Booking, Booking.cancelled_late) > 0
    assert _count(PoolMembership) > 0 and _count(Reapplication) > 0 and _count(Hire, Hire.attributed) > 0
    assert _count(OutboxMessage, OutboxMessage.status == OutboxStatus.SENT) > 50
    assert _count(OutboxMessage, OutboxMessage.status == OutboxStatus.FAILED) == 2
    # the retention rule ran: who is not in the talent pool and whose procedure ended long ago is gone
    assert not due_for_erasure(now)
    assert _count(AuditEntry, AuditEntry.action == "erased") > 0

    figures = dashboard_data(parse_period({}, local(now).date()).period)
    assert all(figures.funnel[step] > 0 for step in FUNNEL), figures.funnel
    assert figures.survey["answers"] > 0

    _sign_in(client, "hr@example.org")
    dashboard = page_text(client.get("/hr/"))
    assert "Nog geen antwoorden" not in dashboard and str(figures.funnel["invited"]) in dashboard
    client.post("/logout")

    _sign_in(client, "recruiter@example.org")
    booking = next(b for b in held if b.summary_sent_at)
    session_page = page_text(client.get(f"/recruiter/sessions/{booking.slot.feedback_session_id}"))
    assert booking.candidate.name in session_page and "Aanwezig geweest" in session_page
    outcome = page_text(client.get(f"/recruiter/bookings/{booking.id}/outcome"))
    assert "Aanwezig geweest" in outcome
    notes = client.get(f"/recruiter/bookings/{booking.id}/notes").get_data(as_text=True)
    assert booking.note.advice in notes
    outbox_page = page_text(client.get("/recruiter/outbox/?status=failed"))
    assert "550 5.1.1" in outbox_page and "Afwijzing met persoonlijke link" in outbox_page
    hire = db.session.scalar(sa.select(Hire).where(Hire.attributed).limit(1))
    records = page_text(client.get("/recruiter/talent/records"))
    assert "Laatste aannames" in records and hire.role in records


def test_demo_candidates_who_were_sent_their_link_are_invited(app, runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    demo = db.session.scalars(sa.select(Candidate).where(Candidate.email.in_([d.email for d in DEMO_CANDIDATES])))
    for candidate in demo:
        assert candidate.invited_at is not None
        [rejection] = list(db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.candidate_id == candidate.id, OutboxMessage.kind == "rejection")))
        assert rejection.status in (OutboxStatus.SENT, OutboxStatus.PENDING)
    _sign_in(client, "recruiter@example.org")
    invited = page_text(client.get("/recruiter/candidates/?status=invited"))
    not_invited = page_text(client.get("/recruiter/candidates/?status=not_invited"))
    assert "Sanne de Vries" in invited and "Aylin Yilmaz" in invited
    assert not any(d.name in not_invited for d in DEMO_CANDIDATES)



def test_the_demo_bookings_are_made_as_a_candidate_makes_them(app, runner):
    """Each booked demo candidate has a host of the session and a confirmation with the invitation in the
    outbox beside the rejection e-mail; loading again books nobody twice."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    booked = [d for d in DEMO_CANDIDATES if d.booked]
    bookings = db.session.scalars(sa.select(Booking).join(Candidate).where(
        Candidate.email.in_([d.email for d in booked]), Booking.status == BookingStatus.BOOKED)).all()
    assert booked and len(bookings) == len(booked)
    for booking in bookings:
        assert booking.host is not None and booking.host in booking.slot.feedback_session.hosts
        kinds = db.session.scalars(sa.select(OutboxMessage.kind).where(
            OutboxMessage.candidate_id == booking.candidate_id)).all()
        assert sorted(kinds) == ["booking_confirmed", "rejection"]

def test_make_run_with_a_port_builds_every_link_on_that_port(app, runner):
    """`make run PORT=5101`: the demo's links, its staff sign-in and its e-mails say 5101, and so does the
    server it starts; the mail worker's targets pass the same address."""
    commands = subprocess.run(["make", "-n", "--no-print-directory", "run", "mail-send", "mail-worker", "PORT=5101"],
                              cwd=ROOT, capture_output=True, text=True, check=True, env=_without_portal_url()).stdout
    lines = commands.splitlines()
    for step in ("demo load", " run --host", "mail send"):
        [line] = [c for c in lines if step in c and "echo" not in c][:1]
        assert "FLASK_PORTAL_URL=${FLASK_PORTAL_URL:-http://127.0.0.1:5101}" in line, line
    assert any("--port 5101" in c for c in lines) and "5000" not in commands

    app.config["PORTAL_URL"] = "http://127.0.0.1:5101"  # what FLASK_PORTAL_URL sets
    output = runner.invoke(args=["demo", "load"]).output
    urls = re.findall(r"http://[^\s/]+", output)
    assert urls and set(urls) == {"http://127.0.0.1:5101"}
    waiting = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)).all()
    assert waiting and all("http://127.0.0.1:5101/b/" in m.body_text and "5000" not in m.body_text for m in waiting)


def _without_portal_url() -> dict:
    return {k: v for k, v in os.environ.items() if k != "FLASK_PORTAL_URL"}


def test_the_first_mail_round_after_the_demo_sends_no_year_old_mail(app, runner):
    """Every past conversation had its survey request and every invited person who never booked their one
    reminder: the worker's first round has none of them left to send."""
    from app.candidates.services import queue_invite_reminders
    from app.survey.services import queue_survey_requests

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert queue_survey_requests() == 0
    assert queue_invite_reminders() == 0
