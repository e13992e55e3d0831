"""How the tests are laid out (../STYLE.md, Tests): the shared fixtures live in tests/fixtures/ and are loaded
through ``pytest_plugins`` in tests/conftest.py; a folder's conftest or a test module adds fixtures under
names of its own and never redefines one that is already visible there; nothing imports from a conftest.

A fixture redefined lower down silently changes what a name means for part of the suite (``client`` was
an English client in five folders and a Dutch one elsewhere), so the reader of a test can no longer tell
what it gets. The checks read the source, so they also cover fixtures that no test requests yet."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SHARED = ("fixtures",)  # folders under tests/ whose modules are loaded for every test


@dataclass(frozen=True)
class Definition:
    name: str
    path: Path
    line: int

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


def _python_files(root: Path):
    for path in sorted(root.rglob("*.py")):
        if "node_modules" not in path.parts:
            yield path


def _fixture_name(node: ast.AST) -> str | None:
    """The fixture a function defines (``@pytest.fixture``, ``@fixture(...)``, ``name=`` honoured), or None."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in ("pytest.fixture", "fixture"):
            if isinstance(decorator, ast.Call):
                for keyword in decorator.keywords:
                    if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                        return keyword.value.value
            return node.name
    return None


def fixture_definitions(root: Path) -> list[Definition]:
    """Every fixture defined at the top of a module under ``root``."""
    found = []
    for path in _python_files(root):
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            name = _fixture_name(node)
            if name:
                found.append(Definition(name, path, node.lineno))
    return found


def _scope(definition: Definition, root: Path) -> Path:
    """The file or folder in which a definition is what the name means: everything for a shared module or the
    top conftest, a folder for its conftest, the module itself otherwise."""
    relative = definition.path.relative_to(root)
    if relative.parts[0] in SHARED or relative == Path("conftest.py"):
        return root
    if definition.path.name == "conftest.py":
        return definition.path.parent
    return definition.path


def _imported_fixtures(root: Path, names: set[str]) -> list[Definition]:
    """Fixtures brought into a module by ``from ... import name``: pytest registers them there a second time."""
    found = []
    for path in _python_files(root):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests."):
                found += [Definition(alias.asname or alias.name, path, node.lineno)
                          for alias in node.names if alias.name in names]
    return found


def shadowed_fixtures(root: Path) -> list[str]:
    """Each place where a fixture is defined (or imported) again where a definition of the same name is already
    visible, as "place: name, already defined at place"."""
    definitions = fixture_definitions(root)
    definitions += _imported_fixtures(root, {d.name for d in definitions})
    problems = []
    for lower in definitions:
        for upper in definitions:
            if upper is lower or upper.name != lower.name:
                continue
            scope = _scope(upper, root)
            if scope == lower.path or scope in lower.path.parents:
                problems.append(f"{lower.where(root)}: {lower.name}, already defined at {upper.where(root)}")
    return sorted(set(problems))


