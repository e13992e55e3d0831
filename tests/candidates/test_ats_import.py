"""The CSV import takes real ATS exports: extra columns ignored and listed, names in parts, header names in
either language whatever their case and accents; a file whose required columns are not recognised asks which
column holds what, and the choice is remembered for the next file with the same headers; the preview of a large
file stays small and shows its errors first."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.candidates.csv_import import header_key, parse_csv
from app.extensions import db
from app.models import Candidate, ImportMapping
from tests.candidates.helpers import CANDIDATES, confirm, import_id, page_text, upload

TODAY = date(2026, 3, 10)

# As Recruitee or Teamtailor export it: ids, phone, source and dates beside the columns the portal needs.
DUTCH_EXPORT = (
    "\ufeffKandidaat-ID;Voornaam;Tussenvoegsel;Achternaam;E-mailadres;Telefoon;Vacaturetitel;Afdeling;Fase;"
    "Sollicitatiedatum;Afwijzingsdatum;Taal;Bron\n"
    "10231;Anna;de;Vries;anna@example.org;06-12345678;Verpleegkundige IC;Intensive Care;Gesprek;01-02-2026;"
    "09-03-2026;nl;LinkedIn\n"
    "10232;Bram;;Bakker;bram@example.org;;Data-analist;ICT;CV-selectie;03-02-2026;01-03-2026;;Website\n"
)
ENGLISH_EXPORT = (
    "Candidate ID,FIRST NAME,Middle Name,Last name,Email Address,Phone,Job Title,Department,Stage,Applied At,"
    "Rejected At,Language,Source\n"
    "g-77,Chris,,Jones,chris@example.org,+44 20 7946 0000,Data analyst,Finance,Phone screen,2026-02-01,"
    "2026-03-02,en,Referral\n"
)
# Nothing the import recognises for the required fields: the recruiter says which column holds what.
UNKNOWN_HEADERS = (
    "Persoon;Contact;Baan;Ronde;Besluit op;Bron\n"
    "Dana Smit;dana@example.org;Fysiotherapeut;gesprek;2026-03-05;Indeed\n"
    "Eli Bos;eli@example.org;Fysiotherapeut;cv;2026-03-06;Website\n"
)
UNKNOWN_TARGETS = {"column_0": "name", "column_1": "email", "column_2": "vacancy", "column_3": "stage",
                   "column_4": "rejected_on", "column_5": ""}


def candidates() -> list[Candidate]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Candidate).order_by(Candidate.id)))


def test_an_ats_export_with_extra_columns_and_split_names_imports(app, english_client, recruiter):
    response = upload(english_client, DUTCH_EXPORT)
    assert response.status_code == 200
    text = page_text(response)
    assert "2 rows in the file: 2 good, 0 with an error" in text
    assert "Ignored columns (not imported): Kandidaat-ID, Sollicitatiedatum, Bron." in text  # Telefoon is the phone
    rows = text[text.index("The rows"):text.index("Change which column holds what")]
    assert "Anna de Vries" in rows and "LinkedIn" not in rows

    assert confirm(english_client, response, "all_or_nothing").status_code == 302
    stored = candidates()
    assert [(c.name, c.email, c.vacancy, c.department) for c in stored] == [
        ("Anna de Vries", "anna@example.org", "Verpleegkundige IC", "Intensive Care"),
        ("Bram Bakker", "bram@example.org", "Data-analist", "ICT"),
    ]
    assert [c.rejected_on for c in stored] == [date(2026, 3, 9), date(2026, 3, 1)]
    assert stored[0].phone == "06-12345678"  # for the call after an interview


def test_english_headers_are_read_whatever_their_case(app, english):
    preview = parse_csv(ENGLISH_EXPORT.encode(), today=TODAY)
    assert not preview.needs_mapping
    assert preview.ignored == ["Candidate ID", "Applied At", "Source"]  # Phone is read as the phone
    (row,) = preview.rows
    assert row.ok, row.errors
    assert (row.data.name, row.data.email, row.data.vacancy, row.data.rejected_on, row.data.language) == (
        "Chris Jones", "chris@example.org", "Data analyst", date(2026, 3, 2), "en")


def test_header_names_are_compared_without_accents_and_punctuation(app, english):
    content = "NAAM;É-mail;Vacature;Fáse;Afwijzings-datum\nFleur Visser;fleur@example.org;Analist;cv;2026-03-01\n"
    preview = parse_csv(content.encode(), today=TODAY)
    assert preview.ignored == [] and [row.ok for row in preview.rows] == [True]
    assert header_key(["Voornaam", "E-mail"]) == header_key(["VOORNAAM ", "e_mail"])


def test_a_full_name_beside_its_parts_reads_the_full_name(app, english):
    content = ("Naam;Voornaam;Achternaam;E-mail;Vacature;Fase;Afwijzingsdatum\n"
               "Gijs van Dam;Gijs;Dam;gijs@example.org;Analist;cv;2026-03-01\n")
    preview = parse_csv(content.encode(), today=TODAY)
    assert preview.ignored == ["Voornaam", "Achternaam"]
    assert preview.rows[0].data.name == "Gijs van Dam"


def test_a_mapping_is_asked_and_remembered(app, english_client, recruiter):
    response = upload(english_client, UNKNOWN_HEADERS)
    assert response.status_code == 422
    text = page_text(response)
    assert ("No column is recognised for: Name (or first name and last name), E-mail address, Vacancy, Stage, "
            "Rejection date") in text
    assert "dana@example.org" in text  # the first values of each column, to recognise it by
    assert 'action="/recruiter/candidates/import/' not in response.get_data(as_text=True).split("columns")[0]
    upload_id = re.search(r'/import/([A-Za-z0-9_-]{22})/columns', response.get_data(as_text=True)).group(1)

    response = english_client.post(f"{CANDIDATES}/import/{upload_id}/columns", data=UNKNOWN_TARGETS)
    assert response.status_code == 200
    text = page_text(response)
    assert "2 rows in the file: 2 good, 0 with an error" in text and "Ignored columns (not imported): Bron." in text
    assert confirm(english_client, response, "all_or_nothing").status_code == 302
    assert [c.name for c in candidates()] == ["Dana Smit", "Eli Bos"]

    # The next export with the same headers (written a little differently) is read at once.
    again = UNKNOWN_HEADERS.replace("Persoon;Contact;Baan;Ronde;Besluit op;Bron", "PERSOON;contact;Baan;Ronde;"
                                    "Besluit-op;Bron").replace("dana@", "dana2@").replace("eli@", "eli2@")
    response = upload(english_client, again)
    assert response.status_code == 200
    assert "2 rows in the file: 2 good, 0 with an error" in page_text(response)
    assert import_id(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportMapping)) == 1


def test_a_mapping_that_cannot_be_read_is_asked_again(app, english_client, recruiter):
    response = upload(english_client, UNKNOWN_HEADERS)
    upload_id = re.search(r'/import/([A-Za-z0-9_-]{22})/columns', response.get_data(as_text=True)).group(1)
    twice = {**UNKNOWN_TARGETS, "column_5": "email"}
    response = english_client.post(f"{CANDIDATES}/import/{upload_id}/columns", data=twice)
    assert response.status_code == 422
    assert "More than one column holds: E-mail address" in page_text(response)
    made_up = {**UNKNOWN_TARGETS, "column_5": "salary"}
    response = english_client.post(f"{CANDIDATES}/import/{upload_id}/columns", data=made_up)
    assert response.status_code == 422
    assert candidates() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportMapping)) == 0


def test_the_preview_of_a_10000_row_file_stays_small(app, english_client, recruiter):
    today = date.today() - timedelta(days=1)
    lines = ["Kandidaat-ID;Voornaam;Achternaam;E-mail;Vacature;Fase;Afwijzingsdatum;Telefoon"]
    for n in range(10_000):
        email = f"person{n}@example.org" if n % 64 else f"person{n}-at-example.org"  # 157 bad rows
        lines.append(f"{n};Voornaam{n};Achternaam{n};{email};Verpleegkundige;cv;{today.isoformat()};0612345678")
    content = ("\n".join(lines) + "\n").encode()
    response = upload(english_client, content)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert len(response.data) < 120_000, len(response.data)  # the file is 0.8 MB; every row shown was 3.1 MB
    text = page_text(response)
    assert "10,000 rows in the file: 9,843 good, 157 with an error" in text
    assert "And 57 more rows with an error." in text
    errors_at, rows_at = text.index("157 rows with an error"), text.index("The first 20 rows")
    assert errors_at < rows_at  # the errors first, where the eye is
    assert body.count('<tr class="has-error">') == 100 + 1  # 100 errors listed, and row 2 among the first 20
    assert '"person0-at-example.org" is not a valid e-mail address' in text
    first_rows = body[body.index('id="rows-h"'):]
    assert first_rows.count("✗ Error") == 1 and first_rows.count("✓ Good") == 19


def test_recruiters_saving_the_same_columns_at_once_all_succeed(app, english):
    """Two recruiters choosing the columns of the same export at the same moment: neither gets an error (the
    header line's key is unique), and one choice is kept."""
    import threading

    from app.candidates import services

    preview = parse_csv(UNKNOWN_HEADERS.encode(), today=TODAY,
                        targets=[UNKNOWN_TARGETS[f"column_{n}"] or None for n in range(6)])
    assert not preview.needs_mapping
    db.session.rollback()
    racers = 6
    barrier = threading.Barrier(racers, timeout=30)
    errors = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait()
                services.remember_targets(preview)
                db.session.commit()
            except Exception as exc:  # reported below rather than lost with the thread
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    kept = db.session.scalars(sa.select(ImportMapping)).all()
    assert [(m.header_key, m.targets) for m in kept] == [(preview.header_key, preview.targets)]
