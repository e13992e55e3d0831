"""Reading a CSV export of an applicant tracking system into rejected candidates.

A pure builder: bytes in, a preview out (every row with its values and its errors). It touches no
database; the caller passes in which (e-mail, vacancy) pairs exist already and which columns the recruiter
said a file with these headers holds. Headers and values may be in Dutch or English, compared without case,
accents, spaces or punctuation; columns it does not know are ignored (the preview lists them); a name may
come in parts (first name, middle name or prefix, last name). When a required column is not recognised, the
preview asks which column holds what instead of checking rows. The separator is a comma, a semicolon or a
tab; the text is UTF-8 with or without a byte-order mark.
"""

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.core.languages import default_language, language_name, languages, read_language
from app.core.text import clean_text
from app.i18n import _l
from app.models import PERSONAL_LINE_MAX, Stage
from app.timeutil import AMSTERDAM

# The fields of a candidate, in the order of the preview table.
FIELDS = ("name", "email", "vacancy", "department", "stage", "rejected_on", "language", "rejection_reason", "phone",
          "personal_line")
REQUIRED_COLUMNS = ("name", "email", "vacancy", "stage", "rejected_on")
# A name may come in parts instead; together they make the name (first, middle or prefix, last).
NAME_PARTS = ("first_name", "middle_name", "last_name")
# What a column of a file can hold, in the order of the choices in the preview.
TARGETS = ("name", *NAME_PARTS, *FIELDS[1:])
MAX_COLUMNS = 100
SAMPLE_ROWS = 3

COLUMN_LABELS = {
    "name": _l("Name"),
    "email": _l("E-mail address"),
    "vacancy": _l("Vacancy"),
    "department": _l("Department"),
    "stage": _l("Stage"),
    "rejected_on": _l("Rejection date"),
    "language": _l("Language"),
    "rejection_reason": _l("Rejection reason"),
    "phone": _l("Phone"),
    "personal_line": _l("Personal line"),
}
_NAME_LABELS = {
    "name": _l("Full name"),
    "first_name": _l("First name"),
    "middle_name": _l("Middle name or prefix (tussenvoegsel)"),
    "last_name": _l("Last name"),
}
TARGET_LABELS = {target: _NAME_LABELS.get(target) or COLUMN_LABELS[target] for target in TARGETS}

# Header names as an applicant tracking system may write them, compared without case, spaces or
# punctuation ("E-mail" == "email" == "E_MAIL").
_HEADER_NAMES = {
    "name": ["name", "naam", "full name", "volledige naam", "candidate", "kandidaat", "sollicitant", "applicant",
             "candidate name", "naam kandidaat", "kandidaatnaam", "applicant name", "naam sollicitant",
             "sollicitantnaam", "volledige naam kandidaat"],
    "first_name": ["first name", "voornaam", "firstname", "given name", "roepnaam", "voornamen",
                   "candidate first name", "voornaam kandidaat"],
    "middle_name": ["middle name", "tussenvoegsel", "tussenvoegsels", "prefix", "name prefix", "infix",
                    "voorvoegsel", "middle names"],
    "last_name": ["last name", "achternaam", "lastname", "surname", "family name", "familienaam",
                  "candidate last name", "achternaam kandidaat"],
    "email": ["email", "e-mail", "e-mailadres", "emailadres", "email address", "e-mail address", "mail",
              "e-mail adres", "candidate email", "e-mail kandidaat", "emailadres kandidaat", "personal email",
              "email (personal)", "mailadres", "e-mail sollicitant"],
    "vacancy": ["vacancy", "vacature", "job", "position", "functie", "role", "job title", "job name",
                "vacaturetitel", "vacature titel", "vacaturenaam", "functietitel", "functienaam", "position title",
                "job opening", "opening", "requisition", "vacature (titel)"],
    "department": ["department", "afdeling", "team", "department name", "afdelingsnaam", "unit", "business unit",
                   "organisatieonderdeel"],
    "stage": ["stage", "fase", "phase", "stap", "step", "rejection stage", "stage at rejection", "current stage",
              "stage name", "fase afwijzing", "afgewezen in fase", "afwijzingsfase", "sollicitatiefase"],
    "rejected_on": ["rejection date", "afwijzingsdatum", "datum afwijzing", "rejected on", "afgewezen op",
                    "date rejected", "datum", "date", "rejected at", "datum afgewezen", "disqualified at",
                    "disqualification date", "archived at", "archive date"],
    "language": ["language", "taal", "preferred language", "voorkeurstaal", "taal kandidaat", "locale",
                 "correspondence language", "correspondentietaal"],
    "rejection_reason": ["rejection reason", "reason", "reden", "afwijzingsreden", "reden afwijzing",
                         "reason for rejection", "afwijsreden", "disqualification reason", "archive reason"],
    "phone": ["phone", "telefoon", "telefoonnummer", "phone number", "mobile", "mobiel"],
    # Only names that say the text is meant for the candidate: a column such as "Feedback" or "Toelichting"
    # may hold the interviewers' own notes, which must never reach an e-mail unless the recruiter says so.
    "personal_line": ["personal line", "persoonlijke regel", "persoonlijke zin", "persoonlijke toelichting",
                      "personal note", "personal message", "persoonlijk bericht", "persoonlijke boodschap",
                      "message to candidate", "bericht aan kandidaat", "regel voor de kandidaat"],
}

