"""What follows a rejection from an integration: the recruiter's personal line (the waiting list) or the
stage's default e-mail after the integration's delay, sent by the mail worker's scheduled round."""

from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.worker import run_scheduled
from app.models import Candidate, Event
from app.stats.queries import Period, invitation_speed
from app.timeutil import local
from tests.fixtures.integrations import bearer, rejection
from tests.helpers import outbox, page_text, set_english


def the_candidate() -> Candidate:
    db.session.rollback()
    return db.session.scalar(sa.select(Candidate))


def test_a_rejection_waits_for_a_personal_line_in_the_recruiters_list(client, recruiter, make_integration, make_key):
    integration, _secret = make_integration(follow_up="personal_line")
    api = client.application.test_client()
    assert api.post("/api/v1/rejections", json=rejection(), headers=bearer(make_key(integration))).status_code == 201
    page = page_text(client.get("/recruiter/waiting"))
    assert "Noor Bakker" in page and "Verpleegkundige IC" in page and "Write the personal line" in page
    run_scheduled(now=utcnow() + timedelta(days=3))  # nothing goes by itself
    assert outbox("rejection") == []
    candidate = the_candidate()
    response = client.post(f"/recruiter/candidates/{candidate.id}/rejection",
                           data={f"line-{candidate.id}": "Je ervaring op de IC viel op; we zochten iemand met "
                                                         "drie jaar beademingszorg.", "action": "preview"})
    assert response.status_code in (200, 422)
    from app.candidates.services import send_rejections

    send_rejections([candidate], {candidate.id: "Je ervaring op de IC viel op."})
    db.session.commit()
    assert "Nobody is waiting" in page_text(client.get("/recruiter/waiting"))


def test_the_default_email_goes_out_by_itself_after_the_delay(client, make_integration, make_key):
    integration, _secret = make_integration(follow_up="automatic", delay=120)
    received = utcnow()
    # Rejected today on the Amsterdam clock: the e-mail two hours later is "within a day" at any hour.
    body = rejection(rejected_on=local(received).date().isoformat())
    response = client.post("/api/v1/rejections", json=body, headers=bearer(make_key(integration)))
    assert response.status_code == 201
    planned = response.get_json()["automatic_email_at"]
    assert planned is not None
    run_scheduled(now=received + timedelta(minutes=119))
    assert outbox("rejection") == [] and the_candidate().invited_at is None
    run_scheduled(now=received + timedelta(minutes=121))
    [email] = outbox("rejection")
    candidate = the_candidate()
    assert email.to_address == "Noor Bakker <noor.bakker@example.org>" and candidate.invited_at is not None
    assert "Thank you for applying for the position of Verpleegkundige IC" in email.body_text  # the stage's default
    assert "/b/" in email.body_text
    assert "\n\n\n" not in email.body_text  # no empty personal line
    run_scheduled(now=received + timedelta(minutes=200))  # and only once
    assert len(outbox("rejection")) == 1
    # The figures count the rejection-to-invitation time as for any rejection e-mail.
    [invited] = db.session.scalars(sa.select(Event).where(Event.kind == "invited")).all()
    assert invited.rejected_on == candidate.rejected_on
    period = Period(start=received - timedelta(days=40), end=received + timedelta(days=1))
    assert invitation_speed(period)["within_day"] == 1
    progress = client.get("/api/v1/rejections/app-1001", headers=bearer(make_key(integration))).get_json()
    assert (progress["progress"], progress["invited"], progress["automatic_email_at"]) == ("invited", True, None)


def test_a_recruiter_can_stop_the_automatic_email_or_overtake_it(client, recruiter, make_integration, make_key):
    integration, _secret = make_integration(follow_up="automatic", delay=60)
    api = client.application.test_client()
    key = make_key(integration)
    api.post("/api/v1/rejections", json=rejection("a-1"), headers=bearer(key))
    api.post("/api/v1/rejections", json=rejection("a-2", email="sam@example.org"), headers=bearer(key))
    page = page_text(client.get("/recruiter/waiting"))
    assert "Stop it" in page
    first = db.session.scalar(sa.select(Candidate).where(Candidate.external_id == "a-1"))
    assert client.post(f"/recruiter/waiting/{first.id}/stop").status_code == 302
    run_scheduled(now=utcnow() + timedelta(hours=2))
    assert [m.to_address for m in outbox("rejection")] == ["Noor Bakker <sam@example.org>"]
    db.session.rollback()
    assert db.session.get(Candidate, first.id).invited_at is None  # still waiting for a personal line
    assert "Noor Bakker" in page_text(client.get("/recruiter/waiting"))


def test_recruiters_choose_the_follow_up_per_integration(client, recruiter, make_integration, make_key):
    integration, _secret = make_integration(follow_up="automatic", delay=60)
    api = client.application.test_client()
    api.post("/api/v1/rejections", json=rejection(), headers=bearer(make_key(integration)))
    page = page_text(client.get("/recruiter/integrations"))
    assert "Greenhouse" in page and "goes out by itself after the delay" in page
    bad = client.post(f"/recruiter/integrations/{integration.id}/follow-up",
                      data={f"i{integration.id}-follow_up": "automatic", f"i{integration.id}-delay_minutes": "-5"})
    assert bad.status_code == 422 and "between 0 minutes and 7 days" in page_text(bad)
    saved = client.post(f"/recruiter/integrations/{integration.id}/follow-up",
                        data={f"i{integration.id}-follow_up": "personal_line",
                              f"i{integration.id}-delay_minutes": "60"},
                        follow_redirects=True)
    assert "now wait for a personal line" in page_text(saved)
    assert "1 automatic e-mail still waiting is stopped" in page_text(saved)
    run_scheduled(now=utcnow() + timedelta(hours=3))
    assert outbox("rejection") == []  # the one still waiting was stopped too


def test_the_automatic_email_is_in_the_candidates_language(client, make_integration, make_key):
    integration, _secret = make_integration(follow_up="automatic", delay=0, language="nl")
    body = rejection(language="")  # the system sends none: the integration's default
    client.post("/api/v1/rejections", json=body, headers=bearer(make_key(integration)))
    run_scheduled(now=utcnow() + timedelta(seconds=1))
    [email] = outbox("rejection")
    assert "Dank je wel voor je sollicitatie" in email.body_text


def test_the_waiting_list_is_for_recruiters_and_admins(app, client, auth, make_user):
    set_english(client)
    auth.login("hr")
    assert client.get("/recruiter/waiting").status_code == 403


def test_the_overview_and_the_candidates_page_say_where_a_rejection_came_from(client, recruiter, make_integration,
                                                                             make_key):
    integration, _secret = make_integration(follow_up="automatic", delay=60)
    client.application.test_client().post("/api/v1/rejections", json=rejection(),
                                          headers=bearer(make_key(integration)))
    assert "1 rejection from your applicant tracking system waits for its e-mail" in page_text(
        client.get("/recruiter/"))
    page = page_text(client.get(f"/recruiter/candidates/{the_candidate().id}"))
    assert "Greenhouse (its id: app-1001)" in page and "Automatic e-mail" in page
