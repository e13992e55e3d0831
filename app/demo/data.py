"""Idempotent demo data: a year of past feedback hours (app/demo/history.py), the coming monthly sessions
and a handful of rejected candidates who were just sent their link."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.services import create_user, find_user
from app.booking.services import book_slot, free_slots
from app.calls.duty import record_calls_due
from app.database import utcnow
from app.demo.advice import load_demo_snippets
from app.demo.history import load_history, rejection_message, second_tuesday, sent
from app.events import record_event
from app.extensions import db
from app.models import (
    Candidate,
    FeedbackSession,
    FeedbackSessionStatus,
    Invitation,
    Role,
    Stage,
    User,
)
from app.sessions.planning import create_session
from app.timeutil import from_local, local
from app.tokens import booking_url, hash_token, token_for_nonce

LOCATION = "Hoofdgebouw, route 42, spreekkamer 3"
VIDEO_URL = "https://meet.example.org/feedbackspreekuur"


@dataclass(frozen=True)
class DemoCandidate:
    name: str
    email: str
    vacancy: str
    department: str
    stage: Stage
    language: str
    days_since_rejection: int
    booked: bool = False
    phone: str | None = None


DEMO_CANDIDATES = [
    DemoCandidate("Sanne de Vries", "sanne.devries@example.org", "Verpleegkundige IC", "Intensive Care",
                  Stage.INTERVIEW, "nl", 2, phone="06 12 34 56 78"),
    DemoCandidate("Mohammed El Amrani", "m.elamrani@example.org", "Data-analist", "Bedrijfsbureau",
                  Stage.CV_SCREENING, "nl", 1),
    DemoCandidate("Emily Clarke", "emily.clarke@example.org", "Research nurse", "Oncologie",
                  Stage.PHONE, "en", 3),
    DemoCandidate("Joost Bakker", "joost.bakker@example.org", "Projectleider ICT", "ICT",
                  Stage.INTERVIEW, "nl", 5, booked=True, phone="+31 20 555 0142"),
    DemoCandidate("Aylin Yilmaz", "aylin.yilmaz@example.org", "Doktersassistent", "Polikliniek Interne",
                  Stage.CV_SCREENING, "nl", 0),
]


# Imported from the applicant tracking system yesterday with the recruiter's personal line, not invited yet:
# the list of those not invited offers to e-mail them all at once.
DEMO_NOT_INVITED = [
    ("Lotte Hendriks", "lotte.hendriks@example.org", "Verpleegkundige Cardiologie", "Cardiologie", "nl",
     "Je ervaring met telemetrie viel op. Voor deze functie vragen we de vervolgopleiding cardiologie; die "
     "rond je volgend jaar pas af."),
    ("Daan Visser", "daan.visser@example.org", "Data-analist", "Bedrijfsbureau", "nl",
     "Je portfolio met dashboards is overzichtelijk. Voor deze rol is ervaring met SQL op grote datasets nodig, "
     "en die zagen we nog niet terug."),
    ("Grace Miller", "grace.miller@example.org", "Research nurse", "Oncologie", "en",
     "Your experience with patient intake stood out. This role needs GCP certification, which your application "
     "did not mention."),
]


def upcoming_session_days(count: int, today: date) -> list[date]:
    """The second Tuesday of this and the next months, from at least three days after ``today``."""
    days, year, month = [], today.year, today.month
    while len(days) < count:
        day = second_tuesday(year, month)
        if day >= today + timedelta(days=3):
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


DEMO_STAFF = [
    ("recruiter", "recruiter@example.org", "Rosa Recruiter"),
    ("hr", "hr@example.org", "Hanneke HR"),
    ("admin", "admin@example.org", "Arjen Admin"),
]


def demo_password(email: str) -> str:
    """A demo password derived from this installation's secret key: stable here, unknown elsewhere."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"demo-password:{email}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()[:16]