_STAGE_NAMES = {
    Stage.CV_SCREENING: ["cv_screening", "cv screening", "cv", "cv-selectie", "cv selectie", "cvselectie",
                         "screening", "brief", "briefselectie", "selectie", "application", "sollicitatiebrief",
                         "resume screening"],
    Stage.PHONE: ["phone", "phone interview", "phone screen", "phone screening", "telefoon", "telefonisch",
                  "telefoongesprek", "telefonisch gesprek", "telefonische screening", "belronde"],
    Stage.INTERVIEW: ["interview", "gesprek", "sollicitatiegesprek", "eerste gesprek", "tweede gesprek",
                      "job interview", "first interview", "second interview", "final interview",
                      "gesprekken", "interviews"],
}

# The fixed categories of a rejection reason; the labels are shown on screen.
REJECTION_REASONS = {
    "experience": _l("Experience"),
    "skills": _l("Skills"),
    "qualifications": _l("Qualifications or diploma"),
    "team_fit": _l("Fit with the team's work"),
    "other": _l("Other"),
}
_REASON_NAMES = {
    "experience": ["experience", "ervaring", "werkervaring", "work experience"],
    "skills": ["skills", "skill", "vaardigheden", "vaardigheid", "competenties", "competencies"],
    "qualifications": ["qualifications", "qualification", "kwalificaties", "kwalificatie", "opleiding",
                       "diploma", "diploma's", "education", "certificates", "certificaten"],
    "team_fit": ["team_fit", "fit with the team's work", "fit with the team", "team fit",
                 "aansluiting bij het werk van het team", "aansluiting bij het team", "aansluiting", "team"],
    "other": ["other", "anders", "overig", "overige", "something else"],
}


def _key(text: str) -> str:
    """A name to compare: without case, accents, spaces or punctuation ("E-mail" == "email" == "É_MAIL")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _lookup(names: dict) -> dict[str, object]:
    return {_key(alias): value for value, aliases in names.items() for alias in [str(value), *aliases]}


HEADERS = _lookup(_HEADER_NAMES)
STAGES = _lookup(_STAGE_NAMES)
REASONS = _lookup(_REASON_NAMES)

MAX_LENGTH = {"name": 200, "email": 320, "vacancy": 200, "department": 200, "phone": 40,
              "personal_line": PERSONAL_LINE_MAX}
_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,40}$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


class ImportRefused(DomainError):
    """The file as a whole cannot be read; ``message`` says why, for the recruiter."""


@dataclass(frozen=True)
class CandidateData:
    """A rejected candidate as entered by hand or read from a file, already checked."""

    name: str
    email: str
    vacancy: str
    department: str
    stage: Stage
    rejected_on: date
    language: str
    rejection_reason: str | None
    phone: str | None = None
    personal_line: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return duplicate_key(self.email, self.vacancy)


@dataclass
class ImportRow:
    """One line of the file: what it said, and either a candidate or the reasons it is refused."""

    number: int
    values: dict[str, str]
    data: CandidateData | None = None
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors


@dataclass
class ImportPreview:
    """What the file holds: its rows with their checks, or (``needs_mapping``) only which column holds what,
    with the problems that keep the rows from being read and a few values of each column."""

    rows: list[ImportRow]
    columns: list[str]
    delimiter: str
    headers: list[str] = field(default_factory=list)
    targets: list[str | None] = field(default_factory=list)
    problems: list = field(default_factory=list)
    samples: list[list[str]] = field(default_factory=list)

    @property
    def needs_mapping(self) -> bool:
        return bool(self.problems)

    @property
    def header_key(self) -> str:
        return header_key(self.headers)

    @property
    def ignored(self) -> list[str]:
        """The columns of the file that nothing is read from (named ones only)."""
        return [header for header, target in zip(self.headers, self.targets, strict=True) if header and not target]

    @cached_property
    def good(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @cached_property
    def bad(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


def header_key(headers: Iterable[str]) -> str:
    """The same header line however it is written (case, accents, spaces, punctuation): the key under which
    the recruiter's choice of columns is remembered."""
    return hashlib.sha256("\x1f".join(_key(h) for h in headers).encode()).hexdigest()


