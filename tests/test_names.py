"""Names a maintainer can rely on (STYLE.md, Words): endpoints are ``feature.verb_noun``, and the feedback hour
is a ``feedback_session`` everywhere, so that "session" alone means Flask's cookie session or SQLAlchemy's."""

import re
from pathlib import Path

from app.recruiter.routes import STAFF_MENU

ROOT = Path(__file__).resolve().parent.parent
# The verbs a view's name starts with: what the person does on that page or with that request.
VERBS = {
    "add", "answer", "autosave", "book", "cancel", "change", "check", "close", "confirm", "create", "delete",
    "download", "edit", "erase", "export", "finish", "join", "leave", "list", "manage", "map", "move", "offer", "open",
    "plan", "publish", "receive", "record", "remove", "renew", "request", "reset", "restore", "retire", "retry",
    "revoke", "rotate", "send", "set", "show", "sign", "start", "stop", "take", "toggle", "update", "upload",
    "withdraw", "write",
}


def test_every_endpoint_is_feature_dot_verb_noun(app):
    wrong = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        feature, _, view = rule.endpoint.partition(".")
        words = view.split("_")
        if not feature or len(words) < 2 or words[0] not in VERBS:
            wrong.append(rule.endpoint)
    assert wrong == []


def test_templates_do_not_ask_whether_an_endpoint_exists(app):
    assert "has_endpoint" not in app.jinja_env.globals
    users = [p.name for p in (ROOT / "templates").rglob("*.html") if "has_endpoint" in p.read_text()]
    assert users == []



def test_every_entry_of_the_staff_menu_is_a_page(app):
    assert [endpoint for endpoint, _label in STAFF_MENU if endpoint not in app.view_functions] == []

def _sources():
    for folder in ("app", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html", ".txt") and path.is_file():
                yield path


def test_the_feedback_hour_is_never_called_a_bare_session():
    patterns = [
        re.compile(r"\bsession_id\b"),            # its foreign key is feedback_session_id
        re.compile(r"\bSessionStatus\b"),          # FeedbackSessionStatus
        re.compile(r"\bslot\.session\b", re.I),    # Slot.feedback_session
        re.compile(r"\bsession_host\b"),           # feedback_session_host
    ]
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in _sources()
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if any(p.search(line) for p in patterns)]
    assert found == []


def test_templates_name_the_hour_feedback_session():
    """A template variable ``session`` would shadow Flask's cookie session in Jinja; the hour is
    ``feedback_session``."""
    variable = re.compile(r"{[{%][^}]*?(?<![\w.'\"])session\b(?!\w)[^}]*[}%]}")
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in (ROOT / "templates").rglob("*.html")
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if variable.search(line) and "_(" not in line]
    assert found == []
