"""The candidates list (filters, search, badges for invited / booked / attended), a candidate's page,
and adding a rejected candidate by hand."""

from datetime import timedelta

import sqlalchemy as sa

from app.candidates.csv_import import today_local
from app.database import utcnow
from app.extensions import db
from app.mail.notifications import notify_link_resent
from app.models import Booking, BookingStatus, Candidate, Stage
from tests.candidates.helpers import CANDIDATES, page_text


def _people(make_candidate, make_session):
    """One candidate at each step: not invited, invited, booked, attended."""
    session = make_session()
    new, _ = make_candidate(name="Nina Nieuw", email="nina@example.org", vacancy="Analist", department="ICT")
    invited, _ = make_candidate(name="Ivo Uitgenodigd", vacancy="Analist", department="ICT")
    booked, _ = make_candidate(name="Bo Geboekt", vacancy="Verpleegkundige", department="Cardiologie")
    attended, _ = make_candidate(name="Anouk Geweest", vacancy="Verpleegkundige", department="IC")
    for person in (invited, booked, attended):
        person.invited_at = utcnow() - timedelta(days=3)
    db.session.add(Booking(candidate=booked, slot=session.slots[0], uid="uid-1@test"))
    db.session.add(Booking(candidate=attended, slot=session.slots[1], uid="uid-2@test",
                           status=BookingStatus.ATTENDED))
    db.session.commit()
    return new, invited, booked, attended


def _names(response) -> list[str]:
    text = page_text(response)
    return [n for n in ("Nina Nieuw", "Ivo Uitgenodigd", "Bo Geboekt", "Anouk Geweest") if n in text]


def test_filters_by_status_vacancy_department_and_search(app, english_client, recruiter, make_candidate, make_session):
    _people(make_candidate, make_session)
    url = f"{CANDIDATES}/"
    assert _names(english_client.get(url)) == ["Nina Nieuw", "Ivo Uitgenodigd", "Bo Geboekt", "Anouk Geweest"]
    assert _names(english_client.get(url, query_string={"status": "not_invited"})) == ["Nina Nieuw"]
    assert _names(english_client.get(url, query_string={"status": "invited"})) == ["Ivo Uitgenodigd"]
    assert _names(english_client.get(url, query_string={"status": "booked"})) == ["Bo Geboekt"]
    assert _names(english_client.get(url, query_string={"status": "attended"})) == ["Anouk Geweest"]
    assert _names(english_client.get(url, query_string={"vacancy": "Analist"})) == ["Nina Nieuw", "Ivo Uitgenodigd"]
    assert _names(english_client.get(url, query_string={"department": "IC"})) == ["Anouk Geweest"]
    assert _names(english_client.get(url, query_string={"q": "NINA@EXAMPLE"})) == ["Nina Nieuw"]
    assert _names(english_client.get(url, query_string={"q": "geboekt"})) == ["Bo Geboekt"]
    assert _names(english_client.get(url, query_string={"q": "%"})) == []  # a wildcard is just a character
    nobody = english_client.get(url, query_string={"q": "zzz", "status": "bogus", "page": "-1"})
    assert nobody.status_code == 200 and "No candidates match this filter" in page_text(nobody)


def test_a_whole_address_finds_that_candidate_and_a_piece_finds_every_one_holding_it(
        app, english_client, recruiter, make_candidate):
    make_candidate(name="Jan Jansen", email="jan@example.org")
    make_candidate(name="Marjan Smit", email="marjan@example.org")
    make_candidate(name="Jan Bos", email="Jan@Example.org", vacancy="Analist")  # the same address, other case

    def found(q: str) -> list[str]:
        text = page_text(english_client.get(f"{CANDIDATES}/", query_string={"q": q}))
        return sorted(n for n in ("Jan Jansen", "Marjan Smit", "Jan Bos") if n in text)

    for whole in ("jan@example.org", "JAN@EXAMPLE.ORG", " Jan@example.org "):
        assert found(whole) == ["Jan Bos", "Jan Jansen"], whole
    assert found("marjan@example.org") == ["Marjan Smit"]
    assert found("jan@example.net") == []
    # A piece of an address or a name is still searched anywhere.
    assert found("jan@example") == ["Jan Bos", "Jan Jansen", "Marjan Smit"]
    assert found("jan") == ["Jan Bos", "Jan Jansen", "Marjan Smit"]
    assert found("smit") == ["Marjan Smit"]


