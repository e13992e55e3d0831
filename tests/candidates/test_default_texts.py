"""The default rejection texts are data files, one per language and stage (app/candidates/rejection_texts)."""

import string

import pytest

from app.candidates.default_texts import FOLDER, DefaultTextInvalid, default_templates, parse_text
from app.candidates.services import PLACEHOLDERS, get_template
from app.models import Stage


def test_every_language_has_a_text_for_every_stage(app):
    texts = default_templates()
    for language in app.config["LANGUAGES"]:
        assert {stage for (lang, stage) in texts if lang == language} == set(Stage), language


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*/*.txt")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_file_is_a_subject_and_a_body_with_known_placeholders(path):
    subject, body = parse_text(path.read_text(encoding="utf-8"))
    used = {field for _, field, _, _ in string.Formatter().parse(subject + body) if field}
    assert used <= set(PLACEHOLDERS)
    assert "{name}" in body and len(subject) <= 200


def test_a_file_without_its_empty_line_is_refused():
    with pytest.raises(DefaultTextInvalid):
        parse_text("Onderwerp zonder lege regel\nBeste {name},")


def test_an_unedited_template_reads_its_file(app):
    subject, body = parse_text((FOLDER / "en" / "phone.txt").read_text(encoding="utf-8"))
    text = get_template("en", Stage.PHONE)
    assert (text.subject, text.body, text.edited) == (subject, body, False)
