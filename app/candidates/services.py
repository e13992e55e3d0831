"""Rejected candidates: the list and its filters, adding them by hand or from a CSV file, the rejection
e-mail with the personal link (its editable templates per language and stage), and the one gentle
reminder to those who did nothing with it. Views call these functions and turn their exceptions into
messages; none of them commits unless it says so."""

import enum
import hashlib
import json
import re
import secrets
import string
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from app import checker
from app.audit.services import record_audit
from app.calls.duty import record_calls_due
from app.candidates.csv_import import (
    CandidateData,
    ImportPreview,
    duplicate_key,
    parse_csv,
    today_local,
)
from app.candidates.default_texts import DEFAULT_TEXTS_LANGUAGE, default_templates
from app.core.errors import DomainError
from app.core.languages import languages, offered
from app.core.pagination import Page, distinct_values, fetch_page
from app.core.text import clean_text, contains
from app.database import utcnow
from app.events import record_events
from app.extensions import db
from app.i18n import _l
from app.mail import notifications
from app.mail.outbox import queue_emails
from app.models import (
    Booking,
    BookingStatus,
    Candidate,
    EmailTemplate,
    Invitation,
    OutboxMessage,
    Stage,
    WaitlistEntry,
)
from app.tokens import issue_invitations, valid_token

PAGE_SIZE = 50
# Rows a list counts and pages through (20 pages): a rare filter (a few per cent of a million) then reads some
# tens of thousands of index entries at most; the filters and the search narrow the rest.
LIST_BOUND = 1_000
PERSONAL_LINE_MAX = 1000


class CandidateError(DomainError):
    """Something the recruiter asked for cannot be done; ``message`` says why."""

    message = _l("This cannot be done.")


class DuplicateCandidate(CandidateError):
    message = _l("This person is already in the list for this vacancy.")


class PersonalLineMissing(CandidateError):
    message = _l("Write the personal line: something specific from the application and the concrete reason.")


class AlreadyInvited(CandidateError):
    message = _l("This candidate has had the rejection e-mail already. Confirm to send it again with a new link.")


class TemplateInvalid(CandidateError):
    message = _l("The e-mail template has an error.")


class WarningsNotConfirmed(CandidateError):
    """The feedback checker warns about text that would reach a candidate, and nobody confirmed it."""

    message = _l("The feedback checker has warnings for this text. Read them, then confirm that you want to go "
                 "ahead anyway.")


class NotAllRowsGood(CandidateError):
    """'Import nothing unless all rows are good' was chosen and some rows are not."""


class ImportExpired(CandidateError):
    message = _l("This upload is no longer available. Upload the file again.")


# --- progress and the list --------------------------------------------------------------------------

class Progress(enum.StrEnum):
    """How far a candidate got: the furthest step only."""

    NOT_INVITED = "not_invited"
    INVITED = "invited"
    BOOKED = "booked"
    ATTENDED = "attended"


PROGRESS_LABELS = {
    Progress.NOT_INVITED: _l("Not invited yet"),
    Progress.INVITED: _l("Invited, not booked"),
    Progress.BOOKED: _l("Booked"),
    Progress.ATTENDED: _l("Attended"),
}


def _has_booking(*conditions) -> sa.ColumnElement[bool]:
    """Whether the row's candidate has a booking such as ``conditions`` say: one index lookup per candidate
    read. (Written as a subquery with LIMIT, not EXISTS, which PostgreSQL would turn into a scan of every
    booking, to hash them, before the first row of a page.)"""
    return (sa.select(Booking.id).where(Booking.candidate_id == Candidate.id, *conditions).limit(1)
            .scalar_subquery().is_not(None))


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    booked: bool
    attended: bool

    @property
    def invited(self) -> bool:
        return self.candidate.invited_at is not None

    @property
    def progress(self) -> Progress:
        if self.attended:
            return Progress.ATTENDED
        if self.booked:
            return Progress.BOOKED
        return Progress.INVITED if self.invited else Progress.NOT_INVITED


