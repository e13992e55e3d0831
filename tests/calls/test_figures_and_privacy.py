"""The call after an interview in the HR figures (calls due, made within two working days, made late,
anonymously, surviving erasure) and in privacy (the record of the call is personal data: downloaded with
the rest, and erased with it)."""

import csv
import io
from datetime import date, time, timedelta

import sqlalchemy as sa

from app.calls import services
from app.candidates.csv_import import CandidateData
from app.candidates.services import add_candidate
from app.database import utcnow
from app.extensions import db
from app.models import CallOutcome, CallRecord, Candidate, Stage
from app.privacy.services import erase_person, export_person, purge
from app.stats.queries import Period, dashboard_data
from app.timeutil import from_local
from tests.candidates.helpers import confirm, upload
from tests.helpers import page_text, set_english

MONTH = Period(from_local(date(2027, 3, 1), time(0)), from_local(date(2027, 4, 1), time(0)))


def _add(n: int, rejected_on: date, stage: Stage = Stage.INTERVIEW, phone: str | None = None) -> Candidate:
    return add_candidate(CandidateData(
        name=f"Persoon {n}", email=f"p{n}@example.org", vacancy="Verpleegkundige", department="Cardiologie",
        stage=stage, rejected_on=rejected_on, language="nl", rejection_reason=None, phone=phone))


def _reach(candidate: Candidate, day: date, user=None) -> None:
    services.record_call(candidate, CallOutcome.REACHED, points="Je overdracht was concreet en volledig.",
                         user=user, now=from_local(day, time(11, 0)))


def _calls_table(client) -> dict[str, str]:
    response = client.get("/hr/export/calls.csv?period=custom&from=2027-03-01&to=2027-04-30")
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return {row[0]: row[1] for row in rows[1:]}


def test_the_figures_count_calls_due_on_time_and_late_and_survive_erasure(app, make_user):
    recruiter = make_user("recruiter")
    friday = date(2027, 3, 26)  # due Wednesday 31 March, after Easter Monday
    on_time = [_add(n, friday) for n in range(3)]
    late = _add(10, friday)
    never = _add(11, friday)
    _add(12, friday, stage=Stage.CV_SCREENING)  # owed no call
    for candidate in on_time[:2]:
        _reach(candidate, date(2027, 3, 30), recruiter)
    _reach(on_time[2], date(2027, 3, 31), recruiter)  # the last day still counts
    services.record_call(never, CallOutcome.NOT_REACHED, now=from_local(date(2027, 3, 30), time(9)))
    _reach(late, date(2027, 4, 1), recruiter)
    db.session.commit()

    march, april = dashboard_data(MONTH).funnel, dashboard_data(Period(MONTH.start, MONTH.end + timedelta(days=30)))
    assert (march["call_due"], march["called_on_time"], march["called_late"]) == (5, 3, 0)
    assert (april.funnel["call_due"], april.funnel["called_on_time"], april.funnel["called_late"]) == (5, 3, 1)

    for candidate in db.session.scalars(sa.select(Candidate)).all():
        erase_person(candidate, reason="test")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CallRecord)) == 0
    after = dashboard_data(Period(MONTH.start, MONTH.end + timedelta(days=30))).funnel
    assert (after["call_due"], after["called_on_time"], after["called_late"]) == (5, 3, 1)


def test_hr_sees_the_calls_without_names(app, client, auth, make_user):
    friday = date(2027, 3, 26)
    people = [_add(n, friday) for n in range(12)]
    for candidate in people[:7]:
        _reach(candidate, date(2027, 3, 30))
    _reach(people[7], date(2027, 4, 1))
    db.session.commit()
    auth.login("hr")
    set_english(client)
    table = _calls_table(client)
    # 1 to 4 people are never shown as such, here as on every figure of the page
    assert table == {"Calls due": "12", "Made within two working days": "7", "Made later": "< 5",
                     "Not made (yet)": "< 5"}
    page = page_text(client.get("/hr/?period=custom&from=2027-03-01&to=2027-04-30"))
    assert "Calls after an interview" in page
    assert "Persoon" not in page


def test_the_call_record_is_downloaded_and_purged_with_the_candidate(app, make_candidate, make_user):
    recruiter = make_user("recruiter")
    candidate, _ = make_candidate(rejected_on=date.today() - timedelta(days=1), phone="06 12 34 56 78")
    services.record_call(candidate, CallOutcome.NOT_REACHED, user=recruiter)
    services.record_call(candidate, CallOutcome.REACHED, points="Je vertelde concreet over de overdracht.",
                         user=recruiter)
    db.session.commit()

    exported = export_person(candidate)["applications"][0]
    assert exported["phone"] == "06 12 34 56 78"
    assert [c["outcome"] for c in exported["calls"]] == ["not_reached", "reached"]
    assert exported["calls"][1]["points"] == "Je vertelde concreet over de overdracht."

    for invitation in candidate.invitations:  # the link ran out long ago: the retention has passed
        invitation.expires_at = utcnow() - timedelta(days=60)
    db.session.commit()
    assert [d.candidate_id for d in purge()] == [candidate.id]
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CallRecord)) == 0
    assert db.session.get(Candidate, candidate.id) is None


def test_the_csv_import_reads_the_phone_column_and_the_call_list_shows_it(app, english_client, recruiter,
                                                                          tmp_path):
    app.config["CSV_IMPORT_FOLDER"] = str(tmp_path / "imports")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    content = ("naam;e-mail;vacature;fase;afwijzingsdatum;Telefoon\n"
               f"Sanne Smit;sanne@example.org;Verpleegkundige;gesprek;{yesterday};+31 6 1234 5678\n"
               f"Bad Phone;bad@example.org;Verpleegkundige;gesprek;{yesterday};bel me maar\n")
    previewed = upload(english_client, content)
    assert '"bel me maar" is not a phone number.' in page_text(previewed)
    assert confirm(english_client, previewed, "good_rows").status_code == 302
    db.session.rollback()
    sanne = db.session.scalar(sa.select(Candidate).where(Candidate.email == "sanne@example.org"))
    assert sanne.phone == "+31 6 1234 5678"
    body = english_client.get("/recruiter/calls/").get_data(as_text=True)
    assert 'href="tel:+31612345678"' in body and "Sanne Smit" in body
    due = dashboard_data(Period(utcnow() - timedelta(days=40), utcnow() + timedelta(days=1))).funnel["call_due"]
    assert due == 1
