"""Candidates tests sign in as a recruiter and read pages in English (``english_client``: the catalogs may
or may not be compiled when the tests run; a test must not depend on that)."""

import pytest


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Uploads waiting for confirmation go to the test's own folder, not the project's instance/."""
    folder = tmp_path / "imports"
    app.config["CSV_IMPORT_FOLDER"] = str(folder)
    return folder
