"""The shared kernel (app/core/): one error base, one way to clean text and to search it, bounded ids,
pages of a list, the languages of the settings with their names; and the rules that keep it a kernel (it
imports no feature, and no view runs SQL)."""

import ast
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Form

from app.core import languages
from app.core.errors import DomainError
from app.core.forms import IdField, LocalDateField
from app.core.ids import MAX_ID, is_id
from app.core.pagination import fetch_page
from app.core.text import clean_line, clean_text, contains, is_whole_address
from app.extensions import db
from app.i18n import _l
from tests.helpers import page_text, set_english

APP = Path(__file__).resolve().parents[2] / "app"
KERNEL = {"core", "events", "translations"}
FEATURES = {p.name for p in APP.iterdir() if (p / "__init__.py").exists()} - KERNEL


# --- errors ------------------------------------------------------------------------------------------------

def test_a_domain_error_says_its_own_message_or_the_one_given(app, english):
    class Refused(DomainError):
        message = _l("This cannot be done.")

    assert str(Refused().message) == "This cannot be done." and str(Refused()) == "This cannot be done."
    given = Refused("Not on a Sunday.")
    assert given.message == "Not on a Sunday." and str(given) == "Not on a Sunday."
    assert str(DomainError().message) == "That did not work. Please try again."


def test_a_refusal_is_a_named_class_of_its_family_that_says_its_message(app, english):
    from app.booking.services import BookingError, SameSlot

    assert issubclass(SameSlot, BookingError) and (SameSlot.__name__, SameSlot.__module__) == (
        "SameSlot", "app.booking.services")
    with pytest.raises(BookingError) as refused:
        raise SameSlot()
    assert str(refused.value.message) == "That is already your time, so nothing has changed."


def test_every_features_errors_are_domain_errors():
    from app.admin.services import AccountExists, LastAdmin
    from app.auth.services import AccountError
    from app.booking.services import BookingError
    from app.candidates.csv_import import ImportRefused
    from app.candidates.services import CandidateError
    from app.notes.services import NotesError
    from app.outbox.services import CandidateGone, NotRetryable
    from app.sessions.errors import SessionError
    from app.survey.services import SurveyError
    from app.talent.services import AlreadyAsked, AlreadyMember, NoOpenRequest, NotMember, TalentError

    for error in (AccountError, AccountExists, LastAdmin, BookingError, ImportRefused, CandidateError, NotesError,
                  CandidateGone, NotRetryable, SessionError, SurveyError, TalentError, AlreadyMember, AlreadyAsked,
                  NoOpenRequest, NotMember):
        assert issubclass(error, DomainError), error


# --- text --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "whole"), [
    ("jan@example.org", True), (" Jan.de-Vries+werk@Mail.Example.NL ", True), ("a@b.c", True),
    ("jan", False), ("jan@", False), ("@example.org", False), ("jan@example", False), ("example.org", False),
    ("jan@example.", False), ("jan@.org", False), ("jan@@example.org", False), ("a@b@example.org", False),
    ("jan @example.org", False), ("jan@example.org piet@example.org", False), ("", False),
])
def test_a_whole_address_is_told_from_a_piece(text, whole):
    assert is_whole_address(text) is whole


def test_clean_text_keeps_the_lines_and_drops_the_invisible():
    assert clean_text("Hallo\x00 daar\x07,\r\nnieuwe regel\rnog een\tmet tab ") == (
        "Hallo daar,\nnieuwe regel\nnog een\tmet tab ")
    assert clean_text(None) == ""


def test_clean_line_makes_one_line():
    assert clean_line("  Kamer\x00 2.14\n\tgebouw   B\x1b ") == "Kamer 2.14 gebouw B"
    assert clean_line(None) == ""


@pytest.mark.parametrize("search,found", [
    ("100%", ["100% zeker"]), ("a_b", ["a_b"]), ("back\\", ["back\\slash"]), ("%", ["100% zeker"]),
    ("A_B", ["a_b"]), ("", ["100% zeker", "a_b", "aXb", "back\\slash"]),
])
def test_contains_finds_what_was_typed_whatever_the_case(app, make_candidate, search, found):
    for name in ("100% zeker", "a_b", "aXb", "back\\slash"):
        make_candidate(name=name)
    from app.models import Candidate

    names = db.session.scalars(db.select(Candidate.name).where(contains(Candidate.name, search))
                               .order_by(Candidate.name))
    assert sorted(names) == sorted(found)


# --- ids and form fields -----------------------------------------------------------------------------------

def test_ids_are_what_the_database_holds():
    assert is_id(1) and is_id(MAX_ID)
    assert not any(is_id(value) for value in (0, -1, MAX_ID + 1, True, "3", 2.0, None))


class _Choice(Form):
    slot = IdField(unreadable=_l("Please choose a time."))
    day = LocalDateField()


@pytest.mark.parametrize("value", ["abc", "0", "-1", str(MAX_ID + 1), "99999999999999999999", "1.5"])
def test_an_id_field_refuses_what_is_no_id_with_its_message(app, english, value):
    form = _Choice(MultiDict({"slot": value}))
    assert not form.validate()
    assert form.slot.errors[0] == "Please choose a time."