def conftest_imports(root: Path) -> list[str]:
    """Each import from a conftest module, top or folder, absolute or relative (``from . import conftest``)."""
    found = []
    for path in _python_files(root):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
                modules += [f"{node.module or ''}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            if any(module.split(".")[-1] == "conftest" for module in modules):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


# --- the rules, on this project's tests --------------------------------------------------------------------

def test_no_fixture_is_redefined_where_one_of_the_same_name_is_visible():
    problems = shadowed_fixtures(TESTS)

    assert not problems, (
        "a fixture is redefined where the shared one (tests/fixtures/) or a parent conftest's is visible; "
        "give it a name of its own (such as english_client) or make the shared one do what all need:\n  "
        + "\n  ".join(problems))


def test_nothing_imports_from_a_conftest():
    problems = conftest_imports(TESTS) + conftest_imports(ROOT / "bench")

    assert not problems, (
        "import helpers and constants from tests/fixtures/ or tests/helpers.py, not from a conftest:\n  "
        + "\n  ".join(problems))


def _plugins() -> list[str]:
    """``pytest_plugins`` as tests/conftest.py sets it (read, not imported: nothing imports a conftest)."""
    for node in ast.parse((TESTS / "conftest.py").read_text()).body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["pytest_plugins"]:
            return list(ast.literal_eval(node.value))
    return []


def test_every_shared_fixtures_module_is_loaded_for_every_test():
    modules = {f"tests.fixtures.{path.stem}" for path in (TESTS / "fixtures").glob("*.py") if path.stem != "__init__"}

    assert sorted(_plugins()) == sorted(modules)
    assert not [d for d in fixture_definitions(TESTS) if d.path == TESTS / "conftest.py"], (
        "tests/conftest.py only loads tests/fixtures/; define shared fixtures there")


# --- the checks themselves, on a made-up tree -------------------------------------------------------------

def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


FIXTURE = "import pytest\n\n\n@pytest.fixture\ndef {name}():\n    return 1\n"


@pytest.mark.parametrize("files, expected", [
    pytest.param({"fixtures/app.py": FIXTURE.format(name="client"),
                  "booking/conftest.py": FIXTURE.format(name="client")},
                 ["booking/conftest.py:5: client, already defined at fixtures/app.py:5"], id="folder conftest"),
    pytest.param({"fixtures/app.py": FIXTURE.format(name="client"),
                  "test_i18n.py": FIXTURE.format(name="client")},
                 ["test_i18n.py:5: client, already defined at fixtures/app.py:5"], id="test module"),
    pytest.param({"conftest.py": FIXTURE.format(name="app"),
                  "e2e/conftest.py": "import pytest\n\n\n@pytest.fixture(name='app')\ndef live_app():\n    pass\n"},
                 ["e2e/conftest.py:5: app, already defined at conftest.py:5"], id="top conftest, name="),
    pytest.param({"sessions/conftest.py": FIXTURE.format(name="book"),
                  "sessions/deeper/test_it.py": FIXTURE.format(name="book")},
                 ["sessions/deeper/test_it.py:5: book, already defined at sessions/conftest.py:5"],
                 id="parent conftest"),
    pytest.param({"fixtures/staff.py": FIXTURE.format(name="make_user"),
                  "auth/test_login.py": "from tests.fixtures.staff import make_user\n"},
                 ["auth/test_login.py:1: make_user, already defined at fixtures/staff.py:5"], id="imported"),
    pytest.param({"fixtures/app.py": FIXTURE.format(name="client"),
                  "fixtures/languages.py": FIXTURE.format(name="client")},
                 ["fixtures/app.py:5: client, already defined at fixtures/languages.py:5",
                  "fixtures/languages.py:5: client, already defined at fixtures/app.py:5"], id="two shared"),
    pytest.param({"stats/test_dashboard.py": FIXTURE.format(name="history"),
                  "talent/test_access.py": FIXTURE.format(name="history"),
                  "talent/conftest.py": FIXTURE.format(name="member"),
                  "booking/test_flow.py": FIXTURE.format(name="member")},
                 [], id="siblings may share a name"),
])
def test_a_redefined_fixture_is_found(tmp_path, files, expected):
    _write(tmp_path, files)

    assert shadowed_fixtures(tmp_path) == expected


def test_an_import_from_a_conftest_is_found(tmp_path):
    _write(tmp_path, {
        "booking/test_flow.py": "from tests.booking.conftest import outbox\n",
        "e2e/helpers.py": "import tests.e2e.conftest\n",
        "test_access.py": "from tests import conftest\n",
        "notes/test_notes.py": "from . import conftest\n",
        "mail/test_mail.py": "from ..conftest import SmtpServer\nfrom tests.helpers import outbox\n",
    })

    assert sorted(conftest_imports(tmp_path)) == [
        "booking/test_flow.py:1: from tests.booking.conftest import outbox",
        "e2e/helpers.py:1: import tests.e2e.conftest",
        "mail/test_mail.py:1: from ..conftest import SmtpServer",
        "notes/test_notes.py:1: from . import conftest",
        "test_access.py:1: from tests import conftest",
    ]
