"""The rejection e-mail with the personal link: composed, checked, previewed and queued; and the one
gentle reminder to those who did nothing with it."""

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from app import checker
from app.audit.services import record_audit
from app.candidates.services.errors import AlreadyInvited, PersonalLineMissing
from app.candidates.services.templates import fill, get_template, template_lookup
from app.core.claims import mark_once
from app.core.text import clean_text
from app.database import utcnow
from app.events import record_events
from app.extensions import db
from app.mail import notifications
from app.mail.outbox import queue_emails, render_email_part
from app.models import (
    PERSONAL_LINE_MAX,
    Booking,
    Candidate,
    Invitation,
    Stage,
    WaitlistEntry,
)
from app.tokens import issue_invitations, valid_token


@dataclass(frozen=True)
class RejectionEmail:
    """The parts of one candidate's rejection e-mail, before the link is made."""

    subject: str
    intro: str
    personal_line: str
    stage: Stage
    language: str
    template: str = ""  # the template's subject and text as written, placeholders unfilled: what the checker reads

    @property
    def fingerprint(self) -> str:
        """Identifies exactly what the recruiter saw in the preview, so that nothing else is sent."""
        parts = [self.language, self.stage.value, self.subject, self.intro, self.personal_line]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def clean_personal_line(text: str | None) -> str:
    """The personal line without invisible characters or trailing spaces; PersonalLineMissing when empty."""
    text = clean_text(text).strip()
    if not text:
        raise PersonalLineMissing()
    if len(text) > PERSONAL_LINE_MAX:
        raise PersonalLineMissing(_("Keep the personal line to %(limit)s characters.", limit=PERSONAL_LINE_MAX))
    return text


def compose_rejection(candidate: Candidate, personal_line: str, *, template_for=None,
                      personal: bool = True) -> RejectionEmail:
    """The candidate's template filled with their name and vacancy, plus the recruiter's personal line;
    ``personal=False``: the stage's default e-mail alone, without one (an integration's automatic e-mail)."""
    template = (template_for or get_template)(candidate.language, candidate.stage)
    values = {"name": candidate.first_name, "vacancy": candidate.vacancy}
    return RejectionEmail(
        subject=fill(template.subject, **values),
        intro=fill(template.body, **values),
        personal_line=clean_personal_line(personal_line) if personal else "",
        stage=candidate.stage,
        language=template.language,
        template=f"{template.subject}\n\n{template.body}",
    )


def compose_rejections(candidates: Sequence[Candidate], lines: Mapping[int, str], *,
                       personal: bool = True) -> dict[int, RejectionEmail]:
    """``compose_rejection`` for a selection, the templates read in one statement; by candidate id."""
    template_for = template_lookup()
    return {c.id: compose_rejection(c, lines.get(c.id, ""), template_for=template_for, personal=personal)
            for c in candidates}


@dataclass(frozen=True)
class RejectionWarnings:
    """What the checker says about a selection's e-mails, per candidate id: on the personal line, and on
    the template text their e-mail starts with."""

    lines: dict
    templates: dict

    def for_candidate(self, candidate_id: int) -> list:
        return [*self.lines.get(candidate_id, []), *self.templates.get(candidate_id, [])]

    @property
    def lines_warned(self) -> int:
        return sum(1 for found in self.lines.values() if found)

    @property
    def templates_warned(self) -> int:
        return len({id(found) for found in self.templates.values() if found})

    @property
    def any(self) -> bool:
        return any(self.lines.values()) or any(self.templates.values())

    def categories_for(self, candidate_id: int) -> list[str]:
        """The kinds of warning on this candidate's e-mail (what the audit log records; never the text)."""
        return checker.categories_of(self.for_candidate(candidate_id))


