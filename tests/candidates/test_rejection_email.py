"""The rejection e-mail: a personal line per candidate, required; a preview that shows exactly what
goes out; a fresh personal link in each e-mail, received by a real SMTP server and leading to the
candidate's own booking page; sending again only after confirmation; several at once."""

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.worker import send_due
from app.models import Candidate, Event, OutboxMessage, Stage
from app.timeutil import local
from app.tokens import hash_token
from tests.candidates.helpers import CANDIDATES, hidden_value, page_text, snapshot
from tests.helpers import outbox

LINE = ("Your experience with wound care on the surgical ward stood out. For this role we need at least three "
        "years on an intensive care unit; you have one.")
LINK = re.compile(r"http://portal\.test/b/([A-Za-z0-9_-]{43})")


def add(**overrides) -> Candidate:
    """A rejected candidate who has had no e-mail and has no link yet."""
    values = {"name": "Anna de Vries", "email": "anna@example.org", "vacancy": "Verpleegkundige IC",
              "department": "Intensive Care", "stage": Stage.CV_SCREENING,
              "rejected_on": local(utcnow()).date() - timedelta(days=1), "language": "en"}
    values.update(overrides)
    candidate = Candidate(**values)
    db.session.add(candidate)
    db.session.commit()
    return candidate


def preview(client, url: str, lines: dict[int, str], **extra):
    data = {f"line_{cid}": text for cid, text in lines.items()}
    return client.post(url, data={"action": "preview", **data, **extra})


def send(client, url: str, previewed, lines: dict[int, str], **extra):
    """Send what the preview page showed: its hidden fields, the lines, and the send button."""
    data = {f"line_{cid}": text for cid, text in lines.items()}
    for cid in lines:
        data[f"seen_{cid}"] = hidden_value(previewed, f"seen_{cid}")
    return client.post(url, data={"action": "send", **data, **extra})


def test_the_personal_line_is_required(app, english_client, recruiter):
    anna = add()
    url = f"{CANDIDATES}/{anna.id}/rejection"
    assert "Personal line for Anna de Vries" in page_text(english_client.get(url))
    before = snapshot()
    for action in ("preview", "send"):
        response = english_client.post(url, data={"action": action, f"line_{anna.id}": "   "})
        assert response.status_code == 422
        assert "Write the personal line" in page_text(response)
    assert snapshot() == before


def test_the_preview_shows_the_email_exactly_and_sending_queues_it_with_a_fresh_link(app, english_client, recruiter):
    anna = add()
    url = f"{CANDIDATES}/{anna.id}/rejection"
    previewed = preview(english_client, url, {anna.id: LINE})
    assert previewed.status_code == 200
    shown = page_text(previewed)
    assert "Your application for Verpleegkundige IC" in shown          # the subject, filled in
    assert "Dear Anna," in shown and "the position of Verpleegkundige IC" in shown
    assert LINE in shown
    assert "http://portal.test/b/…" in shown and "Choose a time with your personal link" in shown
    assert outbox() == [] and anna.invitations == []                    # a preview sends nothing

    response = send(english_client, url, previewed, {anna.id: LINE})
    assert response.status_code == 302
    assert "on its way" in page_text(english_client.get(response.headers["Location"]))

    [message] = outbox("rejection")
    assert message.subject == "Your application for Verpleegkundige IC"
    assert message.to_address == "Anna de Vries <anna@example.org>"
    token = LINK.search(message.body_text).group(1)
    assert LINK.search(message.body_html).group(1) == token
    # The preview was the e-mail: the same text, apart from the link made at sending.
    preview_text = re.search(r'<div class="card question">(.*?)</div>', previewed.get_data(as_text=True), re.S).group(1)
    assert " ".join(html.unescape(preview_text).split()) == " ".join(
        message.body_text.replace(token, "…").split())

    db.session.refresh(anna)
    [invitation] = anna.invitations
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    assert anna.invited_at is not None
    assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.kind == "invited",
                                                                       Event.candidate_ref == anna.ref)) == 1