def list_candidates(
    *, progress: Progress | None = None, vacancy: str = "", department: str = "", search: str = "", page: int = 1
) -> Page[CandidateRow]:
    """Candidates, newest rejection first, filtered by progress, vacancy, department and a name or address.

    Two statements whatever the size (migration 0011's indexes serve the order and the filters, pg_trgm the
    search on PostgreSQL): the list is counted up to LIST_BOUND rows and paged no deeper; beyond, the
    filters narrow it."""
    booked = _has_booking(Booking.status != BookingStatus.CANCELLED)
    attended = _has_booking(Booking.status == BookingStatus.ATTENDED)
    conditions = []
    if progress == Progress.NOT_INVITED:
        conditions += [Candidate.invited_at.is_(None), ~booked]
    elif progress == Progress.INVITED:
        conditions += [Candidate.invited_at.is_not(None), ~booked]
    elif progress == Progress.BOOKED:
        conditions += [_has_booking(Booking.status.in_((BookingStatus.BOOKED, BookingStatus.NO_SHOW))), ~attended]
    elif progress == Progress.ATTENDED:
        conditions.append(attended)
    if vacancy:
        conditions.append(Candidate.vacancy == vacancy)
    if department:
        conditions.append(Candidate.department == department)
    search = search.strip()
    if search:
        conditions.append(sa.or_(contains(Candidate.name, search), contains(Candidate.email, search)))
    found = fetch_page(
        sa.select(Candidate, booked.label("booked"), attended.label("attended"))
        .where(*conditions)
        .order_by(Candidate.rejected_on.desc(), Candidate.id.desc()),
        page, PAGE_SIZE, count_up_to=LIST_BOUND,
    )
    return replace(found, rows=[CandidateRow(candidate, bool(b), bool(a)) for candidate, b, a in found.rows])


def candidate_row(candidate: Candidate) -> CandidateRow:
    statuses = {b.status for b in candidate.bookings}
    booked = bool(statuses - {BookingStatus.CANCELLED})
    return CandidateRow(candidate, booked, BookingStatus.ATTENDED in statuses)


def filter_choices() -> tuple[list[str], list[str]]:
    """The vacancies and departments that occur, for the filters: read from their indexes value by value
    (a skip scan), not from every candidate."""
    return distinct_values(Candidate.vacancy), distinct_values(Candidate.department)


def get_candidates(ids: list[int]) -> list[Candidate]:
    """The candidates with these ids, in the order given; unknown ids are left out."""
    if not ids:
        return []
    found = {c.id: c for c in db.session.scalars(sa.select(Candidate).where(Candidate.id.in_(ids)))}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def sent_messages(candidate: Candidate) -> list[OutboxMessage]:
    """The e-mails the outbox holds for this candidate, newest first."""
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.candidate_id == candidate.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    ))


# --- adding candidates ------------------------------------------------------------------------------

def _existing_keys() -> set[tuple[str, str]]:
    return {duplicate_key(email, vacancy)
            for email, vacancy in db.session.execute(sa.select(Candidate.email, Candidate.vacancy))}


def _candidate_values(data: CandidateData) -> dict:
    return {"name": data.name, "email": data.email, "vacancy": data.vacancy, "department": data.department,
            "stage": data.stage, "rejected_on": data.rejected_on, "language": data.language,
            "rejection_reason": data.rejection_reason, "phone": data.phone}


def add_candidate(data: CandidateData) -> Candidate:
    """Add one rejected candidate; DuplicateCandidate when the same address is there for the same vacancy."""
    if data.key in _existing_keys():
        raise DuplicateCandidate()
    candidate = Candidate(**_candidate_values(data))
    db.session.add(candidate)
    db.session.flush()
    record_calls_due([candidate])
    return candidate


# --- the CSV import ---------------------------------------------------------------------------------

class ImportMode(enum.StrEnum):
    GOOD_ROWS = "good_rows"
    ALL_OR_NOTHING = "all_or_nothing"


_IMPORT_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def preview_import(content: bytes) -> ImportPreview:
    """Read and check an uploaded file; ImportRefused when the file as a whole cannot be used."""
    config = current_app.config
    existing = _existing_keys()
    return parse_csv(
        content,
        today=today_local(),
        exists=existing.__contains__,
        max_bytes=config["CSV_IMPORT_MAX_BYTES"],
        max_rows=config["CSV_IMPORT_MAX_ROWS"],
    )


def import_candidates(preview: ImportPreview, mode: ImportMode) -> int:
    """Add the good rows (or, with ALL_OR_NOTHING, all rows only if every one is good) in one batched
    INSERT and return how many. Does not commit: the caller commits once, so the import is saved whole or
    not at all."""
    bad = preview.bad
    if mode == ImportMode.ALL_OR_NOTHING and bad:
        raise NotAllRowsGood(_(
            "Nothing is imported: %(bad)s of %(total)s rows have an error. Correct the file, or choose to "
            "import only the good rows.", bad=len(bad), total=len(preview.rows)))
    if not preview.good:
        raise NotAllRowsGood(_("Nothing is imported: none of the rows can be imported."))
    # Into the table, not the ORM entity: the ORM leaves a column out of a row whose value is None (no
    # rejection reason), and every change of shape starts a new statement (thousands of round trips).
    rows = [{**_candidate_values(row.data), "ref": uuid.uuid4().hex} for row in preview.good]
    db.session.execute(sa.insert(Candidate.__table__), rows)
    record_calls_due([SimpleNamespace(**row) for row in rows])
    return len(preview.good)