@dataclass(frozen=True)
class WarnedCategories:
    """What the checker said about a selection's e-mails as kinds of warning only, per candidate: on the
    personal line, and on the template (by language and stage) their e-mail starts with. Small enough to
    travel with a page under a signature (``app.candidates.services.bulk``), so that the send request need
    not read every text again."""

    lines: dict[int, list[str]]
    templates: dict[tuple[str, str], list[str]]
    template_of: dict[int, tuple[str, str]]

    @classmethod
    def of(cls, warnings: RejectionWarnings, emails: Mapping[int, RejectionEmail]) -> "WarnedCategories":
        template_of = {cid: (email.language, email.stage.value) for cid, email in emails.items()}
        templates = {}
        for cid, found in warnings.templates.items():
            if found:
                templates[template_of[cid]] = checker.categories_of(found)
        return cls(lines={cid: checker.categories_of(found) for cid, found in warnings.lines.items() if found},
                   templates=templates, template_of=template_of)

    @property
    def any(self) -> bool:
        return bool(self.lines) or bool(self.templates)

    def categories_for(self, candidate_id: int) -> list[str]:
        return checker.ordered_categories([*self.lines.get(candidate_id, []),
                                           *self.templates.get(self.template_of.get(candidate_id), [])])


def rejection_warnings(candidates: Sequence[Candidate], emails: Mapping[int, RejectionEmail]) -> RejectionWarnings:
    """The checker on each e-mail's personal line and on its template's subject and text, as the template
    editor checks them (placeholders unfilled: the name and vacancy come from the ATS, not from the
    recruiter). Each distinct text is checked once, in the e-mail's language first: a selection's template
    once, not once per candidate."""
    lines, templates = {}, {}
    by_language: dict[str, dict] = {}
    for c in candidates:
        email = emails[c.id]
        texts = by_language.setdefault(email.language, {})
        texts[f"line_{c.id}"] = email.personal_line
        texts[f"intro_{c.id}"] = email.template or f"{email.subject}\n\n{email.intro}"
    for language, texts in by_language.items():
        found = checker.check_texts(texts, language)
        for name, findings in found.items():
            kind, cid = name.split("_", 1)
            (lines if kind == "line" else templates)[int(cid)] = findings
    return RejectionWarnings(lines, templates)


def link_expiry(now: datetime | None = None) -> datetime:
    return (now or utcnow()) + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])


def preview_link() -> str:
    """What the link looks like in a preview: the real one is made when the e-mail is sent."""
    return current_app.config["PORTAL_URL"].rstrip("/") + "/b/…"


@dataclass(frozen=True)
class Preview:
    email: RejectionEmail
    to: str
    text: str


def preview_rejection(candidate: Candidate, personal_line: str) -> Preview:
    """The e-mail exactly as it will be queued (same template, same language), with a stand-in link."""
    return preview_of(candidate, compose_rejection(candidate, personal_line))


def preview_of(candidate: Candidate, email: RejectionEmail) -> Preview:
    """The preview of an e-mail composed already (``compose_rejections``)."""
    return previews_of([candidate], {candidate.id: email})[candidate.id]


def previews_of(candidates: Sequence[Candidate], emails: Mapping[int, RejectionEmail]) -> dict[int, Preview]:
    """``preview_of`` for a selection, by candidate id: rendered as the outbox renders the e-mail (no page
    context), the stand-in link and the expiry made once, the locale switched once per language."""
    context = {"organisation": current_app.config["ORGANISATION_NAME"], "link": preview_link(),
               "expires_at": link_expiry()}
    by_language: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_language.setdefault(candidate.language, []).append(candidate)
    previews = {}
    for language, group in by_language.items():
        with force_locale(language):
            for candidate in group:
                email = emails[candidate.id]
                text = render_email_part("email/rejection.txt", {
                    **context, "candidate": candidate, "intro": email.intro, "personal_line": email.personal_line})
                previews[candidate.id] = Preview(email=email, to=f"{candidate.name} <{candidate.email}>", text=text)
    return {candidate.id: previews[candidate.id] for candidate in candidates}