def test_the_email_arrives_by_smtp_and_its_link_opens_the_candidates_page(app, english_client, recruiter, smtp_server):
    anna = add(name="Anna de Vries", language="en")
    url = f"{CANDIDATES}/{anna.id}/rejection"
    send(english_client, url, preview(english_client, url, {anna.id: LINE}), {anna.id: LINE})
    assert send_due().sent == 1

    [received] = smtp_server.messages
    assert received["To"] == "Anna de Vries <anna@example.org>"
    assert received["Subject"] == "Your application for Verpleegkundige IC"
    text = received.get_body(("plain",)).get_content()
    html_part = received.get_body(("html",)).get_content()
    assert LINE in text and "wound care on the surgical ward" in html_part
    link = LINK.search(text).group(0)
    assert link in html_part

    page = english_client.get(link.removeprefix("http://portal.test"))
    assert page.status_code == 200
    assert "Hello Anna," in page_text(page)

    # Once sent, the portal keeps no working copy of the link.
    token = LINK.search(text).group(1)
    stored = db.session.scalar(sa.select(OutboxMessage))
    assert token not in stored.body_text and token not in stored.body_html


def test_a_dutch_candidate_gets_the_dutch_template(app, english_client, recruiter, smtp_server):
    sanne = add(name="Sanne Bakker", email="sanne@example.org", language="nl", stage=Stage.INTERVIEW)
    url = f"{CANDIDATES}/{sanne.id}/rejection"
    line = "Je vertelde heel concreet over je stage op de IC. Voor deze functie is de IC-opleiding een vereiste."
    previewed = preview(english_client, url, {sanne.id: line})
    assert "this e-mail says that a recruiter will call within two working days" in page_text(previewed)
    send(english_client, url, previewed, {sanne.id: line})
    send_due()
    [received] = smtp_server.messages
    assert received["Subject"] == "Je sollicitatie voor Verpleegkundige IC"
    text = received.get_body(("plain",)).get_content()
    assert text.startswith("Beste Sanne,")
    assert "Binnen twee werkdagen belt een recruiter je" in text and line in text
    assert LINK.search(text)


def test_what_was_not_previewed_is_not_sent(app, english_client, recruiter):
    anna = add()
    url = f"{CANDIDATES}/{anna.id}/rejection"
    previewed = preview(english_client, url, {anna.id: LINE})
    changed = LINE + " Good luck!"
    response = send(english_client, url, previewed, {anna.id: changed})
    assert response.status_code == 200
    assert "changed since the preview" in page_text(response)
    assert changed in page_text(response)  # the new text, now previewed
    assert outbox() == []
    assert send(english_client, url, response, {anna.id: changed}).status_code == 302
    assert changed in outbox("rejection")[0].body_text


def test_sending_again_asks_for_confirmation_and_makes_a_new_link(app, english_client, recruiter):
    anna = add()
    url = f"{CANDIDATES}/{anna.id}/rejection"
    send(english_client, url, preview(english_client, url, {anna.id: LINE}), {anna.id: LINE})
    assert "Send the rejection e-mail again" in page_text(english_client.get(f"{CANDIDATES}/{anna.id}"))

    page = english_client.get(url)
    assert "had the rejection e-mail on" in page_text(page)
    previewed = preview(english_client, url, {anna.id: LINE})
    refused = send(english_client, url, previewed, {anna.id: LINE})
    assert refused.status_code == 422
    assert "Confirm that this candidate gets the e-mail again" in page_text(refused)
    assert len(outbox("rejection")) == 1

    assert send(english_client, url, previewed, {anna.id: LINE}, **{f"resend_{anna.id}": "y"}).status_code == 302
    first, second = outbox("rejection")
    assert LINK.search(first.body_text).group(1) != LINK.search(second.body_text).group(1)
    assert len(db.session.get(Candidate, anna.id).invitations) == 2
    assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.kind == "invited")) == 1


