"""Adding rejected candidates: one by hand, or many from an uploaded CSV file that waits, checked, for the
recruiter to confirm or cancel."""

import enum
import re
import secrets
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.calls.duty import record_calls_due
from app.candidates.csv_import import (
    CandidateData,
    ImportPreview,
    duplicate_key,
    parse_csv,
    today_local,
)
from app.candidates.services.errors import DuplicateCandidate, ImportExpired, NotAllRowsGood
from app.database import utcnow
from app.extensions import db
from app.models import Candidate, ImportMapping


def _existing_keys() -> set[tuple[str, str]]:
    return {duplicate_key(email, vacancy)
            for email, vacancy in db.session.execute(sa.select(Candidate.email, Candidate.vacancy))}


def _candidate_values(data: CandidateData) -> dict:
    return {"name": data.name, "email": data.email, "vacancy": data.vacancy, "department": data.department,
            "stage": data.stage, "rejected_on": data.rejected_on, "language": data.language,
            "rejection_reason": data.rejection_reason, "phone": data.phone,
            "personal_line": data.personal_line}


def add_candidate(data: CandidateData) -> Candidate:
    """Add one rejected candidate; DuplicateCandidate when the same address is there for the same vacancy."""
    if data.key in _existing_keys():
        raise DuplicateCandidate()
    candidate = Candidate(**_candidate_values(data))
    db.session.add(candidate)
    db.session.flush()
    record_calls_due([candidate])
    return candidate


class ImportMode(enum.StrEnum):
    GOOD_ROWS = "good_rows"
    ALL_OR_NOTHING = "all_or_nothing"


_IMPORT_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def preview_import(content: bytes, targets: list[str | None] | None = None) -> ImportPreview:
    """Read and check an uploaded file; ImportRefused when the file as a whole cannot be used. The columns:
    ``targets`` (the recruiter's choice), else the ones remembered for this header line, else the names'."""
    config = current_app.config
    existing = _existing_keys()
    return parse_csv(
        content,
        today=today_local(),
        exists=existing.__contains__,
        max_bytes=config["CSV_IMPORT_MAX_BYTES"],
        max_rows=config["CSV_IMPORT_MAX_ROWS"],
        targets=targets,
        remembered=remembered_targets,
    )


def remembered_targets(key: str) -> list[str | None] | None:
    """The columns a recruiter chose last for the header line with this key, if any."""
    found = db.session.scalar(sa.select(ImportMapping.targets).where(ImportMapping.header_key == key))
    return list(found) if isinstance(found, list) else None


def remember_targets(preview: ImportPreview) -> None:
    """Keep the recruiter's choice of columns for the next file with the same header line (the last choice
    wins; two recruiters saving the same header line at once both succeed)."""
    values = {"headers": list(preview.headers), "targets": list(preview.targets), "updated_at": utcnow()}
    update = sa.update(ImportMapping).where(ImportMapping.header_key == preview.header_key).values(**values)
    if db.session.execute(update.execution_options(synchronize_session=False)).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(sa.insert(ImportMapping).values(header_key=preview.header_key, **values))
    except IntegrityError:  # saved by someone else in between
        db.session.execute(update.execution_options(synchronize_session=False))


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
