"""The portal's lazy strings are text, not HTML, and nothing formats a person's data into one.

Flask-Babel's LazyString declares itself safe HTML; app/i18n.py's ``_l`` makes one that is escaped like a
str wherever HTML is made of it. The source is checked too: no module uses Flask-Babel's lazy_gettext, and
no ``_l()`` with values is called inside a function (at request time, where the values may come from a
person or a file: use ``_()`` there)."""

import ast
from pathlib import Path

from flask import json, render_template_string
from markupsafe import Markup, escape
from wtforms import Form, SelectChoice, SelectField, StringField

from app.i18n import LazyText, _l

APP = Path(__file__).resolve().parents[2] / "app"
HOSTILE = "<img src=x onerror=alert(1)>"


def test_a_lazy_string_is_escaped_in_html_and_plain_in_text(app):
    lazy = _l("Personal line for %(name)s", name=HOSTILE)
    with app.test_request_context():
        assert HOSTILE in str(lazy)
        assert HOSTILE not in render_template_string("{{ lazy }}", lazy=lazy)
        assert str(escape(HOSTILE)) in render_template_string("{{ lazy }}", lazy=lazy)
        assert str(escape(HOSTILE)) in Markup("<p>%s</p>") % lazy
        text = app.jinja_env.overlay(autoescape=False).from_string("{{ lazy }}")  # as a text e-mail renders
        assert HOSTILE in text.render(lazy=lazy)
        assert HOSTILE in json.loads(json.dumps({"label": lazy}))["label"]


def test_wtforms_labels_and_choices_made_of_lazy_strings_are_escaped(app):
    class Hostile(Form):
        name = StringField(_l("Personal line for %(name)s", name=HOSTILE))
        pick = SelectField(choices=[SelectChoice("a", _l("%(name)s (deactivated)", name=HOSTILE))])

    with app.test_request_context():
        form = Hostile()
        assert HOSTILE not in str(form.name.label()) and HOSTILE not in str(form.pick())
        assert "&lt;img" in str(form.name.label()) and "&lt;img" in str(form.pick())


def _sources():
    for path in sorted(APP.rglob("*.py")):
        yield path.relative_to(APP.parent), ast.parse(path.read_text(encoding="utf-8"))


def test_no_module_uses_flask_babels_lazy_strings():
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_babel"):
                names = {alias.name for alias in node.names}
                if names & {"lazy_gettext", "lazy_ngettext", "lazy_pgettext", "lazy_npgettext", "LazyString"}:
                    found.append(f"{path}:{node.lineno}")
    assert [f for f in found if not f.startswith("app/i18n.py:")] == []  # app/i18n.py builds on it


def test_no_lazy_string_is_formatted_at_request_time():
    """``_l(..., name=value)`` only at module level, where the values are constants known at import."""
    found = []

    def walk(node, in_function: bool, path):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if (inside and isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "_l"
                    and (child.keywords or len(child.args) > 1)):
                found.append(f"{path}:{child.lineno}")
            walk(child, inside, path)

    for path, tree in _sources():
        walk(tree, False, path)
    assert found == [], "use _() where a lazy string would be formatted with values at request time: " + str(found)


def test_the_lazy_string_type_is_the_portals_everywhere(app):
    from app.candidates.csv_import import COLUMN_LABELS
    from app.checker import CATEGORIES
    from app.labels import STAGE

    for table in (COLUMN_LABELS, STAGE, CATEGORIES):
        assert all(isinstance(label, LazyText) for label in table.values())
