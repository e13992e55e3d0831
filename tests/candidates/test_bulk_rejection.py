"""After an import whose file carries a personal line per candidate, the recruiter e-mails everyone not
invited yet from one page: how many, the templates, the checker's warnings and a few e-mails in full, then
one button. Only those with a line get it; nothing changes unless it is sent exactly as shown."""

import csv
import io
from datetime import date, timedelta

import sqlalchemy as sa

from app.audit.services import facts_of
from app.candidates.services import compose_rejection, rejection_warnings
from app.extensions import db
from app.models import AuditEntry, Candidate, Event, Invitation, OutboxMessage, Stage
from tests.candidates.helpers import CANDIDATES, confirm, hidden_value, page_text, snapshot, upload

BULK = f"{CANDIDATES}/rejections/all"
GOOD = "Je brief was helder. Voor deze functie vragen we drie jaar ervaring op een intensive care; je hebt er één."
GOOD_EN = "Your letter was clear. This role needs three years on an intensive care unit; you have one."


def _export(rows: list[tuple[str, str, str]]) -> str:
    """An ATS export with a personal line column: (first name, last name, line) per row."""
    day = (date.today() - timedelta(days=2)).strftime("%d-%m-%Y")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Voornaam", "Achternaam", "E-mailadres", "Vacature", "Fase", "Afwijzingsdatum", "Taal",
                     "Persoonlijke regel"])
    for n, (first, last, line) in enumerate(rows):
        language = "en" if line == GOOD_EN else "nl"
        writer.writerow([first, last, f"{first.lower()}{n}@example.org", "Verpleegkundige", "cv", day, language, line])
    return out.getvalue()


def _import(client, rows) -> None:
    preview = upload(client, _export(rows))
    assert preview.status_code == 200
    assert confirm(client, preview, "all_or_nothing").status_code == 302


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "rejection")
                                   .order_by(OutboxMessage.id)))


def test_the_import_keeps_the_personal_line_and_the_rejection_page_starts_from_it(app, english_client, recruiter):
    _import(english_client, [("Anna", "Bakker", GOOD), ("Bram", "de Vries", "")])
    anna, bram = db.session.scalars(sa.select(Candidate).order_by(Candidate.id)).all()
    assert anna.personal_line == GOOD and bram.personal_line is None
    page = english_client.get(f"{CANDIDATES}/{anna.id}/rejection")
    assert GOOD in page.get_data(as_text=True)


def test_everyone_with_a_line_gets_their_own_e_mail_in_one_go(app, english_client, recruiter):
    _import(english_client, [("Anna", "Bakker", GOOD), ("Cor", "Smit", GOOD_EN), ("Bram", "de Vries", "")])
    listing = english_client.get(f"{CANDIDATES}/?status=not_invited")
    assert f'href="{BULK}"' in listing.get_data(as_text=True)
    page = english_client.get(BULK)
    text = page_text(page)
    assert page.status_code == 200
    assert "2 candidates get the e-mail" in text
    assert "1 more, not invited yet, has no personal line" in text
    assert GOOD in text and GOOD_EN in text  # the first e-mails in full
    sent = english_client.post(BULK, data={"fingerprint": hidden_value(page, "fingerprint")})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"{CANDIDATES}/?status=not_invited")
    assert "2 rejection e-mails are on their way" in page_text(english_client.get(sent.headers["Location"]))
    mails = _outbox()
    assert [m.to_address for m in mails] == ["Anna Bakker <anna0@example.org>", "Cor Smit <cor1@example.org>"]
    assert GOOD in mails[0].body_text and GOOD_EN in mails[1].body_text
    assert "/b/" in mails[0].body_text  # each with a personal link
    invited = {c.name: c.invited_at is not None for c in db.session.scalars(sa.select(Candidate))}
    assert invited == {"Anna Bakker": True, "Cor Smit": True, "Bram de Vries": False}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.kind == "invited")) == 2
    again = english_client.get(BULK)  # Bram only is left, and has no line
    assert "No one to send it to" in page_text(again)
    assert "1 candidate not invited yet has no personal line" in page_text(again)


