"""The outbox view: every e-mail with its state, personal links hidden; failed ones can be sent again."""

import re

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.notifications import notify_link_resent, rejection_email
from app.mail.outbox import queue_emails
from app.mail.worker import send_due
from app.models import AuditEntry, OutboxStatus
from tests.helpers import outbox, page_text
from tests.mail.helpers import calendar_parts, parse_ics


def _book(client, make_session, make_candidate):
    session = make_session()
    candidate, token = make_candidate(name="Noor Visser", email="noor@example.org")
    response = client.post(f"/b/{token}/book", data={"slot": session.slots[0].id, "topics": ["improve"]})
    assert response.status_code == 302
    return candidate


def test_failed_mail_is_visible_with_its_error_and_can_be_retried(
    app, smtp_server, make_session, make_candidate, make_user
):
    staff = app.test_client()
    candidate_client = app.test_client()
    _book(candidate_client, make_session, make_candidate)
    smtp_server.handler.refuse_with = "550 mailbox unavailable"
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


def test_a_whole_address_finds_the_mail_to_that_address_and_a_piece_finds_every_one_holding_it(
        app, client, make_candidate, auth):
    jan, _ = make_candidate(name="Jan Jansen", email="jan@example.org")
    notify_link_resent([jan])
    marjan, token = make_candidate(name="Marjan Smit", email="marjan@example.org")
    queue_emails([rejection_email(marjan, token, subject="Je sollicitatie", intro="Beste Marjan,",
                                  personal_line="Dank je wel.", expires_at=utcnow())])  # the batched INSERT
    db.session.commit()
    assert {m.to_address: m.to_email for m in outbox()} == {
        "Jan Jansen <jan@example.org>": "jan@example.org", "Marjan Smit <marjan@example.org>": "marjan@example.org"}
    auth.login("recruiter")

    def found(q: str) -> list[str]:
        page = page_text(client.get("/recruiter/outbox/", query_string={"q": q}))
        return sorted(a for a in ("jan@example.org", "marjan@example.org") if f"<{a}>" in page)

    assert found("jan@example.org") == ["jan@example.org"]
    assert found("JAN@example.ORG") == ["jan@example.org"]
    assert found("jan@example") == ["jan@example.org", "marjan@example.org"]
    assert found("Marjan") == ["marjan@example.org"]


def test_hr_cannot_read_the_outbox(client, auth):
    auth.login("hr")
    assert client.get("/recruiter/outbox/").status_code == 403


# --- personal links are never shown, and a failed e-mail keeps none ---------------------------------------

LINK = re.compile(r"/b/([A-Za-z0-9_-]{43})")


def test_a_waiting_email_is_shown_with_its_links_hidden_in_text_and_html(app, client, make_candidate, recruiter):
    candidate, token = make_candidate(name="Noor Visser")
    message = notify_link_resent([candidate])
    db.session.commit()
    assert token in message.body_text and token in message.body_html  # what will be sent

    page = client.get(f"/recruiter/outbox/{message.id}")
    frame = client.get(f"/recruiter/outbox/{message.id}/html")

    assert token not in page.get_data(as_text=True) and token not in frame.get_data(as_text=True)
    assert "http://portal.test/b/…" in page_text(page)
    assert 'href="http://portal.test/b/…"' in frame.get_data(as_text=True)
    assert "Personal links are hidden here" in page_text(page)
    assert "sandbox" in frame.headers["Content-Security-Policy"]
    assert frame.headers["Cache-Control"] == "no-store"
    db.session.refresh(message)
    assert token in message.body_text  # looking does not change what goes out


def test_opening_a_message_is_in_the_audit_log_without_its_content(app, client, make_candidate, auth, make_user):
    candidate, _ = make_candidate(name="Noor Visser")
    message = notify_link_resent([candidate])
    db.session.commit()
    reader = auth.login("recruiter")

    client.get(f"/recruiter/outbox/{message.id}")
    client.get(f"/recruiter/outbox/{message.id}/html")  # the same opening: one line
    other = app.test_client()
    colleague = make_user("recruiter")
    other.post("/login", data={"email": colleague.email, "password": "a long enough test password"})
    other.get(f"/recruiter/outbox/{message.id}/html")

    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "outbox_viewed")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.user_email, e.target_type, e.target_id) for e in entries] == [
        (reader.email, "outbox_message", message.id), (colleague.email, "outbox_message", message.id)]
    assert all(e.at is not None and e.detail == "" for e in entries)


def _failing_booking_confirmation(app, smtp_server, make_session, make_candidate):
    candidate_client = app.test_client()
    candidate = _book(candidate_client, make_session, make_candidate)
    [message] = outbox()
    [token] = set(LINK.findall(message.body_text))
    smtp_server.handler.refuse_with = "550 mailbox unavailable"
    send_due()
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED
    return candidate, token, message


def test_a_failed_email_keeps_no_working_link(app, smtp_server, make_session, make_candidate):
    _, token, message = _failing_booking_confirmation(app, smtp_server, make_session, make_candidate)

    assert token not in message.body_text and token not in message.body_html
    assert token.encode() not in message.ics.replace(b"\r\n ", b"")
    assert "http://portal.test/b/…" in message.body_text
    _, event = parse_ics(message.ics)  # still a calendar invitation, to send again
    assert str(event["url"]) == "http://portal.test/b/…"


def test_a_failed_email_sent_again_reaches_the_candidate_with_their_working_link(
        app, client, smtp_server, make_session, make_candidate, recruiter):
    candidate, token, message = _failing_booking_confirmation(app, smtp_server, make_session, make_candidate)

    assert client.post(f"/recruiter/outbox/{message.id}/retry").status_code == 302
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING
    assert token not in client.get(f"/recruiter/outbox/{message.id}").get_data(as_text=True)
    smtp_server.handler.refuse_with = None
    send_due()

    [received] = smtp_server.messages
    text = received.get_body(("plain",)).get_content()
    assert f"http://portal.test/b/{token}" in text  # the link they already had
    [calendar] = calendar_parts(received)
    _, event = parse_ics(calendar.get_content())
    assert str(event["url"]) == f"http://portal.test/b/{token}"
    assert app.test_client().get(f"/b/{token}").status_code == 200


def test_a_failed_email_sent_again_after_its_link_was_revoked_carries_a_new_one(
        app, client, smtp_server, make_session, make_candidate, recruiter):
    candidate, token, message = _failing_booking_confirmation(app, smtp_server, make_session, make_candidate)
    client.post(f"/recruiter/candidates/{candidate.id}/links/revoke")
    assert app.test_client().get(f"/b/{token}").status_code == 410

    client.post(f"/recruiter/outbox/{message.id}/retry")
    db.session.refresh(message)
    [new_token] = set(LINK.findall(message.body_text))
    assert new_token != token and new_token in message.body_html
    assert new_token.encode() in message.ics.replace(b"\r\n ", b"")
    assert app.test_client().get(f"/b/{new_token}").status_code == 200


def test_an_email_whose_candidate_is_gone_is_not_sent_again_without_its_link(
        app, client, smtp_server, make_session, make_candidate, recruiter):
    _, _, message = _failing_booking_confirmation(app, smtp_server, make_session, make_candidate)
    message.candidate_id = None
    db.session.commit()

    response = client.post(f"/recruiter/outbox/{message.id}/retry", follow_redirects=True)

    assert "the candidate's data has been erased" in page_text(response)
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED
