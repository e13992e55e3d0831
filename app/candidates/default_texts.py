"""The rejection e-mails used until a recruiter edits them, read from ``rejection_texts/<language>/<stage>.txt``.

Each file is the subject on its first line, an empty line, then the body with ``{name}`` and ``{vacancy}``.
The e-mail is that text, then the recruiter's personal line, then the line with the personal link, then the
greeting; so the text ends with the decision. A language of the portal without texts of its own starts from
the Dutch ones (``DEFAULT_TEXTS_LANGUAGE``). Adding a language or changing a default is a change of these
files only; a test checks that every file parses and uses no other placeholder."""

from functools import cache
from pathlib import Path

from app.models import Stage

FOLDER = Path(__file__).with_name("rejection_texts")
DEFAULT_TEXTS_LANGUAGE = "nl"


class DefaultTextInvalid(ValueError):
    """A file in rejection_texts/ is not a subject line, an empty line and a body."""


def parse_text(text: str, where: str = "") -> tuple[str, str]:
    """(subject, body) of one default text file."""
    subject, separator, body = text.partition("\n\n")
    if not separator or "\n" in subject.strip() or not subject.strip() or not body.strip():
        raise DefaultTextInvalid(f"{where}: expected a subject line, an empty line and the body")
    return subject.strip(), body.strip("\n")


@cache
def default_templates() -> dict[tuple[str, Stage], tuple[str, str]]:
    """Every default text by (language, stage), read once per process."""
    texts = {}
    for path in sorted(FOLDER.glob("*/*.txt")):
        language, stage = path.parent.name, Stage(path.stem)
        texts[(language, stage)] = parse_text(path.read_text(encoding="utf-8"), str(path.relative_to(FOLDER)))
    missing = [stage for stage in Stage if (DEFAULT_TEXTS_LANGUAGE, stage) not in texts]
    if missing:
        raise DefaultTextInvalid(f"no {DEFAULT_TEXTS_LANGUAGE} text for {', '.join(s.value for s in missing)}")
    return texts