def test_the_list_filter_decides_who_gets_it(app, english_client, recruiter, make_candidate):
    _import(english_client, [("Anna", "Bakker", GOOD), ("Bram", "de Vries", GOOD)])
    make_candidate(name="Al Uitgenodigd", personal_line=GOOD)  # had the e-mail with a link already
    page = english_client.get(BULK, query_string={"q": "bakker"})
    assert "1 candidate gets the e-mail" in page_text(page)
    sent = english_client.post(f"{BULK}?q=bakker", data={"fingerprint": hidden_value(page, "fingerprint")})
    assert sent.headers["Location"].endswith(f"{CANDIDATES}/?status=not_invited&q=bakker")
    assert [m.to_address for m in _outbox()] == ["Anna Bakker <anna0@example.org>"]


def test_nothing_is_sent_when_the_selection_changed_since_the_page_was_shown(app, english_client, recruiter):
    _import(english_client, [("Anna", "Bakker", GOOD)])
    page = english_client.get(BULK)
    fingerprint = hidden_value(page, "fingerprint")
    anna = db.session.scalar(sa.select(Candidate))
    anna.personal_line = "Voor deze rol vragen we ervaring met roosterplanning; die zagen we nog niet in je cv."
    db.session.commit()
    before = snapshot()
    response = english_client.post(BULK, data={"fingerprint": fingerprint})
    assert response.status_code == 422
    assert "changed since you looked" in page_text(response)
    assert snapshot() == before
    assert "roosterplanning" in page_text(response)  # the page shows what would go out now
    assert english_client.post(BULK, data={"fingerprint": hidden_value(response, "fingerprint")}).status_code == 302
    assert len(_outbox()) == 1


def test_a_line_the_checker_warns_about_is_sent_only_when_confirmed(app, english_client, recruiter):
    _import(english_client, [("Anna", "Bakker", "We kozen voor een jongere kandidaat die beter in het team past."),
                             ("Bram", "de Vries", GOOD)])
    page = english_client.get(BULK)
    text = page_text(page)
    assert "The checker warns about 1 personal line" in text and "Anna Bakker" in text
    before = snapshot()
    refused = english_client.post(BULK, data={"fingerprint": hidden_value(page, "fingerprint")})
    assert refused.status_code == 422
    assert "Confirm that you have read the checker's warnings" in page_text(refused)
    assert snapshot() == before
    # Said at the top as well, where the page opens and the focus goes, with a link to the checkbox.
    summary = refused.get_data(as_text=True).split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#confirm_warnings"' in summary and "Confirm that you have read" in summary
    sent = english_client.post(BULK, data={"fingerprint": hidden_value(page, "fingerprint"), "confirm_warnings": "y"})
    assert sent.status_code == 302 and len(_outbox()) == 2


def test_in_dutch_the_page_speaks_dutch(app, client, recruiter):
    with client.session_transaction() as cookie:
        cookie["lang"] = "nl"
    _import(client, [("Anna", "Bakker", GOOD)])
    text = page_text(client.get(BULK))
    assert "Afwijzingsmail aan iedereen die nog niet is uitgenodigd" in text
    assert "1 kandidaat krijgt de e-mail" in text


def test_a_line_of_only_spaces_counts_as_none(app, english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(stage=Stage.CV_SCREENING, personal_line="   ")
    db.session.execute(sa.update(Candidate).values(invited_at=None))
    db.session.commit()
    text = page_text(english_client.get(BULK))
    assert "No one to send it to" in text and "1 candidate not invited yet has no personal line" in text


def test_a_record_of_the_page_that_the_portal_did_not_sign_sends_nothing(app, english_client, recruiter):
    _import(english_client, [("Anna", "Bakker", "We kozen voor een jongere kandidaat die beter in het team past.")])
    page = english_client.get(BULK)
    signed = hidden_value(page, "fingerprint")
    before = snapshot()
    for forged in ("", "0" * 32, signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")):
        response = english_client.post(BULK, data={"fingerprint": forged})
        assert response.status_code == 422 and "changed since you looked" in page_text(response)
    assert snapshot() == before


def test_the_audit_log_records_who_sent_despite_which_warning(app, english_client, recruiter):
    _import(english_client, [("Anna", "Bakker", "We kozen voor een jongere kandidaat die beter in het team past.")])
    anna = db.session.scalar(sa.select(Candidate))
    email = compose_rejection(anna, anna.personal_line)
    expected = rejection_warnings([anna], {anna.id: email}).categories_for(anna.id)  # read in full, here
    assert expected
    page = english_client.get(BULK)
    english_client.post(BULK, data={"fingerprint": hidden_value(page, "fingerprint"), "confirm_warnings": "y"})
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "warning_overridden"))
    assert entry.target_id == anna.id
    assert facts_of(entry) == {"sent": "rejection", "warnings": expected}
