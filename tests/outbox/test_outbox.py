"""The outbox view: every e-mail with its state; failed ones can be sent again."""

from app.extensions import db
from app.mail.worker import send_due
from app.models import OutboxStatus
from tests.conftest import outbox


def _book(client, make_session, make_candidate):
    session = make_session()
    candidate, token = make_candidate(name="Noor Visser", email="noor@example.org")
    response = client.post(f"/b/{token}/book", data={"slot": session.slots[0].id, "topics": ["improve"]})
    assert response.status_code == 302
    return candidate


def test_failed_mail_is_visible_with_its_error_and_can_be_retried(app, make_session, make_candidate, make_user):
    staff = app.test_client()
    candidate_client = app.test_client()
    _book(candidate_client, make_session, make_candidate)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_MAX_ATTEMPTS=1, MAIL_TIMEOUT=2)
    send_due()
    [message] = outbox()
    assert message.status == OutboxStatus.FAILED and message.last_error

    user = make_user("recruiter")
    staff.post("/login", data={"email": user.email, "password": "a long enough test password"})
    page = staff.get("/recruiter/outbox/?status=failed").get_data(as_text=True)
    assert "noor@example.org" in page and ("Failed" in page or "Mislukt" in page)
    detail = staff.get(f"/recruiter/outbox/{message.id}").get_data(as_text=True)
    assert message.last_error[:30] in detail

    response = staff.post(f"/recruiter/outbox/{message.id}/retry")
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING and message.attempts == 0


def test_retrying_a_sent_mail_changes_nothing(app, client, make_session, make_candidate, auth):
    _book(client, make_session, make_candidate)
    send_due()
    [message] = outbox()
    assert message.status == OutboxStatus.SENT
    auth.login("recruiter")
    client.post(f"/recruiter/outbox/{message.id}/retry")
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT and message.attempts == 1


def test_filters_by_address_and_shows_empty_state(app, client, make_session, make_candidate, auth):
    _book(client, make_session, make_candidate)
    auth.login("recruiter")
    assert "noor@example.org" in client.get("/recruiter/outbox/?q=NOOR").get_data(as_text=True)
    page = client.get("/recruiter/outbox/?q=nobody-here").get_data(as_text=True)
    assert "noor@example.org" not in page
    assert 'class="empty"' in page


def test_hr_cannot_read_the_outbox(client, auth):
    auth.login("hr")
    assert client.get("/recruiter/outbox/").status_code == 403