def test_several_at_once_each_with_their_own_line_and_link(app, english_client, recruiter):
    anna = add()
    ben = add(name="Ben Smith", email="ben@example.org", vacancy="Data analyst", stage=Stage.PHONE)
    carla = add(name="Carla Mol", email="carla@example.org")
    listing = english_client.get(f"{CANDIDATES}/")
    assert 'action="/recruiter/candidates/rejections"' in listing.get_data(as_text=True)

    page = english_client.get(f"{CANDIDATES}/rejections", query_string={"ids": [anna.id, ben.id]})
    assert page.status_code == 200
    text = page_text(page)
    assert "Rejection e-mails to 2 candidates" in text and "Carla" not in text

    url = f"{CANDIDATES}/rejections"
    ids = f"{anna.id},{ben.id}"
    lines = {anna.id: LINE, ben.id: "You explained your SQL work clearly. We need someone who has led a team."}
    incomplete = preview(english_client, url, {anna.id: LINE, ben.id: ""}, ids=ids)
    assert incomplete.status_code == 422
    assert "Write the personal line" in page_text(incomplete) and LINE in page_text(incomplete)  # text kept

    previewed = preview(english_client, url, lines, ids=ids)
    assert previewed.status_code == 200
    assert page_text(previewed).count("Preview") >= 2
    response = send(english_client, url, previewed, lines, ids=ids)
    assert response.status_code == 302
    assert "2 rejection e-mails are on their way" in page_text(english_client.get(response.headers["Location"]))

    messages = {m.candidate_id: m for m in outbox("rejection")}
    assert set(messages) == {anna.id, ben.id}
    assert lines[anna.id] in messages[anna.id].body_text and lines[ben.id] not in messages[anna.id].body_text
    assert lines[ben.id] in messages[ben.id].body_text
    assert LINK.search(messages[anna.id].body_text).group(1) != LINK.search(messages[ben.id].body_text).group(1)
    assert db.session.get(Candidate, carla.id).invited_at is None


def test_an_edited_template_is_what_goes_out_and_the_others_keep_their_default(app, english_client, recruiter):
    edited = english_client.post(f"{CANDIDATES}/templates/en/phone", data={
        "subject": "About {vacancy}", "body": "Hi {name},\n\nThanks for the call about {vacancy}. We stop here."})
    assert edited.status_code == 302
    anna = add()  # CV screening: the default text
    ben = add(name="Ben Smith", email="ben@example.org", vacancy="Data analyst", stage=Stage.PHONE)
    url, ids = f"{CANDIDATES}/rejections", f"{anna.id},{ben.id}"
    lines = {anna.id: LINE, ben.id: "You explained your SQL work clearly. We need someone who has led a team."}

    response = send(english_client, url, preview(english_client, url, lines, ids=ids), lines, ids=ids)

    assert response.status_code == 302
    messages = {m.candidate_id: m for m in outbox("rejection")}
    assert messages[ben.id].subject == "About Data analyst"
    assert messages[ben.id].body_text.startswith("Hi Ben,\n\nThanks for the call about Data analyst. We stop here.")
    assert messages[anna.id].subject == "Your application for Verpleegkundige IC"
    assert "Dear Anna," in messages[anna.id].body_text and "Thanks for the call" not in messages[anna.id].body_text


def test_each_email_says_until_when_its_own_link_works(app, english_client, recruiter):
    """The sentence with the day is rendered once per language and expiry (``{% cache %}``): a selection
    sent later, with links that expire on another day, says its own day."""
    from babel.dates import format_date

    from app.timeutil import local

    days = {}
    for name, valid_days in (("Anna de Vries", 56), ("Ben Smith", 7)):
        app.config["INVITATION_VALID_DAYS"] = valid_days
        candidate = add(name=name, email=f"{name.split()[0].lower()}@example.org")
        url = f"{CANDIDATES}/{candidate.id}/rejection"
        assert send(english_client, url, preview(english_client, url, {candidate.id: LINE}),
                    {candidate.id: LINE}).status_code == 302
        days[candidate.id] = format_date(local(candidate.invitations[0].expires_at).date(), format="EEEE d MMMM y",
                                         locale="en")

    messages = {m.candidate_id: m for m in outbox("rejection")}
    assert len(set(days.values())) == 2
    for candidate_id, day in days.items():
        for body in (messages[candidate_id].body_text, html.unescape(messages[candidate_id].body_html)):
            assert f"works until {day}." in body
            assert all(other not in body for other in days.values() if other != day)


def test_a_bulk_send_is_all_or_nothing(app, english_client, recruiter):
    anna = add()
    ben = add(name="Ben Smith", email="ben@example.org")
    url = f"{CANDIDATES}/{ben.id}/rejection"
    send(english_client, url, preview(english_client, url, {ben.id: LINE}), {ben.id: LINE})
    lines = {anna.id: LINE, ben.id: LINE}
    ids = f"{anna.id},{ben.id}"
    previewed = preview(english_client, f"{CANDIDATES}/rejections", lines, ids=ids)
    response = send(english_client, f"{CANDIDATES}/rejections", previewed, lines, ids=ids)  # Ben not confirmed
    assert response.status_code == 422
    assert len(outbox("rejection")) == 1
    assert db.session.get(Candidate, anna.id).invited_at is None


def test_selecting_nobody_goes_back_to_the_list(app, english_client, recruiter):
    for query in ({}, {"ids": ["999999", "abc", "99999999999999999999"]}):
        response = english_client.get(f"{CANDIDATES}/rejections", query_string=query)
        assert response.status_code == 302
        assert "Select one or more candidates first" in page_text(english_client.get(response.headers["Location"]))
    assert english_client.get(f"{CANDIDATES}/999999/rejection").status_code == 404
    assert english_client.get(f"{CANDIDATES}/99999999999999/rejection").status_code == 404


def test_a_selection_is_sent_with_the_same_few_statements_however_large(app):
    """A hundred e-mails at once (the page's limit, and what an import of thousands is sent in) must not cost
    a query per candidate: links, e-mails and "invited" events go in batched statements."""
    from app.candidates.services import get_candidates, send_rejections

    def statements_to_send(count: int, offset: int) -> int:
        ids = [add(name=f"Person {n}", email=f"p{n}@example.org", department=f"Dept {n % 3}",
                   language=("nl", "en")[n % 2]).id for n in range(offset, offset + count)]
        executed = []
        listener = lambda *args: executed.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with app.test_request_context():  # as the page does: the selection in one query, then send
                people = get_candidates(ids)
                send_rejections(people, {p.id: LINE for p in people})
                db.session.commit()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(executed)

    few, many = statements_to_send(3, 0), statements_to_send(60, 100)
    assert many <= few + 2, (few, many)
    assert len(outbox("rejection")) == 63
    assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.kind == "invited")) == 63


def test_a_selection_with_someone_invited_before_sends_nothing_without_confirmation(app):
    from app.candidates.services import AlreadyInvited, send_rejections

    anna, ben = add(), add(name="Ben Smith", email="ben@example.org")
    with app.test_request_context():
        send_rejections([ben], {ben.id: LINE})
        db.session.commit()
        try:
            send_rejections([anna, ben], {anna.id: LINE, ben.id: LINE})
        except AlreadyInvited:
            db.session.rollback()
        else:
            raise AssertionError("a re-send without confirmation went through")
        assert db.session.get(Candidate, anna.id).invited_at is None and len(outbox("rejection")) == 1

        send_rejections([anna, ben], {anna.id: LINE, ben.id: LINE}, resend={ben.id})
        db.session.commit()
    assert len(outbox("rejection")) == 3
    # Ben counts once as invited, however often his e-mail went out.
    assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.kind == "invited")) == 2
