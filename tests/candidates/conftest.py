"""Candidates tests sign in as a recruiter and read pages in English (the catalogs may or may not be
compiled when the tests run; a test must not depend on that)."""

import pytest

from tests.candidates.helpers import set_english


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Uploads waiting for confirmation go to the test's own folder, not the project's instance/."""
    folder = tmp_path / "imports"
    app.config["CSV_IMPORT_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def client(app):
    client = app.test_client()
    set_english(client)
    return client


@pytest.fixture
def recruiter(auth, client):
    """Signed in as a recruiter (signing in starts a new session, so English is chosen again)."""
    user = auth.login("recruiter")
    set_english(client)
    return user


@pytest.fixture
def english(app):
    """Messages made outside a request (service functions called directly) in English."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
