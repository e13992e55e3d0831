"""A year of use for the demo: past feedback hours with their conversations and what came of them.

Each of the last twelve months had its feedback hour, a dozen rejected applicants were sent their link, most
booked, most came; the recruiter prepared notes, recorded the outcome, sent a summary; some answered the
survey, some joined the talent pool, applied again or were hired later. The retention rule then did what it
does in a real portal: whoever is not in the talent pool and whose procedure ended more than RETENTION_DAYS
ago is erased, so their conversations live on only in the figures (the event log), as they would.

Deterministic (a seeded random), and written once: ``load_history`` does nothing when the history is there.
"""

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.candidates.services import compose_rejection, template_lookup
from app.events import record_event
from app.extensions import db
from app.mail import notifications
from app.mail.outbox import scrub_failed, scrub_sent
from app.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Candidate,
    FeedbackSession,
    FeedbackSessionStatus,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    PoolSource,
    PoolTag,
    PreparationNote,
    Stage,
    SurveyResponse,
    User,
)
from app.notes.services import record_outcome
from app.privacy.services import due_for_erasure, erase_candidates
from app.sessions.planning import create_session
from app.talent.services import join_pool, record_hire, record_reapplication
from app.timeutil import from_local, local
from app.tokens import TOKEN_BYTES, hash_token, token_for_nonce

MONTHS = 12
HISTORY_START = time(15, 30)
PER_MONTH = 12
HISTORY_DOMAIN = "history.example.org"  # every past demo candidate's address ends in it

FIRST_NAMES = ("Anouk", "Bram", "Chantal", "Daan", "Esra", "Fleur", "Gijs", "Hatice", "Iris", "Jeroen", "Kim",
               "Lars", "Maaike", "Noah", "Olga", "Pieter", "Quinten", "Roos", "Sem", "Tamara", "Umut", "Vera",
               "Wouter", "Yara", "Zoë", "Priya", "Lucas", "Nadia", "Thijs", "Ilse")
LAST_NAMES = ("Jansen", "de Boer", "Visser", "Smit", "Meijer", "de Graaf", "Mulder", "Bos", "Vos", "Peters",
              "Hendriks", "van Dijk", "Kaya", "Bouzid", "Dekker", "van Leeuwen", "Koster", "Prins", "Huisman",
              "Postma", "Chen", "Kuipers", "Veenstra", "Kramer", "van den Berg")
VACANCIES = (
    ("Verpleegkundige IC", "Intensive Care"), ("Doktersassistent", "Polikliniek Interne"),
    ("Data-analist", "Bedrijfsbureau"), ("Projectleider ICT", "ICT"), ("Research nurse", "Oncologie"),
    ("Medisch secretaresse", "Cardiologie"), ("Operatieassistent", "OK-complex"),
    ("Fysiotherapeut", "Revalidatie"),
)
REASONS = ("experience", "skills", "qualifications", "team_fit", "other", "", "")  # "": not recorded
SKILLS = ("Excel", "Planning", "Patiëntcontact", "SQL", "Projectmanagement", "Wondzorg", "Scrum")

NOTES = {
    "nl": {
        "went_well": "Je motivatiebrief noemde concreet je stage op de afdeling en wat je daar leerde.",
        "why_not": "Voor deze functie vragen we minstens twee jaar ervaring met {area}; in je cv staat een half jaar.",
        "advice": "Zet je resultaten bovenaan je cv, met één zin per project over wat jij deed.",
        "free_notes": "Vraagt naar de opleidingsplekken van volgend jaar.",
    },
    "en": {
        "went_well": "Your letter named your placement on the ward and what you learned there.",
        "why_not": "The role asks for at least two years of experience with {area}; your CV shows six months.",
        "advice": "Put your results at the top of your CV, with one line per project on what you did.",
        "free_notes": "Asked about next year's training places.",
    },
}
PERSONAL_LINES = {
    "nl": "In je gesprek over de dienstroosters liet je zien hoe je vooruit plant.",
    "en": "In our conversation about rosters you showed how you plan ahead.",
}
AREAS = ("de planning van een afdeling", "SQL en rapportages", "intensieve zorg", "projectbegrotingen")
QUESTIONS = ("Hoe kan ik mijn ervaring beter laten zien?", "Wat miste er in mijn cv?",
             "Welke opleiding raden jullie aan?", "")
