"""The rejection e-mail to everyone not invited yet whom the list shows, each with the personal line the
import brought: looked at once on one page (how many, which templates, what the checker says, a few
e-mails in full), then sent in one go. After a large import this replaces a hundred rounds of ticking
fifty candidates; whoever has no personal line yet stays on the list for the page that writes one."""

import hashlib
from collections import Counter
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.candidates.services.errors import PersonalLineMissing
from app.candidates.services.listing import Progress, list_conditions
from app.candidates.services.rejection import (
    RejectionEmail,
    RejectionWarnings,
    WarnedCategories,
    compose_rejection,
    rejection_warnings,
    send_rejections,
)
from app.candidates.services.templates import template_lookup
from app.extensions import db
from app.models import Candidate, Stage

# The most one send takes: an import's largest file (CSV_IMPORT_MAX_ROWS). More waiting: the next send.
BULK_MAX = 10_000
# How long the page's signed record of what it showed may be sent back (``sign_shown``).
SHOWN_VALID_SECONDS = 3600


@dataclass(frozen=True)
class BulkRejection:
    """Who get the rejection e-mail in one go, the e-mails as they will go out, and what the checker says."""

    candidates: list[Candidate]  # not invited yet, with a personal line; oldest rejection first
    emails: dict[int, RejectionEmail]
    warnings: RejectionWarnings | None  # None: not checked (``checked``)
    without_line: int  # also not invited yet, but without a personal line (counted up to BULK_MAX)
    more: bool  # more than BULK_MAX have a line: these are the first

    @property
    def fingerprint(self) -> str:
        """Identifies exactly the e-mails the recruiter looked at: who, and what each says."""
        digest = hashlib.sha256()
        for candidate in self.candidates:
            digest.update(f"{candidate.id}:{self.emails[candidate.id].fingerprint};".encode())
        return digest.hexdigest()[:32]

    @property
    def templates(self) -> list[tuple[str, Stage, int, list]]:
        """Which templates the e-mails start with (language and stage), for how many, most first, and what the
        checker says about each."""
        counts = Counter((email.language, email.stage) for email in self.emails.values())
        first = {}
        for candidate_id, email in self.emails.items():
            first.setdefault((email.language, email.stage), candidate_id)
        return [(language, stage, count, self.warnings.templates.get(first[language, stage]) or [])
                for (language, stage), count in counts.most_common()]

    @property
    def warned(self) -> list[Candidate]:
        """Those whose personal line the checker has a remark about."""
        return [c for c in self.candidates if self.warnings.lines.get(c.id)]


def bulk_rejection(*, vacancy: str = "", department: str = "", search: str = "", check: bool = True) -> BulkRejection:
    """Everyone not invited yet whom the list filtered so shows, with their personal line from the import;
    their e-mails composed and (unless ``check`` is false) checked as the selection page does."""
    conditions = list_conditions(progress=Progress.NOT_INVITED, vacancy=vacancy, department=department,
                                 search=search)
    with_line = Candidate.personal_line.is_not(None)
    found = list(db.session.scalars(
        sa.select(Candidate).where(*conditions, with_line)
        .order_by(Candidate.rejected_on, Candidate.id).limit(BULK_MAX + 1)))
    template_for = template_lookup()
    candidates, emails, unusable = [], {}, 0
    for candidate in found[:BULK_MAX]:
        try:
            emails[candidate.id] = compose_rejection(candidate, candidate.personal_line, template_for=template_for)
        except PersonalLineMissing:  # only white space, or too long (an older import or the API)
            unusable += 1
        else:
            candidates.append(candidate)
    without = sa.select(Candidate.id).where(*conditions, ~with_line).limit(BULK_MAX).subquery()
    without_line = unusable + db.session.scalar(sa.select(sa.func.count()).select_from(without))
    bulk = BulkRejection(candidates=candidates, emails=emails, warnings=None, without_line=without_line,
                         more=len(found) > BULK_MAX)
    return checked(bulk) if check else bulk


def checked(bulk: BulkRejection) -> BulkRejection:
    """``bulk`` with what the checker says about each e-mail (each line, each template once)."""
    if bulk.warnings is not None:
        return bulk
    return replace(bulk, warnings=rejection_warnings(bulk.candidates, bulk.emails))


# The page signs what it showed: the fingerprint of the e-mails and the checker's findings as kinds of
# warning. The send request composes the e-mails again (cheap) and trusts the findings only for exactly
# those e-mails, so that 10,000 texts are not read twice; the signature keeps a browser from claiming that
# the checker had nothing to say.

def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="bulk-rejection")


def sign_shown(bulk: BulkRejection) -> str:
    """The record of what the page shows, signed, for the send button's form."""
    warned = WarnedCategories.of(checked(bulk).warnings, bulk.emails)
    return _signer().dumps({"f": bulk.fingerprint, "l": {str(cid): kinds for cid, kinds in warned.lines.items()},
                            "t": [[*key, kinds] for key, kinds in warned.templates.items()]})


def shown_warnings(signed: str, bulk: BulkRejection) -> WarnedCategories | None:
    """What the checker said about the e-mails of ``bulk``, as the page that showed exactly them signed it;
    None when the record is not one, has expired, or was made for other e-mails."""
    try:
        shown = _signer().loads(signed or "", max_age=SHOWN_VALID_SECONDS)
    except BadData:
        return None
    if not isinstance(shown, dict) or shown.get("f") != bulk.fingerprint:
        return None
    return WarnedCategories(
        lines={int(cid): kinds for cid, kinds in shown["l"].items()},
        templates={(language, stage): kinds for language, stage, kinds in shown["t"]},
        template_of={cid: (email.language, email.stage.value) for cid, email in bulk.emails.items()})


def send_bulk_rejection(bulk: BulkRejection, warnings: RejectionWarnings | WarnedCategories, *,
                        warnings_confirmed: bool = False) -> int:
    """Queue the e-mails of ``bulk`` as ``send_rejections`` does (links, outbox, events, the audit of warnings
    sent anyway), in the caller's transaction; how many. ``warnings``: what the checker said about them."""
    lines = {c.id: c.personal_line for c in bulk.candidates}
    return send_rejections(bulk.candidates, lines, composed=bulk.emails, warnings=warnings,
                           warnings_confirmed=warnings_confirmed)
