"""An uploaded CSV file holds applicants' data: it is deleted as soon as the import is confirmed or
cancelled, at the latest after CSV_IMPORT_KEEP_MINUTES (60), and by the daily purge."""

import os
import time
from datetime import timedelta

from app.database import utcnow
from app.mail.worker import run_scheduled
from app.privacy.services import purge
from tests.candidates.helpers import CANDIDATES, hidden_value, import_id, page_text, upload
from tests.candidates.test_csv_import import GOOD_EN, candidates


def _age(folder, minutes: float) -> None:
    """Make every upload in ``folder`` look ``minutes`` old."""
    then = time.time() - minutes * 60
    for path in folder.iterdir():
        os.utime(path, (then, then))


def test_cancelling_the_preview_deletes_the_upload_and_imports_nothing(app, english_client, recruiter, import_folder):
    preview = upload(english_client, GOOD_EN)
    assert len(list(import_folder.iterdir())) == 1

    response = english_client.post(f"{CANDIDATES}/import/{import_id(preview)}/cancel",
                           data={"csrf_token": hidden_value(preview, "csrf_token")}, follow_redirects=True)

    assert response.status_code == 200
    assert "Nothing was imported, and the uploaded file is deleted." in page_text(response)
    assert list(import_folder.iterdir()) == []
    assert candidates() == []


def test_the_preview_offers_cancelling_as_a_button_that_deletes(app, english_client, recruiter):
    preview = upload(english_client, GOOD_EN)
    assert f'formaction="{CANDIDATES}/import/{import_id(preview)}/cancel"' in preview.get_data(as_text=True)


def test_an_upload_older_than_an_hour_cannot_be_confirmed_and_is_gone(app, english_client, recruiter, import_folder):
    preview = upload(english_client, GOOD_EN)
    _age(import_folder, 61)

    response = english_client.post(f"{CANDIDATES}/import/{import_id(preview)}", data={"mode": "good_rows"})

    assert response.status_code == 410
    assert list(import_folder.iterdir()) == []
    assert candidates() == []


def test_an_abandoned_upload_is_deleted_within_the_hour_by_the_mail_worker(app, english_client, recruiter,
                                                                           import_folder):
    upload(english_client, GOOD_EN)
    _age(import_folder, 30)
    run_scheduled()
    assert len(list(import_folder.iterdir())) == 1  # still within the hour: the recruiter may come back

    _age(import_folder, 61)
    run_scheduled()
    assert list(import_folder.iterdir()) == []


def test_the_daily_purge_deletes_abandoned_uploads(app, english_client, recruiter, import_folder):
    upload(english_client, GOOD_EN)
    purge(now=utcnow() + timedelta(minutes=61))
    assert list(import_folder.iterdir()) == []


def test_the_keeping_time_is_a_setting(app, english_client, recruiter, import_folder):
    app.config["CSV_IMPORT_KEEP_MINUTES"] = 5
    preview = upload(english_client, GOOD_EN)
    _age(import_folder, 6)
    assert english_client.post(f"{CANDIDATES}/import/{import_id(preview)}",
                               data={"mode": "good_rows"}).status_code == 410
