"""The CSV import: reading files from an applicant tracking system, the preview with an error per bad
row, refusing files that cannot be used, and the recruiter's choice between "all good rows" and
"nothing unless all rows are good"."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.candidates.csv_import import ImportRefused, parse_csv
from app.extensions import db
from app.models import Candidate, Stage
from tests.candidates.helpers import CANDIDATES, confirm, page_text, upload

TODAY = date(2026, 3, 10)
GOOD_EN = (
    "name,email,vacancy,department,stage,rejection date,language,rejection reason\n"
    "Anna de Vries,anna@example.org,Verpleegkundige IC,Intensive Care,interview,2026-03-09,nl,experience\n"
    "Ben Smith,ben@example.org,Data analyst,Finance,cv screening,2026-03-01,en,\n"
    "Chris Jansen,chris@example.org,Verpleegkundige IC,Intensive Care,phone,2026-02-28,,skills\n"
)
GOOD_NL = (
    "Naam;E-mailadres;Vacature;Afdeling;Fase;Afwijzingsdatum;Taal;Reden\n"
    "Zoë Ünal;zoe@example.org;Doktersassistent;Polikliniek;gesprek;09-03-2026;Nederlands;opleiding\n"
    "Joost Bakker;joost@example.org;Projectleider ICT;ICT;CV-selectie;1-3-2026;Engels;\n"
    "Fleur Visser;fleur@example.org;Projectleider ICT;ICT;telefoon;2026-03-10;nl;"
    "aansluiting bij het werk van het team\n"
)


def parse(content, **options):
    options.setdefault("today", TODAY)
    if isinstance(content, str):
        content = content.encode("utf-8")
    return parse_csv(content, **options)


def candidates() -> list[Candidate]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Candidate).order_by(Candidate.id)))


# --- reading files ---------------------------------------------------------------------------------

def test_comma_file_with_english_headers(app, english):
    preview = parse(GOOD_EN)
    assert preview.delimiter == ","
    assert [row.ok for row in preview.rows] == [True, True, True]
    anna, ben, chris = (row.data for row in preview.rows)
    assert (anna.name, anna.email, anna.vacancy, anna.department) == (
        "Anna de Vries", "anna@example.org", "Verpleegkundige IC", "Intensive Care")
    assert (anna.stage, anna.rejected_on, anna.language, anna.rejection_reason) == (
        Stage.INTERVIEW, date(2026, 3, 9), "nl", "experience")
    assert (ben.stage, ben.language, ben.rejection_reason) == (Stage.CV_SCREENING, "en", None)
    assert (chris.stage, chris.language) == (Stage.PHONE, "nl")  # an empty language means Dutch


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["without BOM", "with BOM"])
def test_semicolon_file_with_dutch_headers_and_values(app, english, bom):
    preview = parse(bom + GOOD_NL.encode("utf-8"))
    assert preview.delimiter == ";"
    assert [row.errors for row in preview.rows] == [[], [], []]
    zoe, joost, fleur = (row.data for row in preview.rows)
    assert zoe.name == "Zoë Ünal"  # the BOM does not end up in the first column's name or value
    assert (zoe.stage, zoe.rejected_on, zoe.language, zoe.rejection_reason) == (
        Stage.INTERVIEW, date(2026, 3, 9), "nl", "qualifications")
    assert (joost.stage, joost.rejected_on, joost.language) == (Stage.CV_SCREENING, date(2026, 3, 1), "en")
    assert (fleur.stage, fleur.rejection_reason) == (Stage.PHONE, "team_fit")


def test_quoted_values_may_hold_the_separator_and_line_breaks(app, english):
    preview = parse('name;email;vacancy;stage;rejection date\n'
                    '"Vries; Anna de";anna@example.org;"Verpleegkundige\nIC";interview;2026-03-09\n'
                    'Ben;ben@example.org;Analist;cv;2026-03-09\n')
    assert [row.ok for row in preview.rows] == [True, True]
    assert preview.rows[0].data.name == "Vries; Anna de"
    assert preview.rows[0].data.vacancy == "Verpleegkundige IC"
    assert [row.number for row in preview.rows] == [2, 3]  # spreadsheet rows: the header is row 1


def test_mixed_file_names_the_error_of_each_bad_row(app, english):
    content = (
        "name,email,vacancy,department,stage,rejection date,language\n"
        "Good Person,good@example.org,Analist,ICT,interview,2026-03-01,en\n"                 # 2
        "Bad Mail,not-an-address,Analist,ICT,interview,2026-03-01,en\n"                        # 3
        "Odd Stage,odd@example.org,Analist,ICT,assessment,2026-03-01,en\n"                     # 4
        "Later,later@example.org,Analist,ICT,interview,2026-03-11,en\n"                        # 5
        "Garbled,garbled@example.org,Analist,ICT,interview,31-02-2026,en\n"                    # 6
        ",noname@example.org,Analist,ICT,interview,2026-03-01,en\n"                            # 7
        "Good Again,GOOD@example.org,analist,ICT,phone,2026-03-02,en\n"                        # 8
        "In Portal,known@example.org,Analist,ICT,interview,2026-03-01,en\n"                    # 9
        "French,fr@example.org,Analist,ICT,interview,2026-03-01,fr\n"                          # 10
    )
    preview = parse(content, exists=lambda key: key == ("known@example.org", "analist"))
    errors = {row.number: " ".join(str(e) for e in row.errors) for row in preview.rows}
    assert errors[2] == ""
    assert "not a valid e-mail address" in errors[3]
    assert 'Unknown stage "assessment"' in errors[4]
    assert "in the future" in errors[5]
    assert 'Cannot read the date "31-02-2026"' in errors[6]
    assert "name is missing" in errors[7]
    assert "Same e-mail address and vacancy as row 2" in errors[8]  # case does not make another person
    assert "already in the portal" in errors[9]
    assert 'Unknown language "fr"' in errors[10]
    assert [row.number for row in preview.good] == [2]
    assert all(row.data is None for row in preview.bad)


def test_a_row_with_more_values_than_columns_is_an_error(app, english):
    preview = parse("name,email,vacancy,stage,rejection date\n"
                    "Anna,anna@example.org,Analist,cv,2026-03-01,surprise\n")
    assert "more values than there are columns" in str(preview.rows[0].errors[0])


@pytest.mark.parametrize("content, reason", [
    (b"", "The file is empty"),
    (b"  \r\n\r\n ", "The file is empty"),
    (b"\xef\xbb\xbf", "The file is empty"),
    (b"name;email;vacancy;stage;rejection date\n", "no rows with candidates"),
    (b"Anna;anna@example.org;Analist;cv;2026-03-01\n", "does not name the columns"),
    (b"name;naam;email;vacancy;stage;rejection date\n", "no rows with candidates"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
    ("naam;e-mail;vacature;fase;afwijzingsdatum\nJosé;jose@example.org;Analist;cv;2026-03-01\n".encode("latin-1"),
     "not UTF-8"),
], ids=["empty", "blank lines", "only a BOM", "header only", "no header", "repeated column, no rows", "binary",
        "latin-1"])
def test_files_that_cannot_be_used_are_refused_with_a_reason(app, english, content, reason):
    with pytest.raises(ImportRefused) as refused:
        parse(content)
    assert reason in str(refused.value.message)


def test_files_over_the_limits_are_refused(app, english):
    rows = "".join(f"P{i},p{i}@example.org,Analist,cv,2026-03-01\n" for i in range(20))
    content = "name,email,vacancy,stage,rejection date\n" + rows
    with pytest.raises(ImportRefused, match="larger than 100 bytes"):
        parse(content, max_bytes=100)
    with pytest.raises(ImportRefused, match="more than 10 rows"):
        parse(content, max_rows=10)
    assert len(parse(content, max_rows=20).rows) == 20


# --- the pages ---------------------------------------------------------------------------------------

def test_preview_saves_nothing_and_confirming_imports_all(app, english_client, recruiter):
    response = upload(english_client, GOOD_NL.encode("utf-8"))
    assert response.status_code == 200
    text = page_text(response)
    assert "3 rows in the file: 3 good, 0 with an error" in text
    assert "Zoë Ünal" in text and "Nothing is saved yet" in text
    assert candidates() == []

    response = confirm(english_client, response, "all_or_nothing")
    assert response.status_code == 302
    assert sorted(c.email for c in candidates()) == ["fleur@example.org", "joost@example.org", "zoe@example.org"]
    listing = page_text(english_client.get(response.headers["Location"]))
    assert "3 candidates are imported" in listing
    assert "Zoë Ünal" in listing and "Not invited yet" in listing


def test_an_import_is_saved_in_one_insert_whatever_its_rows_leave_empty(app, english_client, recruiter):
    """Rows with and without a rejection reason: one statement for all of them (on PostgreSQL every
    statement more is a round trip, and a file has thousands of rows), each row saved as in the file."""
    previewed = upload(english_client, GOOD_NL.encode("utf-8"))
    inserts = []

    def count(connection, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO candidate"):
            inserts.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert confirm(english_client, previewed, "all_or_nothing").status_code == 302
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)

    assert len(inserts) == 1
    saved = {c.email: c for c in candidates()}
    assert saved["zoe@example.org"].rejection_reason is not None
    assert saved["joost@example.org"].rejection_reason is None
    assert (saved["joost@example.org"].stage, saved["joost@example.org"].language) == (Stage.CV_SCREENING, "en")
    assert all(c.ref and c.created_at for c in saved.values()) and len({c.ref for c in saved.values()}) == 3


def _mixed_file() -> bytes:
    today = date.today()
    return (
        "naam,e-mail,vacature,afdeling,fase,afwijzingsdatum,taal\n"
        f"Anna de Vries,anna@example.org,Analist,ICT,gesprek,{today - timedelta(days=1)},nl\n"
        f"Ben Smith,ben@example.org,Analist,ICT,cv,{today - timedelta(days=2)},en\n"
        f"Carla Mol,carla(at)example.org,Analist,ICT,cv,{today - timedelta(days=2)},nl\n"
        f"Dirk Mol,dirk@example.org,Analist,ICT,cv,{today + timedelta(days=30)},nl\n"
    ).encode()


def test_all_or_nothing_refuses_a_file_with_bad_rows(app, english_client, recruiter):
    preview = upload(english_client, _mixed_file())
    text = page_text(preview)
    assert "4 rows in the file: 2 good, 2 with an error" in text
    assert '"carla(at)example.org" is not a valid e-mail address' in text
    assert "is in the future" in text

    response = confirm(english_client, preview, "all_or_nothing")
    assert response.status_code == 422
    assert "Nothing is imported: 2 of 4 rows have an error" in page_text(response)
    assert candidates() == []

    response = confirm(english_client, preview, "good_rows")  # the upload is still there to choose again
    assert response.status_code == 302
    assert sorted(c.name for c in candidates()) == ["Anna de Vries", "Ben Smith"]
    assert "2 rows with an error were skipped" in page_text(english_client.get(response.headers["Location"]))


def test_confirming_checks_the_file_again(app, english_client, recruiter, make_candidate):
    preview = upload(english_client, _mixed_file())
    make_candidate(email="Ben@example.org", vacancy="Analist")  # added in between, by someone else
    response = confirm(english_client, preview, "good_rows")
    assert response.status_code == 302
    assert [c.name for c in candidates() if c.email.endswith("@example.org") and "Kandidaat" not in c.name] == [
        "Anna de Vries"]


def test_an_upload_is_imported_once(app, english_client, recruiter, import_folder):
    preview = upload(english_client, GOOD_EN)
    assert [f.read_bytes() for f in import_folder.iterdir()] == [GOOD_EN.encode()]  # kept on the server
    assert confirm(english_client, preview, "good_rows").status_code == 302
    assert list(import_folder.iterdir()) == []
    again = confirm(english_client, preview, "good_rows")
    assert again.status_code == 410
    assert "no longer available" in page_text(again)
    assert len(candidates()) == 3


def test_good_rows_with_no_good_rows_imports_nothing(app, english_client, recruiter):
    preview = upload(english_client, "name,email,vacancy,stage,rejection date\nAnna,nope,Analist,cv,2026-01-01\n")
    response = confirm(english_client, preview, "good_rows")
    assert response.status_code == 422
    assert "none of the rows can be imported" in page_text(response)
    assert candidates() == []


def test_a_made_up_upload_id_is_refused(app, english_client, recruiter):
    for import_id in ("A" * 22, "../../secret_key", "x"):
        response = english_client.post(f"{CANDIDATES}/import/{import_id}", data={"mode": "good_rows"})
        assert response.status_code in (404, 410)
    assert candidates() == []


@pytest.mark.parametrize("content, reason", [
    (b"", "The file is empty"),
    (b"\x00\x01\x02binary\xff", "not a text file"),
    (b"anna@example.org;Analist\nbob@example.org;Analist\n", "does not name the columns"),
    (b"name;email;vacancy;stage;rejection date\n", "no rows with candidates"),
], ids=["empty", "binary", "no header", "header only"])
def test_refused_uploads_show_the_reason(app, english_client, recruiter, content, reason):
    response = upload(english_client, content)
    assert response.status_code == 422
    assert reason in page_text(response)
    assert candidates() == []


def test_an_oversized_upload_is_refused(app, english_client, recruiter):
    app.config["CSV_IMPORT_MAX_BYTES"] = 500
    content = GOOD_EN + "".join(f"P{i},p{i}@example.org,Analist,,cv,2026-03-01,nl,\n" for i in range(20))
    response = upload(english_client, content)
    assert response.status_code == 422
    assert "larger than 500 bytes" in page_text(response)
    assert candidates() == []


def test_too_many_rows_are_refused(app, english_client, recruiter):
    app.config["CSV_IMPORT_MAX_ROWS"] = 2
    response = upload(english_client, GOOD_EN)
    assert response.status_code == 422
    assert "more than 2 rows" in page_text(response)


def test_no_file_chosen(app, english_client, recruiter):
    response = english_client.post(f"{CANDIDATES}/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Please choose a file" in page_text(response)
