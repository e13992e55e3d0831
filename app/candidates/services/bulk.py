"""The rejection e-mail to everyone not invited yet whom the list shows, each with the personal line the
import brought: looked at once on one page (how many, which templates, what the checker says, a few
e-mails in full), then sent in one go. After a large import this replaces a hundred rounds of ticking
fifty candidates; whoever has no personal line yet stays on the list for the page that writes one."""

import hashlib
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from app.candidates.services.errors import PersonalLineMissing
from app.candidates.services.listing import Progress, list_conditions
from app.candidates.services.rejection import (
    RejectionEmail,
    RejectionWarnings,
    compose_rejection,
    rejection_warnings,
    send_rejections,
)
from app.candidates.services.templates import template_lookup
from app.extensions import db
from app.models import Candidate, Stage

# The most one send takes: an import's largest file (CSV_IMPORT_MAX_ROWS). More waiting: the next send.
BULK_MAX = 10_000


@dataclass(frozen=True)
class BulkRejection:
    """Who get the rejection e-mail in one go, the e-mails as they will go out, and what the checker says."""

    candidates: list[Candidate]  # not invited yet, with a personal line; oldest rejection first
    emails: dict[int, RejectionEmail]
    warnings: RejectionWarnings
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


def bulk_rejection(*, vacancy: str = "", department: str = "", search: str = "") -> BulkRejection:
    """Everyone not invited yet whom the list filtered so shows, with their personal line from the import;
    their e-mails composed and checked as the selection page does (each line, each template once)."""
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
    return BulkRejection(candidates=candidates, emails=emails, warnings=rejection_warnings(candidates, emails),
                         without_line=without_line, more=len(found) > BULK_MAX)


def send_bulk_rejection(bulk: BulkRejection, *, warnings_confirmed: bool = False) -> int:
    """Queue the e-mails of ``bulk`` as ``send_rejections`` does (links, outbox, events, the audit of warnings
    sent anyway), in the caller's transaction; how many."""
    lines = {c.id: c.personal_line for c in bulk.candidates}
    return send_rejections(bulk.candidates, lines, composed=bulk.emails, warnings=bulk.warnings,
                           warnings_confirmed=warnings_confirmed)