COMMENTS = ("Fijn dat jullie hier tijd voor maken.", "Heel concreet, daar heb ik wat aan.", "", "",
            "Ik had gehoopt op meer tijd.")


@dataclass(frozen=True)
class PastCandidate:
    name: str
    email: str
    language: str
    vacancy: str
    department: str
    stage: Stage
    reason: str


def second_tuesday(year: int, month: int) -> date:
    """The demo's day of the feedback hour in a month."""
    first = date(year, month, 1)
    first_tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
    return first_tuesday + timedelta(days=7)


def _month_back(today: date, months: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - months
    return index // 12, index % 12 + 1


def past_session_days(today: date) -> list[date]:
    """The second Tuesday of each of the last MONTHS months that lies at least a week before ``today``."""
    days = [second_tuesday(*_month_back(today, back)) for back in range(MONTHS, -1, -1)]
    return [day for day in days if day <= today - timedelta(days=7)][-MONTHS:]


def history_loaded(location: str, now: datetime) -> bool:
    """Whether an earlier ``load_history`` wrote the history: its hours (at HISTORY_START, where the demo's
    coming hours start later) stay, whatever the retention erased."""
    starts = db.session.scalars(sa.select(FeedbackSession.starts_at).where(
        FeedbackSession.location == location, FeedbackSession.starts_at < now))
    return any(local(start).time() == HISTORY_START for start in starts)


def load_history(recruiter: User, *, location: str, video_url: str, now: datetime, today: date) -> None:
    """Write a year of use once (see the module); does not commit."""
    if history_loaded(location, now):
        return
    rng = random.Random(17)
    number = 0
    past: list[Candidate] = []
    never_booked: list[Candidate] = []
    template_for = template_lookup()  # the rejection templates, read once
    for month_index, day in enumerate(past_session_days(today)):
        feedback_session = create_session(
            day=day, start=HISTORY_START, end=time(18, 0), breaks=[["17:00", "17:15"]],
            location=location, video_url=video_url, status=FeedbackSessionStatus.PUBLISHED,
        )
        feedback_session.hosts = [recruiter]
        feedback_session.created_at = from_local(day - timedelta(days=40), time(9, 0))
        db.session.flush()
        slots = list(feedback_session.slots)
        rng.shuffle(slots)
        for _ in range(PER_MONTH):
            number += 1
            person = _person(rng, number)
            candidate, token = _invited_candidate(person, rng, day, template_for)
            past.append(candidate)
            if not slots or rng.random() < 0.2:  # a fifth never book, and had the one reminder a week later
                never_booked.append(candidate)
                _reminded(candidate, token, now)
                continue
            _conversation(candidate, token, slots.pop(), rng, recruiter, now, today,
                          recent=month_index >= MONTHS - 3)
    db.session.flush()
    _failed_emails(never_booked[-2:])
    _apply_retention([c.id for c in past], now)


def _person(rng: random.Random, number: int) -> PastCandidate:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    vacancy, department = rng.choice(VACANCIES)
    local_part = f"{first}.{last}".lower().replace(" ", "").replace("ë", "e")
    return PastCandidate(
        name=f"{first} {last}", email=f"{local_part}.{number}@{HISTORY_DOMAIN}",
        language="en" if rng.random() < 0.15 else "nl", vacancy=vacancy, department=department,
        stage=rng.choice(list(Stage)), reason=rng.choice(REASONS),
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return from_local(day, time(hour, minute))


def _invited_candidate(person: PastCandidate, rng: random.Random, session_day: date,
                       template_for) -> tuple[Candidate, str]:
    """A rejected applicant who was sent the rejection e-mail with their link, one to four weeks before the hour."""
    rejected_on = session_day - timedelta(days=rng.randint(8, 30))
    invited_at = _at(rejected_on + timedelta(days=rng.choice((0, 0, 0, 1, 2, 5))), rng.randint(9, 16))
    candidate = Candidate(
        name=person.name, email=person.email, vacancy=person.vacancy, department=person.department,
        stage=person.stage, language=person.language, rejected_on=rejected_on,
        rejection_reason=person.reason or None, created_at=_at(rejected_on, 8), invited_at=invited_at,
    )
    expires_at = invited_at + timedelta(days=56)
    nonce = secrets.token_urlsafe(TOKEN_BYTES)
    token = token_for_nonce(nonce)
    candidate.invitations = [Invitation(nonce=nonce, token_hash=hash_token(token), created_at=invited_at,
                                        expires_at=expires_at)]
    db.session.add(candidate)
    db.session.flush()
    record_event("invited", candidate, at=invited_at)
    sent(rejection_message(candidate, token, expires_at=expires_at, template_for=template_for), invited_at)
    return candidate, token


def rejection_message(candidate: Candidate, token: str, *, expires_at: datetime, template_for=None) -> OutboxMessage:
    """The demo's rejection e-mail to ``candidate`` with their link: the template with the demo's personal line
    in the candidate's language."""
    email = compose_rejection(candidate, PERSONAL_LINES[candidate.language], template_for=template_for)
    return OutboxMessage(**notifications.rejection_email(
        candidate, token, subject=email.subject, intro=email.intro, personal_line=email.personal_line,
        expires_at=expires_at))


def _reminded(candidate: Candidate, token: str, now: datetime) -> None:
    at = candidate.invited_at + timedelta(days=7)
    if at < now:
        candidate.invite_reminder_at = at
        expires_at = max(i.expires_at for i in candidate.invitations)
        sent(notifications.notify_invite_reminder(candidate, token, expires_at=expires_at), at)


def sent(message: OutboxMessage, at: datetime) -> OutboxMessage:
    """The e-mail as the worker leaves it once sent: delivered a minute later, its link hidden."""
    message.created_at = at
    message.next_attempt_at = at
    message.status = OutboxStatus.SENT
    message.attempts = 1
    message.sent_at = at + timedelta(minutes=1)
    scrub_sent(message)
    db.session.add(message)
    return message


def _conversation(candidate: Candidate, token: str, slot, rng: random.Random, recruiter: User, now: datetime,
                  today: date, *, recent: bool) -> None:
    """The booking and, after the hour, what the recruiter recorded and what followed."""
    booked_at = candidate.invited_at + timedelta(hours=rng.randint(2, 96))
    booking = Booking(
        candidate=candidate, slot=slot, topics=rng.sample(["went_well", "improve", "cv_profile"], 2),
        question=rng.choice(QUESTIONS), uid=f"{uuid.uuid4()}@feedbackspreekuur", created_at=booked_at,
        updated_at=booked_at, sequence=0,
    )
    db.session.add(booking)
    db.session.flush()
    record_event("booked", candidate, feedback_session_id=slot.feedback_session_id, at=booked_at)
    sent(notifications.notify_booking_confirmed(booking, token), booked_at)
    roll = rng.random()
    if roll < 0.06:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = booked_at + timedelta(days=2)
        record_event("cancelled", candidate, feedback_session_id=slot.feedback_session_id, at=booking.cancelled_at)
        return
    _prepare(booking, rng, recruiter)
    ended = slot.ends_at + timedelta(minutes=30)
    outcome = "no_show" if roll < 0.14 else "cancelled_late" if roll < 0.18 else "attended"
    suitable = outcome == "attended" and rng.random() < 0.08
    follow_up = "Bellen over de vacature op de afdeling" if suitable else ""
    record_outcome(booking, outcome, suitable_after_all=suitable, follow_up_action=follow_up,
                   follow_up_on=slot.starts_at.date() + timedelta(days=7) if suitable else None,
                   user=recruiter, now=ended)
    if outcome != "attended":
        return
    if rng.random() < (0.9 if recent else 0.6):
        _summary(booking, recruiter, ended + timedelta(hours=rng.randint(1, 30)))
    booking.survey_requested_at = ended + timedelta(hours=20)  # everyone is asked once; about half answer
    if rng.random() < 0.55:
        _survey(booking, rng, ended + timedelta(days=rng.randint(1, 4)))
    if rng.random() < 0.25 or suitable:
        _pool(candidate, rng, ended + timedelta(minutes=5))
        later = slot.starts_at.date() + timedelta(days=rng.randint(30, 120))
        if later < today and rng.random() < 0.6:
            vacancy = rng.choice(VACANCIES)
            record_reapplication(candidate.email, vacancy[0], later, now=now)
            start = later + timedelta(days=rng.randint(30, 60))
            if (suitable or rng.random() < 0.6) and start <= today + timedelta(days=60):
                record_hire(candidate.email, vacancy[0], vacancy[1], start, now=now)


def _prepare(booking: Booking, rng: random.Random, recruiter: User) -> None:
    texts = NOTES["nl" if booking.candidate.language == "nl" else "en"]
    at = booking.slot.starts_at - timedelta(days=1, hours=rng.randint(0, 5))
    db.session.add(PreparationNote(
        booking=booking, went_well=texts["went_well"], why_not=texts["why_not"].format(area=rng.choice(AREAS)),
        advice=texts["advice"], free_notes=texts["free_notes"] if rng.random() < 0.4 else "",
        updated_at=at, updated_by_id=recruiter.id,
    ))
    db.session.flush()
    db.session.add(AuditEntry(at=at, user_id=recruiter.id, user_email=recruiter.email, action="note_changed",
                              target_type="booking", target_id=booking.id))
    db.session.add(AuditEntry(at=booking.slot.starts_at - timedelta(minutes=10), user_id=recruiter.id,
                              user_email=recruiter.email, action="note_viewed", target_type="booking",
                              target_id=booking.id))


def _summary(booking: Booking, recruiter: User, at: datetime) -> None:
    note = booking.note
    booking.summary_sent_at = at
    message = notifications.notify_feedback_summary(booking, went_well=note.went_well, why_not=note.why_not,
                                                    advice=note.advice)
    sent(message, at)
    db.session.add(AuditEntry(at=at, user_id=recruiter.id, user_email=recruiter.email, action="summary_sent",
                              target_type="booking", target_id=booking.id))


def _survey(booking: Booking, rng: random.Random, at: datetime) -> None:
    useful, recommend = rng.choice((5, 5, 4, 4, 4, 3, 2)), rng.choice((10, 9, 9, 8, 8, 7, 6, 4))
    db.session.add(SurveyResponse(booking_id=booking.id, useful=useful, recommend=recommend,
                                  comment=rng.choice(COMMENTS), created_at=at))
    record_event(
        "surveyed", booking.candidate, value=useful, feedback_session_id=booking.slot.feedback_session_id, at=at
    )
    record_event(
        "recommended", booking.candidate, value=recommend, feedback_session_id=booking.slot.feedback_session_id, at=at
    )


def _pool(candidate: Candidate, rng: random.Random, at: datetime) -> None:
    membership = join_pool(candidate, now=at, source=PoolSource.BOOKING)
    db.session.flush()
    for value in rng.sample(SKILLS, 2):
        db.session.add(PoolTag(membership_id=membership.id, kind="skill", value=value))
    db.session.add(PoolTag(membership_id=membership.id, kind="department", value=candidate.department))


def _failed_emails(candidates: list[Candidate]) -> None:
    """The rejection e-mails of the latest who never booked: the receiving server refused them (a mistyped
    address), and the outbox shows why."""
    for candidate in candidates:
        message = db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.candidate_id == candidate.id, OutboxMessage.kind == "rejection"))
        message.status = OutboxStatus.FAILED
        message.sent_at = None
        message.attempts = 3
        message.last_error = f"550 5.1.1 <{candidate.email}>: Recipient address rejected: User unknown"
        scrub_failed(message)
        db.session.execute(sa.delete(OutboxMessage).where(  # no reminder reached them either
            OutboxMessage.candidate_id == candidate.id, OutboxMessage.kind == "invite_reminder"))


def _apply_retention(candidate_ids: list[int], now: datetime) -> None:
    """Erase the past demo candidates whose retention ended, and date each erasure when it was due."""
    ours = set(candidate_ids)
    due = [d for d in due_for_erasure(now) if d.candidate_id in ours]
    erase_candidates([d.candidate_id for d in due], reason="retention")
    for d in due:
        db.session.execute(sa.update(AuditEntry).where(
            AuditEntry.action == "erased", AuditEntry.target_id == d.candidate_id).values(at=d.due_at))