def _imports_folder() -> Path:
    folder = Path(current_app.config.get("CSV_IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep_uploads() -> timedelta:
    return timedelta(minutes=current_app.config["CSV_IMPORT_KEEP_MINUTES"])


def remove_stale_uploads(now: datetime | None = None) -> int:
    """Delete uploaded files (applicants' data) that waited longer than CSV_IMPORT_KEEP_MINUTES for the
    recruiter to confirm or cancel; run by every upload, the mail worker and the daily purge."""
    cutoff = (now or utcnow()).timestamp() - _keep_uploads().total_seconds()
    removed = 0
    for old in _imports_folder().glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
                removed += 1
        except OSError:
            pass  # removed meanwhile by another process
    return removed


def store_upload(content: bytes) -> str:
    """Keep an uploaded file until the recruiter confirms or cancels; returns its random id."""
    folder = _imports_folder()
    remove_stale_uploads()
    import_id = secrets.token_urlsafe(16)
    path = folder / f"{import_id}.csv"
    path.write_bytes(content)
    path.chmod(0o600)
    return import_id


def load_upload(import_id: str) -> bytes:
    """The stored upload (to be read and checked again); ImportExpired when it is gone."""
    if not _IMPORT_ID.match(import_id or ""):
        raise ImportExpired()
    path = _imports_folder() / f"{import_id}.csv"
    try:
        if path.stat().st_mtime < time.time() - _keep_uploads().total_seconds():
            path.unlink(missing_ok=True)
            raise ImportExpired()
        return path.read_bytes()
    except OSError:
        raise ImportExpired() from None


def discard_upload(import_id: str) -> None:
    """Delete the uploaded file: imported, cancelled or refused."""
    if _IMPORT_ID.match(import_id or ""):
        (_imports_folder() / f"{import_id}.csv").unlink(missing_ok=True)


# --- the rejection e-mail templates -----------------------------------------------------------------

PLACEHOLDERS = ("name", "vacancy")

DEFAULT_TEMPLATES = default_templates()


@dataclass(frozen=True)
class TemplateText:
    language: str
    stage: Stage
    subject: str
    body: str
    updated_at: datetime | None  # None: the default text, never edited

    @property
    def edited(self) -> bool:
        return self.updated_at is not None


def _template_row(language: str, stage: Stage) -> EmailTemplate | None:
    return db.session.scalar(
        sa.select(EmailTemplate).where(EmailTemplate.language == language, EmailTemplate.stage == stage)
    )


def get_template(language: str, stage: Stage) -> TemplateText:
    """The rejection e-mail for this language and stage: the edited one, else the default."""
    language = offered(language)
    return _template_text(language, stage, _template_row(language, stage))


def _template_text(language: str, stage: Stage, row: EmailTemplate | None) -> TemplateText:
    if row is not None:
        return TemplateText(language, stage, row.subject, row.body, row.updated_at)
    subject, body = DEFAULT_TEMPLATES.get((language, stage)) or DEFAULT_TEMPLATES[(DEFAULT_TEXTS_LANGUAGE, stage)]
    return TemplateText(language, stage, subject, body, None)


def template_lookup() -> Callable[[str, Stage], TemplateText]:
    """``get_template`` for many e-mails at once: every edited template read in one statement."""
    edited = {(row.language, row.stage): row for row in db.session.scalars(sa.select(EmailTemplate))}

    def template_for(language: str, stage: Stage) -> TemplateText:
        language = offered(language)
        return _template_text(language, stage, edited.get((language, stage)))

    return template_for


def all_templates() -> list[TemplateText]:
    template_for = template_lookup()
    return [template_for(language, stage) for language in languages() for stage in Stage]


def placeholder_errors(text: str) -> list:
    """What is wrong with the placeholders in ``text`` (empty when nothing): only {name} and {vacancy}."""
    allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return [_("A curly brace is not closed or not opened. Placeholders look like %(allowed)s; "
                   "to show a brace itself, write it twice: {{ or }}.", allowed=allowed)]
    errors = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name == "":
            errors.append(_("Empty braces {} are not a placeholder. You can use %(allowed)s.", allowed=allowed))
        elif name not in PLACEHOLDERS:
            errors.append(_("Unknown placeholder {%(name)s}. You can use %(allowed)s.", name=name, allowed=allowed))
        elif spec or conversion:
            errors.append(_("Write the placeholder as {%(name)s}, without anything after it inside the braces.",
                             name=name))
    return list(dict.fromkeys(errors))


def template_warnings(language: str, subject: str, body: str) -> dict[str, list[checker.Finding]]:
    """The feedback checker's warnings for a template's subject and text (by field)."""
    return checker.check_texts({"subject": subject or "", "body": body or ""}, language)


def save_template(language: str, stage: Stage, subject: str, body: str, *,
                  warnings_confirmed: bool = False) -> EmailTemplate:
    """Store an edited template; TemplateInvalid when a placeholder is unknown or malformed. The checker
    reads it first: with warnings it is saved only when ``warnings_confirmed`` (else WarningsNotConfirmed),
    and the audit log records who saved it despite which kinds of warning."""
    errors = placeholder_errors(subject) + placeholder_errors(body)
    if errors:
        raise TemplateInvalid(errors[0])
    warned = checker.warned_categories(template_warnings(language, subject, body))
    if warned and not warnings_confirmed:
        raise WarningsNotConfirmed()
    row = _template_row(language, stage)
    if row is None:
        row = EmailTemplate(language=language, stage=stage)
        db.session.add(row)
    row.subject, row.body = subject.strip(), body.replace("\r\n", "\n").replace("\r", "\n").strip()
    row.updated_at = utcnow()
    db.session.flush()
    if warned:
        record_audit("warning_overridden", target_type="email_template", target_id=row.id,
                     facts={"sent": "template", "language": language, "stage": stage,
                            "warnings": list(warned)})
    return row


def reset_template(language: str, stage: Stage) -> None:
    """Go back to the default text."""
    row = _template_row(language, stage)
    if row is not None:
        db.session.delete(row)


def fill(text: str, *, name: str, vacancy: str) -> str:
    """The template's text with the placeholders filled in."""
    try:
        return text.format_map({"name": name, "vacancy": vacancy})
    except (KeyError, IndexError, ValueError, AttributeError):
        raise TemplateInvalid(_("The e-mail template has an unknown placeholder; correct it in the template "
                                 "editor.")) from None


# --- the rejection e-mail ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RejectionEmail:
    """The parts of one candidate's rejection e-mail, before the link is made."""

    subject: str
    intro: str
    personal_line: str
    stage: Stage
    language: str

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


def rejection_warnings(candidates: Sequence[Candidate], emails: Mapping[int, RejectionEmail]) -> RejectionWarnings:
    """The checker on each e-mail's personal line and on its template's subject and text (each distinct
    text is checked once, in the e-mail's language first)."""
    lines, templates = {}, {}
    by_language: dict[str, dict] = {}
    for c in candidates:
        email = emails[c.id]
        texts = by_language.setdefault(email.language, {})
        texts[f"line_{c.id}"] = email.personal_line
        texts[f"intro_{c.id}"] = f"{email.subject}\n\n{email.intro}"
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
    with force_locale(candidate.language):
        text = render_template(
            "email/rejection.txt", candidate=candidate, organisation=current_app.config["ORGANISATION_NAME"],
            intro=email.intro, personal_line=email.personal_line, link=preview_link(), expires_at=link_expiry(),
        )
    return Preview(email=email, to=f"{candidate.name} <{candidate.email}>", text=text)


def send_rejections(
    candidates: Sequence[Candidate], lines: Mapping[int, str], *, resend: Collection[int] = (),
    now: datetime | None = None, composed: Mapping[int, RejectionEmail] | None = None, personal: bool = True,
    warnings_confirmed: bool = False, warnings: RejectionWarnings | None = None,
) -> int:
    """Queue the rejection e-mail to each of ``candidates`` with their personal line (by id) and a freshly
    issued personal link (the raw token lives only in the queued e-mail); returns how many. All or none:
    AlreadyInvited, before anything is queued, when someone had the e-mail before and their id is not in
    ``resend`` (sending again issues another link). Links, e-mails and events are written in batched
    statements, so a selection costs the same few round trips however large it is. ``composed``: the
    e-mails as ``compose_rejections`` made them from the same ``lines`` already (the send request checks
    them against the preview first), so that they are not made twice. ``personal=False``: the stage's
    default e-mail without a personal line (an integration's automatic follow-up). The checker reads every
    e-mail first (``warnings``: what it said already): with warnings, nothing is sent unless
    ``warnings_confirmed`` (WarningsNotConfirmed), and the audit log records, per candidate, who sent it
    despite which kinds of warning (never the text)."""
    if any(c.invited_at is not None and c.id not in resend for c in candidates):
        raise AlreadyInvited()
    emails = composed if composed is not None else compose_rejections(candidates, lines, personal=personal)
    warnings = warnings or rejection_warnings(candidates, emails)
    if warnings.any and not warnings_confirmed:
        raise WarningsNotConfirmed()
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
        warned = checker.categories_of(warnings.for_candidate(candidate.id))
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
        claimed = db.session.execute(
            sa.update(Candidate)
            .where(Candidate.id == candidate.id, Candidate.invite_reminder_at.is_(None))
            .values(invite_reminder_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        db.session.refresh(candidate, ["invite_reminder_at"])
        token = valid_token(candidate)
        expires_at = max(i.expires_at for i in candidate.invitations if i.revoked_at is None and i.expires_at > now)
        notifications.notify_invite_reminder(candidate, token, expires_at=expires_at)
        queued += 1
    return queued
