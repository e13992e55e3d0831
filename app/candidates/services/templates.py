"""The rejection e-mail's editable templates, per language and stage, with their placeholders."""

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app import checker
from app.audit.services import record_audit
from app.candidates.default_texts import DEFAULT_TEXTS_LANGUAGE, default_templates
from app.candidates.services.errors import TemplateInvalid
from app.core.languages import languages, offered
from app.database import utcnow
from app.extensions import db
from app.models import (
    EmailTemplate,
    Stage,
)

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
    reads it first: with warnings it is saved only when ``warnings_confirmed`` (else checker.WarningsNotConfirmed),
    and the audit log records who saved it despite which kinds of warning."""
    errors = placeholder_errors(subject) + placeholder_errors(body)
    if errors:
        raise TemplateInvalid(errors[0])
    warned = checker.warned_categories(template_warnings(language, subject, body))
    if warned and not warnings_confirmed:
        raise checker.WarningsNotConfirmed()
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