def send_rejections(
    candidates: Sequence[Candidate], lines: Mapping[int, str], *, resend: Collection[int] = (),
    now: datetime | None = None, composed: Mapping[int, RejectionEmail] | None = None, personal: bool = True,
    warnings_confirmed: bool = False, warnings: "RejectionWarnings | WarnedCategories | None" = None,
) -> int:
    """Queue the rejection e-mail to each of ``candidates`` with their personal line (by id) and a freshly
    issued personal link (the raw token lives only in the queued e-mail); returns how many. All or none:
    AlreadyInvited, before anything is queued, when someone had the e-mail before and their id is not in
    ``resend`` (sending again issues another link). Links, e-mails and events are written in batched
    statements, so a selection costs the same few round trips however large it is. ``composed``: the
    e-mails as ``compose_rejections`` made them from the same ``lines`` already (the send request checks
    them against the preview first), so that they are not made twice. ``personal=False``: the stage's
    default e-mail without a personal line (an integration's automatic follow-up). The checker reads every
    e-mail first (``warnings``: what it said already, in full or as ``WarnedCategories``): with warnings,
    nothing is sent unless ``warnings_confirmed`` (checker.WarningsNotConfirmed), and the audit log records, per
    candidate, who sent it despite which kinds of warning (never the text)."""
    if any(c.invited_at is not None and c.id not in resend for c in candidates):
        raise AlreadyInvited()
    emails = composed if composed is not None else compose_rejections(candidates, lines, personal=personal)
    warnings = warnings or rejection_warnings(candidates, emails)
    if warnings.any and not warnings_confirmed:
        raise checker.WarningsNotConfirmed()
    now = now or utcnow()
    expires_at = link_expiry(now)
    tokens = issue_invitations(candidates, expires_at=expires_at)
    rows = [notifications.rejection_email(
        c, tokens[c.id], subject=emails[c.id].subject, intro=emails[c.id].intro,
        personal_line=emails[c.id].personal_line, expires_at=expires_at, personal=personal) for c in candidates]
    # The figures count a person once as invited, however often the e-mail goes out: the "invited" event
    # is written with the first e-mail only, in the same transaction that sets invited_at.
    first_time = [c for c in candidates if c.invited_at is None]
    record_events("invited", first_time, at=now, first_for_all=True)
    # One UPDATE for the selection; the objects in hand show the new value without a second, per-row one.
    db.session.execute(sa.update(Candidate).where(Candidate.id.in_([c.id for c in candidates]))
                       .values(invited_at=now).execution_options(synchronize_session=False))
    for candidate in candidates:
        set_committed_value(candidate, "invited_at", now)
        warned = warnings.categories_for(candidate.id)
        if warned:
            record_audit("warning_overridden", target_type="candidate", target_id=candidate.id,
                         facts={"sent": "rejection", "warnings": list(warned)})
    return queue_emails(rows)


# --- the one gentle reminder ------------------------------------------------------------------------

def queue_invite_reminders(*, now: datetime | None = None) -> int:
    """Remind, once, invited candidates who have done nothing with their link for INVITE_REMINDER_DAYS:
    no booking (not even a cancelled one), never on the waitlist, and a link that still works.
    Each candidate is claimed with a conditional update, so two workers never both remind. Does not commit."""
    now = now or utcnow()
    days = current_app.config["INVITE_REMINDER_DAYS"]
    valid_link = sa.exists().where(
        Invitation.candidate_id == Candidate.id, Invitation.revoked_at.is_(None), Invitation.expires_at > now
    )
    due = list(db.session.scalars(
        sa.select(Candidate).where(
            Candidate.invited_at.is_not(None),
            Candidate.invited_at <= now - timedelta(days=days),
            Candidate.invite_reminder_at.is_(None),
            ~sa.exists().where(Booking.candidate_id == Candidate.id),
            ~sa.exists().where(WaitlistEntry.candidate_id == Candidate.id),
            valid_link,
        ).order_by(Candidate.id)
    ))
    queued = 0
    for candidate in due:
        if not mark_once(candidate, "invite_reminder_at", now):
            continue
        token = valid_token(candidate)
        expires_at = max(i.expires_at for i in candidate.invitations if i.revoked_at is None and i.expires_at > now)
        notifications.notify_invite_reminder(candidate, token, expires_at=expires_at)
        queued += 1
    return queued
