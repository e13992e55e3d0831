"""Advice snippets: made, edited and retired by recruiters (every change in the audit log), and the ones
that fit a candidate's vacancy and the topics they chose. Nothing here commits."""

import re
from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.services import record_audit
from app.core.errors import DomainError
from app.database import utcnow
from app.extensions import db
from app.i18n import _l
from app.labels import labels_of
from app.models import AdviceField, AdviceSnippet, Candidate, Topic

TITLE_MAX_LENGTH = 100
BODY_MAX_LENGTH = 2000

FIELD_LABELS = labels_of(AdviceField)

# Words in a vacancy or department that tell its field of work, in Dutch and English (whole words, or the
# start of a compound: "verpleegkundige", "ICT-beheerder").
_FIELD_WORDS = {
    AdviceField.IT: ("ict", "it", "data", "software", "developer", "ontwikkelaar", "programmeur", "applicatie",
                     "netwerk", "network", "systeembeheer", "beheerder", "devops", "cloud", "security",
                     "informatie", "information", "digital", "digitale", "engineer", "analist", "analyst"),
    AdviceField.SALES: ("sales", "verkoop", "verkoper", "accountmanager", "account", "commercieel", "commercial",
                        "business", "inkoop", "marketing", "klantadviseur", "winkel", "retail"),
    AdviceField.CARE: ("zorg", "verpleeg", "verpleegkundige", "nurse", "nursing", "care", "arts", "doctor",
                       "doktersassistent", "verzorgende", "verzorging", "ic", "intensive", "polikliniek",
                       "oncologie", "cardiologie", "fysiotherapeut", "therapeut", "medisch", "medical", "apotheek",
                       "kraam", "psycholoog", "begeleider", "zorgverlener", "helpende", "operatie", "spoed",
                       "kliniek", "clinical", "patient", "patiënt"),
}


class AdviceError(DomainError):
    """A rule about advice snippets said no; ``message`` is what the recruiter reads."""


class DuplicateTitle(AdviceError):
    message = _l("There is already a snippet with this title in this language. Choose another title.")


def field_of(vacancy: str, department: str = "") -> AdviceField:
    """The field of work a vacancy belongs to, read from its words and its department; ANY when unclear."""
    words = re.findall(r"\w+", f"{vacancy} {department}".casefold())
    for field, markers in _FIELD_WORDS.items():
        if any(word == marker or (len(marker) > 3 and word.startswith(marker)) for word in words for marker in markers):
            return field
    return AdviceField.ANY


def candidate_field(candidate: Candidate) -> AdviceField:
    return field_of(candidate.vacancy, candidate.department)


def list_snippets(*, language: str = "", retired: bool = False) -> list[AdviceSnippet]:
    """Every snippet in use (or, with ``retired``, the retired ones), by language, field, topic and title."""
    query = sa.select(AdviceSnippet).where(
        AdviceSnippet.retired_at.is_not(None) if retired else AdviceSnippet.retired_at.is_(None))
    if language:
        query = query.where(AdviceSnippet.language == language)
    return list(db.session.scalars(query.order_by(AdviceSnippet.language, AdviceSnippet.field, AdviceSnippet.topic,
                                                  AdviceSnippet.title)))


def snippets_for(language: str, *, field: AdviceField | None = None,
                 topics: Collection[Topic | str] = ()) -> list[AdviceSnippet]:
    """The snippets in use in ``language`` for ``field`` (those for any field included; None: every field)
    and any of ``topics`` (empty: every topic): those for the field itself first."""
    query = sa.select(AdviceSnippet).where(AdviceSnippet.language == language, AdviceSnippet.retired_at.is_(None))
    if field is not None and field != AdviceField.ANY:
        query = query.where(AdviceSnippet.field.in_([field, AdviceField.ANY]))
    if topics:
        query = query.where(AdviceSnippet.topic.in_([Topic(t) for t in topics]))
    found = db.session.scalars(query.order_by(AdviceSnippet.title))
    return sorted(found, key=lambda s: s.field == AdviceField.ANY)


def active_snippet(snippet_id: int, language: str) -> AdviceSnippet | None:
    """A snippet in use in ``language``, or None."""
    snippet = db.session.get(AdviceSnippet, snippet_id)
    if snippet is None or snippet.retired_at is not None or snippet.language != language:
        return None
    return snippet


def _save(snippet: AdviceSnippet) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(snippet)
            db.session.flush()
    except IntegrityError:
        raise DuplicateTitle() from None


def create_snippet(*, language: str, field: AdviceField, topic: Topic, title: str, body: str,
                   user=None) -> AdviceSnippet:
    """A new snippet; DuplicateTitle when its language has one with that title."""
    snippet = AdviceSnippet(language=language, field=field, topic=topic, title=title.strip(), body=body.strip())
    _save(snippet)
    record_audit("advice_snippet_changed", target_type="advice_snippet", target_id=snippet.id,
                 detail=f"created: {snippet.title}"[:500], actor=user)
    return snippet


def update_snippet(snippet: AdviceSnippet, *, language: str, field: AdviceField, topic: Topic, title: str,
                   body: str, user=None) -> AdviceSnippet:
    """Change a snippet; DuplicateTitle when another of its language has that title."""
    snippet.language, snippet.field, snippet.topic = language, field, topic
    snippet.title, snippet.body = title.strip(), body.strip()
    snippet.updated_at = utcnow()
    _save(snippet)
    record_audit("advice_snippet_changed", target_type="advice_snippet", target_id=snippet.id,
                 detail=f"edited: {snippet.title}"[:500], actor=user)
    return snippet


def retire_snippet(snippet: AdviceSnippet, *, user=None) -> None:
    """No longer offer the snippet (it stays, and can be brought back)."""
    if snippet.retired_at is None:
        snippet.retired_at = utcnow()
        record_audit("advice_snippet_changed", target_type="advice_snippet", target_id=snippet.id,
                     detail=f"retired: {snippet.title}"[:500], actor=user)


def restore_snippet(snippet: AdviceSnippet, *, user=None) -> None:
    """Offer a retired snippet again."""
    if snippet.retired_at is not None:
        snippet.retired_at = None
        record_audit("advice_snippet_changed", target_type="advice_snippet", target_id=snippet.id,
                     detail=f"restored: {snippet.title}"[:500], actor=user)


def appended(text: str, addition: str) -> str:
    """``text`` with ``addition`` after it, as a paragraph of its own."""
    text, addition = (text or "").rstrip(), addition.strip()
    return f"{text}\n\n{addition}" if text else addition