def test_badges_show_invited_booked_attended(app, english_client, recruiter, make_candidate, make_session):
    new, invited, booked, attended = _people(make_candidate, make_session)
    body = english_client.get(f"{CANDIDATES}/").get_data(as_text=True)
    rows = {name: row for row in body.split("<tr>") for name in ("Nina Nieuw", "Ivo Uitgenodigd", "Bo Geboekt",
                                                                    "Anouk Geweest") if name in row}
    assert "Not invited yet" in rows["Nina Nieuw"] and "badge-sent" not in rows["Nina Nieuw"]
    assert "badge-sent" in rows["Ivo Uitgenodigd"] and "badge-booked" not in rows["Ivo Uitgenodigd"]
    assert "badge-sent" in rows["Bo Geboekt"] and "badge-booked" in rows["Bo Geboekt"]
    assert all(b in rows["Anouk Geweest"] for b in ("badge-sent", "badge-booked", "badge-attended"))


def test_empty_list_says_what_to_do(app, english_client, recruiter):
    text = page_text(english_client.get(f"{CANDIDATES}/"))
    assert "No candidates yet" in text and "import a CSV export" in text


def test_candidate_page_shows_details_links_bookings_and_emails(app, english_client, recruiter, make_candidate,
                                                                 make_session):
    _, _, booked, _ = _people(make_candidate, make_session)
    booked.rejection_reason, booked.language = "team_fit", "en"
    notify_link_resent([booked])
    db.session.commit()
    text = page_text(english_client.get(f"{CANDIDATES}/{booked.id}"))
    assert "Bo Geboekt" in text and "Verpleegkundige" in text and "Cardiologie" in text
    assert "Fit with the team's work" in text
    assert "Booked" in text and "Works" in text
    assert "Your personal link for the feedback hour" in text  # the e-mail in the outbox
    assert english_client.get(f"{CANDIDATES}/424242").status_code == 404


def _form(**overrides):
    data = {"name": "Anna de Vries", "email": "anna@example.org", "vacancy": "Verpleegkundige IC",
            "department": "Intensive Care", "stage": "interview",
            "rejected_on": (today_local() - timedelta(days=1)).isoformat(), "language": "en",
            "rejection_reason": "experience"}
    data.update(overrides)
    return data


def test_add_a_candidate_by_hand(app, english_client, recruiter):
    page = english_client.get(f"{CANDIDATES}/new")
    assert page.status_code == 200 and today_local().isoformat() in page.get_data(as_text=True)
    response = english_client.post(f"{CANDIDATES}/new", data=_form())
    assert response.status_code == 302
    anna = db.session.scalar(sa.select(Candidate))
    assert (anna.name, anna.email, anna.stage, anna.language, anna.rejection_reason) == (
        "Anna de Vries", "anna@example.org", Stage.INTERVIEW, "en", "experience")
    assert anna.invited_at is None
    assert "Anna de Vries is added" in page_text(english_client.get(response.headers["Location"]))


def test_bad_input_is_explained_and_what_was_typed_is_kept(app, english_client, recruiter):
    cases = [
        (_form(rejected_on=(today_local() + timedelta(days=1)).isoformat()), "cannot be in the future"),
        (_form(rejected_on="31-02-2026"), "Enter the date as day, month and year"),
        (_form(rejected_on=""), "Please enter the rejection date"),
        (_form(email="anna(at)example.org"), "does not look like an e-mail address"),
        (_form(name="   "), "Please enter the candidate's name"),
        (_form(stage="assessment"), "Not a valid choice"),
        (_form(rejection_reason="age"), "Not a valid choice"),
        (_form(name="x" * 201), "200"),
    ]
    for data, message in cases:
        response = english_client.post(f"{CANDIDATES}/new", data=data)
        assert response.status_code == 422, message
        assert message in page_text(response), message
        assert "Verpleegkundige IC" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Candidate.id))) == 0


def test_the_same_person_for_the_same_vacancy_is_refused(app, english_client, recruiter):
    assert english_client.post(f"{CANDIDATES}/new", data=_form()).status_code == 302
    response = english_client.post(f"{CANDIDATES}/new",
                                   data=_form(email="ANNA@example.org", vacancy="verpleegkundige  ic"))
    assert response.status_code == 422
    assert "already in the list for this vacancy" in page_text(response)
    assert english_client.post(f"{CANDIDATES}/new", data=_form(vacancy="Research nurse")).status_code == 302