def load_demo_staff() -> list[tuple[User, str]]:
    """One account per role (created once); returns each with its password, for the newcomer to sign in."""
    accounts = []
    for role, email, name in DEMO_STAFF:
        user = find_user(email) or create_user(email, name, Role(role), demo_password(email))
        if role == "recruiter" and not user.job_title:
            user.job_title = "Recruiter"
        accounts.append((user, demo_password(email)))
    db.session.flush()
    return accounts


def demo_nonce(email: str) -> str:
    """A stable nonce per demo address, derived from the secret key, so reloading prints the same links."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"demo:{email}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def demo_token(email: str) -> str:
    return token_for_nonce(demo_nonce(email))


def _send_rejection(candidate: Candidate, token: str, *, sent_on: date, now) -> None:
    """The rejection e-mail with the candidate's demo link: delivered already, or (sent today) still waiting
    in the outbox for the mail worker (``make mail-send``)."""
    at = min(from_local(sent_on, time(10, 0)), now)
    candidate.invited_at = at
    record_event("invited", candidate, at=at)
    message = rejection_message(candidate, token,
                                expires_at=at + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]))
    if sent_on < local(now).date():
        sent(message, at)
    else:
        db.session.add(message)


def load_demo() -> list[tuple[Candidate, str]]:
    """Create whatever demo data is missing; return each demo candidate with their booking URL."""
    staff = load_demo_staff()
    now = utcnow()
    today = local(now).date()
    sessions = []
    for day in upcoming_session_days(3, today):
        existing = db.session.scalar(
            sa.select(FeedbackSession).where(FeedbackSession.starts_at == from_local(day, time(16, 0)),
                                             FeedbackSession.location == LOCATION)
        )
        sessions.append(existing or create_session(
            day=day, start=time(16, 0), end=time(18, 0), breaks=[["17:00", "17:15"]],
            location=LOCATION, video_url=VIDEO_URL, status=FeedbackSessionStatus.PUBLISHED,
            modes=("on_site", "video", "phone"),
        ))
        if not sessions[-1].hosts:
            sessions[-1].hosts = [staff[0][0]]
    db.session.flush()
    load_history(staff[0][0], location=LOCATION, video_url=VIDEO_URL, now=now, today=today)

    load_demo_snippets()
    links = []
    for index, demo in enumerate(DEMO_CANDIDATES):
        candidate = db.session.scalar(sa.select(Candidate).where(Candidate.email == demo.email))
        if candidate is None:
            candidate = Candidate(
                name=demo.name, email=demo.email, vacancy=demo.vacancy, department=demo.department,
                stage=demo.stage, language=demo.language, phone=demo.phone,
                rejected_on=today - timedelta(days=demo.days_since_rejection),
            )
            db.session.add(candidate)
            db.session.flush()
            record_calls_due([candidate])
        token = demo_token(demo.email)
        invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(token)))
        if invitation is None:
            db.session.add(Invitation(candidate=candidate, nonce=demo_nonce(demo.email), token_hash=hash_token(token),
                                      expires_at=now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])))
        elif invitation.expires_at <= now:
            invitation.expires_at = now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
        if candidate.invited_at is None:
            _send_rejection(candidate, token, sent_on=today - timedelta(days=demo.days_since_rejection), now=now)
        if demo.booked and not candidate.bookings:
            # Booked as a candidate books: the host whose turn it is, the event, the confirmation in the outbox.
            free = [slot for slot in free_slots(now) if slot.feedback_session in sessions]
            book_slot(candidate, free[index % len(free)].id, ["improve", "cv_profile"],
                      "Hoe kan ik mijn projectervaring beter laten zien?", token=token, mode="on_site", now=now)
        links.append((candidate, booking_url(token)))
    for name, email, vacancy, department, language, line in DEMO_NOT_INVITED:
        if db.session.scalar(sa.select(Candidate.id).where(Candidate.email == email)) is None:
            db.session.add(Candidate(name=name, email=email, vacancy=vacancy, department=department,
                                     stage=Stage.CV_SCREENING, language=language, personal_line=line,
                                     rejected_on=today - timedelta(days=1)))
    db.session.commit()
    return links