def test_an_id_field_takes_an_id_and_a_date_field_asks_for_day_month_year(app, english):
    form = _Choice(MultiDict({"slot": "17", "day": "2026-03-10"}))
    assert form.validate() and form.slot.data == 17 and form.day.data == date(2026, 3, 10)
    form = _Choice(MultiDict({"slot": "17", "day": "10 maart"}))
    assert not form.validate() and form.day.errors == ["Enter the date as day, month and year."]


# --- pages of a list ---------------------------------------------------------------------------------------

def test_a_counted_page_knows_the_pages_and_a_page_beyond_shows_the_last(app, make_candidate):
    from app.models import Candidate

    for number in range(7):
        make_candidate(name=f"Kandidaat {number}")
    names = db.select(Candidate.name).order_by(Candidate.name)

    first = fetch_page(names, 1, 3, scalars=True)
    assert (first.rows, first.total, first.pages, first.has_next, first.has_previous) == (
        ["Kandidaat 0", "Kandidaat 1", "Kandidaat 2"], 7, 3, True, False)
    last = fetch_page(names, 99, 3, scalars=True)
    assert (last.rows, last.page, last.has_next, last.has_previous) == (["Kandidaat 6"], 3, False, True)
    assert fetch_page(names, -5, 3, scalars=True).page == 1


def test_an_uncounted_page_reads_one_more_to_know_whether_another_follows(app, make_candidate):
    from app.models import Candidate

    for number in range(6):
        make_candidate(name=f"Kandidaat {number}")
    names = db.select(Candidate.name).order_by(Candidate.name)

    second = fetch_page(names, 2, 3, counted=False, scalars=True)
    assert (second.rows, second.has_next, second.total, second.pages) == (
        ["Kandidaat 3", "Kandidaat 4", "Kandidaat 5"], False, None, None)
    assert fetch_page(names, 1, 3, counted=False, scalars=True).has_next
    assert fetch_page(names, 9, 3, counted=False, scalars=True).rows == []


# --- languages ---------------------------------------------------------------------------------------------

def test_language_names_come_in_the_readers_language_and_in_their_own(app):
    with app.test_request_context():
        with force_locale("nl"):
            assert [languages.language_name(code) for code in ("nl", "en")] == ["Nederlands", "Engels"]
        with force_locale("en"):
            assert [languages.language_name(code) for code in ("nl", "en")] == ["Dutch", "English"]
        assert languages.native_names() == {"nl": "Nederlands", "en": "English"}


@pytest.mark.parametrize("text,code", [
    ("nl", "nl"), ("NL", "nl"), ("nl-BE", "nl"), ("en_GB", "en"), ("nld", "nl"), ("dut", "nl"), ("eng", "en"),
    ("Dutch", "nl"), ("nederlands", "nl"), ("Engels", "en"), (" English ", "en"),
    ("fr", None), ("français", None), ("xx-YY", None), ("", None), ("-", None),
])
def test_a_language_is_read_however_it_is_written(app, text, code):
    assert languages.read_language(text) == code


def test_a_language_added_to_the_settings_is_offered_everywhere(app, client, auth):
    app.config["LANGUAGES"] = ["nl", "en", "de"]

    home = client.get("/").get_data(as_text=True)
    assert 'lang="de"' in home and ">Deutsch</button>" in home
    with app.test_request_context(), force_locale("en"):
        assert languages.read_language("German") == "de" and languages.read_language("Duits") == "de"
    auth.login("recruiter")
    set_english(client)
    form = client.get("/recruiter/candidates/new").get_data(as_text=True)
    assert '<option value="de">German</option>' in form
    assert "German" in page_text(client.get("/recruiter/candidates/templates"))


def test_the_language_offered_when_an_unknown_one_is_asked_for_is_the_default(app):
    assert languages.offered("en") == "en"
    assert languages.offered("fr") == languages.offered(None) == "nl"


# --- what keeps the kernel a kernel ------------------------------------------------------------------------

def _imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_the_kernel_imports_no_feature():
    kernel = [*APP.glob("*.py"), *(APP / "core").glob("*.py"), *(APP / "events").glob("*.py")]
    kernel.remove(APP / "__init__.py")  # the factory registers the features' blueprints
    problems = [f"{path.relative_to(APP)} imports {module}" for path in kernel for module in _imports(path)
                if module.startswith("app.") and module.split(".")[1] in FEATURES]
    assert problems == []


def test_no_view_runs_sql():
    problems = []
    views = [path for path in sorted(APP.glob("*/*.py")) if "Blueprint(" in path.read_text()]  # the API too
    assert len(views) > 15
    for path in views:
        tree = ast.parse(path.read_text(), str(path))
        if any(module == "sqlalchemy" or module.startswith("sqlalchemy.") for module in _imports(path)):
            problems.append(f"{path.relative_to(APP)} imports sqlalchemy")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in {"execute", "scalar", "scalars"}
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "session"):
                problems.append(f"{path.relative_to(APP)}:{node.lineno} runs db.session.{node.attr}")
    assert problems == []