def duplicate_key(email: str, vacancy: str) -> tuple[str, str]:
    """The same person for the same vacancy: e-mail without case, vacancy without case or extra spaces."""
    return email.strip().casefold(), " ".join(vacancy.split()).casefold()


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD or DD-MM-YYYY (also with / or .); None when it is neither or no real day."""
    text = text.strip()
    match = _DATE_ISO.match(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DATE_DUTCH.match(text)
        if not match:
            return None
        day, month, year = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_stage(text: str) -> Stage | None:
    return STAGES.get(_key(text))


def parse_language(text: str) -> str | None:
    """One of the portal's languages, however the file names it (``read_language``); an empty cell means
    the default language, and None a language the portal does not offer."""
    return read_language(text) if text.strip() else default_language()


def parse_reason(text: str) -> str | None:
    """A rejection reason by its code, a known name, or its label as the error message lists them."""
    key = _key(text)
    return REASONS.get(key) or next((code for code, label in REJECTION_REASONS.items() if _key(str(label)) == key),
                                    None)


def check_email(text: str) -> str | None:
    """The address if it can receive mail as far as its form goes, else None."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def decode(content: bytes, *, max_bytes: int) -> str:
    """The file as text, or ImportRefused when it is empty, too large, or not UTF-8 text."""
    if len(content) > max_bytes:
        raise ImportRefused(_("The file is larger than %(limit)s. Split it into smaller files.",
                               limit=_size(max_bytes)))
    if not content.strip():
        raise ImportRefused(_("The file is empty."))
    if b"\x00" in content:
        raise ImportRefused(_("This is not a text file (it contains binary data). Export the list as CSV "
                               "(UTF-8) from the applicant tracking system or a spreadsheet."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")) from None
    if not text.strip():
        raise ImportRefused(_("The file is empty."))
    return text


def _size(limit: int) -> str:
    if limit >= 1_000_000:
        return f"{limit / 1_000_000:g} MB"
    if limit >= 1000:
        return f"{limit / 1000:g} kB"
    return f"{limit} bytes"


def detect_delimiter(header_line: str) -> str:
    """The separator of the header line: whichever of semicolon, tab and comma it holds most of."""
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def guess_targets(headers: list[str]) -> list[str | None]:
    """Which field each column holds, by its name; None for a column nothing is read from. A column whose
    field an earlier one holds already is left out, and so are a name's parts when the full name is there."""
    targets: list[str | None] = []
    for header in headers:
        known = HEADERS.get(_key(header)) if header else None
        targets.append(None if known in targets else known)
    if "name" in targets:
        targets = [None if target in NAME_PARTS else target for target in targets]
    return targets


def target_problems(targets: list[str | None]) -> list:
    """Why rows cannot be read with these columns (empty when they can): a field held by two columns, a
    full name beside its parts, a required field no column holds."""
    chosen = [t for t in targets if t]
    problems = []
    repeated = sorted({t for t in chosen if chosen.count(t) > 1}, key=TARGETS.index)
    if repeated:
        problems.append(_("More than one column holds: %(fields)s. Choose one column for each.",
                          fields=", ".join(str(TARGET_LABELS[t]) for t in repeated)))
    parts = [t for t in NAME_PARTS if t in chosen]
    if "name" in chosen and parts:
        problems.append(_("Choose either a column with the full name, or columns with its parts (first name, "
                          "last name), not both."))
    has_name = "name" in chosen or {"first_name", "last_name"} <= set(chosen)
    missing = [f for f in REQUIRED_COLUMNS if f != "name" and f not in chosen]
    if not has_name:
        missing.insert(0, "name")
    if missing:
        labels = [str(COLUMN_LABELS[f]) if f != "name" else _("Name (or first name and last name)") for f in missing]
        problems.append(_("No column is recognised for: %(fields)s. Say below which column holds what.",
                          fields=", ".join(labels)))
    return problems


def read_targets(text: str | None) -> list[str | None] | None:
    """The columns as the preview's confirm form carries them ("name,,email,..."), or None when that is not a
    choice of columns."""
    values = text.split(",") if text else []
    if not values or len(values) > MAX_COLUMNS or any(v and v not in TARGETS for v in values):
        return None
    return [v or None for v in values]


def write_targets(targets: list[str | None]) -> str:
    return ",".join(t or "" for t in targets)


def read_rows(text: str, *, max_rows: int) -> tuple[list[str], str, list[tuple[int, list[str]]]]:
    """The header's cells (cleaned), the separator, and the data rows with their row number (the header is
    row 1)."""
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows = []
    try:
        for number, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                if len(record) > MAX_COLUMNS:
                    raise ImportRefused(_("The file has more than %(limit)s columns.", limit=MAX_COLUMNS))
                headers = [clean_text(cell).replace("\ufeff", "").strip() for cell in record]
                continue
            if len(rows) >= max_rows:
                raise ImportRefused(_("The file has more than %(limit)s rows. Split it into smaller files.",
                                       limit=max_rows))
            rows.append((number, record))
    except csv.Error as error:
        raise ImportRefused(_("The file is not valid CSV (near line %(line)s: %(error)s).",
                               line=reader.line_num, error=str(error))) from None
    if headers is None:
        raise ImportRefused(_("The file is empty."))
    if not any(HEADERS.get(_key(h)) for h in headers) and any("@" in h for h in headers):
        raise ImportRefused(_("The first line does not name the columns. It should, for example: "
                               "%(example)s.", example="naam;e-mail;vacature;afdeling;fase;afwijzingsdatum;taal;reden"))
    if not rows:
        raise ImportRefused(_("The file names the columns but has no rows with candidates."))
    return headers, delimiter, rows


def check_row(number: int, targets: list[str | None], record: list[str], *, today: date) -> ImportRow:
    """One row's values and everything wrong with them (no duplicate check: that needs the whole file)."""
    values = dict.fromkeys(FIELDS, "")
    parts = {}
    for target, cell in zip(targets, record, strict=False):
        if target in NAME_PARTS:
            parts[target] = clean_text(cell).strip()
        elif target:
            values[target] = clean_text(cell).strip()
    if parts:
        values["name"] = " ".join(parts[p] for p in NAME_PARTS if parts.get(p))
    row = ImportRow(number=number, values=values)
    if len(record) > len(targets) and any(cell.strip() for cell in record[len(targets):]):
        row.errors.append(_("This row has more values than there are columns (a separator too many?)."))
    data, errors = check_values(values, today=today)
    row.errors.extend(message for messages in errors.values() for message in messages)
    if not row.errors:
        row.data = data
    return row


def check_values(values: dict[str, str], *, today: date) -> tuple[CandidateData | None, dict[str, list]]:
    """The checks every way in applies to a candidate's fields (a CSV row, the API, a webhook): the candidate,
    or None and what is wrong, per field (in the order of FIELDS). ``values`` holds cleaned text per field
    (missing fields count as empty)."""
    values = {name: values.get(name) or "" for name in FIELDS}
    errors: dict[str, list] = {}

    def wrong(name: str, message) -> None:
        errors.setdefault(name, []).append(message)

    for name, limit in MAX_LENGTH.items():
        if len(values[name]) > limit:
            wrong(name, _("%(column)s is longer than %(limit)s characters.", column=COLUMN_LABELS[name], limit=limit))
    if not values["name"]:
        wrong("name", _("The name is missing."))
    email = None
    if not values["email"]:
        wrong("email", _("The e-mail address is missing."))
    else:
        email = check_email(values["email"])
        if email is None:
            wrong("email", _("\"%(value)s\" is not a valid e-mail address.", value=values["email"]))
    if not values["vacancy"]:
        wrong("vacancy", _("The vacancy is missing."))
    def required(name: str, parse: Callable, unreadable: Callable, missing: Callable):
        """The field read by ``parse``, or None and why not: it says something unreadable, or nothing.
        (The messages are made only when needed: a file has 10,000 rows.)"""
        value = parse(values[name])
        if value is None:
            wrong(name, unreadable(values[name]) if values[name] else missing())
        return value

    stage = required("stage", parse_stage,
                     lambda text: _("Unknown stage \"%(value)s\" (use CV screening, phone or interview).", value=text),
                     lambda: _("The stage is missing."))
    rejected_on = required(
        "rejected_on", parse_date,
        lambda text: _("Cannot read the date \"%(value)s\" (use YYYY-MM-DD or DD-MM-YYYY).", value=text),
        lambda: _("The rejection date is missing."))
    if rejected_on is not None and rejected_on > today:
        wrong("rejected_on", _("The rejection date %(value)s is in the future.", value=values["rejected_on"]))
    language = parse_language(values["language"])
    if language is None:
        wrong("language", _("Unknown language \"%(value)s\" (use %(known)s).", value=values["language"],
                            known=", ".join(language_name(code) for code in languages())))
    reason = None
    if values["rejection_reason"]:
        reason = parse_reason(values["rejection_reason"])
        if reason is None:
            wrong("rejection_reason", _("Unknown rejection reason \"%(value)s\" (use %(known)s).",
                                        value=values["rejection_reason"],
                                        known=", ".join(str(label) for label in REJECTION_REASONS.values())))
    phone = " ".join(values["phone"].split()) or None
    if phone and not _PHONE.match(phone):
        wrong("phone", _("\"%(value)s\" is not a phone number.", value=values["phone"]))
    if errors:
        return None, {name: errors[name] for name in FIELDS if name in errors}
    return CandidateData(
        name=" ".join(values["name"].split()), email=email, vacancy=" ".join(values["vacancy"].split()),
        department=" ".join(values["department"].split()), stage=stage, rejected_on=rejected_on,
        language=language, rejection_reason=reason, phone=phone, personal_line=values["personal_line"] or None,
    ), {}


def mark_duplicates(rows: Iterable[ImportRow], exists: Callable[[tuple[str, str]], bool]) -> None:
    """A second row for the same e-mail and vacancy, or one already in the portal, is an error."""
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.values["email"] or not row.values["vacancy"]:
            continue
        key = duplicate_key(row.data.email if row.data else row.values["email"], row.values["vacancy"])
        if key in first_seen:
            row.errors.append(_("Same e-mail address and vacancy as row %(row)s.", row=first_seen[key]))
        else:
            first_seen[key] = row.number
            if exists(key):
                row.errors.append(_("This candidate is already in the portal for this vacancy."))
        if row.errors:
            row.data = None


def parse_csv(
    content: bytes,
    *,
    today: date,
    exists: Callable[[tuple[str, str]], bool] = lambda key: False,
    max_bytes: int = 1_000_000,
    max_rows: int = 10_000,
    targets: list[str | None] | None = None,
    remembered: Callable[[str], list[str | None] | None] = lambda key: None,
) -> ImportPreview:
    """Read ``content`` into a preview; ImportRefused when the file as a whole cannot be used. The columns:
    ``targets`` (the recruiter's choice in the preview) if they fit the file, else what ``remembered`` gives
    for its header line, else what the header names say. When rows cannot be read with them, the preview
    holds no rows but the problems and a few values of each column."""
    text = decode(content, max_bytes=max_bytes)
    headers, delimiter, records = read_rows(text, max_rows=max_rows)
    if not _fits(targets, headers):
        targets = remembered(header_key(headers))
        if not _fits(targets, headers):
            targets = guess_targets(headers)
    problems = target_problems(targets)
    samples = [[clean_text(cell).strip() for cell in record] for _number, record in records[:SAMPLE_ROWS]]
    preview = ImportPreview(rows=[], columns=[], delimiter=delimiter, headers=headers, targets=list(targets),
                            problems=problems, samples=samples)
    if problems:
        return preview
    preview.rows = [check_row(number, targets, record, today=today) for number, record in records]
    mark_duplicates(preview.rows, exists)
    shown = {"name" if t in NAME_PARTS else t for t in targets if t}
    preview.columns = [f for f in FIELDS if f in shown]
    return preview


def _fits(targets: list[str | None] | None, headers: list[str]) -> bool:
    return targets is not None and len(targets) == len(headers) and all(not t or t in TARGETS for t in targets)


def today_local() -> date:
    """Today on the Amsterdam calendar: a rejection 'today' in the Netherlands is never in the future."""
    return datetime.now(AMSTERDAM).date()
