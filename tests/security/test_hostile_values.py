"""Markup in anything a person or a file can set never reaches a page or an e-mail as markup.

Hostile values are stored in every free-text field: the candidate's name, vacancy, department and rejection
reason (they arrive from the ATS), their question and survey comment, the recruiter's notes, outcome,
session location and video link, the rejection e-mail's personal line and templates, staff names (host
labels), talent-pool tags, re-applications and hires, feedback-checker rules, the audit log, an SMTP error,
and CSV cells and column names. Then every GET page in the URL map is opened as every role (path parameters
filled from the stored objects, so a new page is covered as soon as it exists), the forms that echo what
was typed are posted, and every kind of e-mail is written: none of the markup may appear unescaped, and the
template expression never becomes 49. Plain-text e-mails carry the text as typed, not escaped."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import url_for
from markupsafe import escape

from app.audit.services import record_audit
from app.candidates import services as candidates
from app.database import utcnow
from app.events import record_event
from app.extensions import db
from app.mail import notifications
from app.mail import outbox as outbox_module
from app.models import (
    Booking,
    BookingStatus,
    EmailTemplate,
    FeedbackRule,
    Hire,
    OutboxStatus,
    PoolMembership,
    PoolSource,
    PoolTag,
    PreparationNote,
    Reapplication,
    Stage,
    SurveyResponse,
    WaitlistEntry,
    WaitlistStatus,
)
from app.sessions.feed import issue_feed_token
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import outbox

META = '<meta http-equiv=refresh content="0,url=http://evil.example/">'
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg/onload=alert(1)>'
TEMPLATE = "#{{7*7}}#"  # a template engine that evaluated it would show #49#
# Starts without a space, so that the first name (the greeting in e-mails) is hostile too; fits 200 characters.
HOSTILE = f"{SVG}{TEMPLATE} Eva {META} {IMG}"
# For the fields of at most 100 characters.
SHORT = (f"{META}{TEMPLATE}", f"{IMG}{SVG}")

UNESCAPED = {
    "<meta http-equiv": re.compile(r"<meta\s+http-equiv", re.I),
    "<img src=x": re.compile(r"<img\s+src=x", re.I),
    "<svg/onload": re.compile(r"<svg/onload", re.I),
    "#49#": re.compile(r"#49#"),
}
ESCAPED_META = str(escape(META))

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"


def markup_found(html: str) -> list[str]:
    """Which of the hostile values stand unescaped in ``html``."""
    return [name for name, pattern in UNESCAPED.items() if pattern.search(html)]


@pytest.fixture
def hostile(app, tmp_path, make_session, make_candidate, make_user, monkeypatch):
    """Hostile values in every free-text field, and one e-mail of every kind; returns what the pages need."""
    app.config["CSV_IMPORT_FOLDER"] = str(tmp_path / "imports")
    rendered = []
    render = outbox_module._render
    monkeypatch.setattr(outbox_module, "_render", lambda name, context: rendered.append(name) or render(name, context))

    staff = {role: make_user(role, name=HOSTILE) for role in ("recruiter", "hr", "admin")}
    gone = make_user("recruiter", name=f"{IMG} Oud")
    gone.active = False
    feed_token = issue_feed_token(staff["recruiter"])

    place = {"location": HOSTILE, "video_url": f"https://meet.example.org/{SVG}{TEMPLATE}"}
    ahead = make_session(**place)
    past = make_session(days_ahead=-1, **place)
    for feedback_session in (ahead, past):
        feedback_session.hosts = [staff["recruiter"], gone]

    def person(n: int, **overrides):
        values = {"name": HOSTILE, "vacancy": HOSTILE, "department": HOSTILE, "rejection_reason": SHORT[n % 2],
                  "email": f"hostile{n}@example.org", "stage": Stage.INTERVIEW}
        return make_candidate(**(values | overrides))

    fresh, fresh_token = person(1)  # not invited yet: the rejection e-mail page
    booked, booked_token = person(2)
    attended, attended_token = person(3)
    cancelled, cancelled_token = person(4)
    waiting, waiting_token = person(5)
    english, english_token = person(6, language="en")
    everyone = [fresh, booked, attended, cancelled, waiting, english]
    for candidate in everyone:
        record_event("invited", candidate)

    slots = [*ahead.slots[:3], past.slots[0]]
    booking = Booking(candidate=booked, slot=slots[0], status=BookingStatus.BOOKED, topics=["other"],
                      question=HOSTILE, uid="hostile-booked@test")
    conversation = Booking(candidate=attended, slot=slots[3], status=BookingStatus.ATTENDED,
                           topics=["improve"], question=HOSTILE, uid="hostile-attended@test",
                           outcome_recorded_at=utcnow(), follow_up_action=HOSTILE, follow_up_on=date.today())
    dropped = Booking(candidate=cancelled, slot=slots[1], status=BookingStatus.CANCELLED, topics=["other"],
                      question=HOSTILE, uid="hostile-cancelled@test", cancelled_at=utcnow())
    english_booking = Booking(candidate=english, slot=slots[2], status=BookingStatus.BOOKED,
                              topics=["other"], question=HOSTILE, uid="hostile-english@test")
    db.session.add_all([booking, conversation, dropped, english_booking])
    db.session.flush()
    record_event("attended", attended, feedback_session_id=past.id, user_id=staff["recruiter"].id, value=15)
    db.session.add_all([
        PreparationNote(booking=booking, went_well=HOSTILE, why_not=HOSTILE, advice=HOSTILE, free_notes=HOSTILE),
        PreparationNote(booking=conversation, went_well=HOSTILE, why_not=HOSTILE, advice=HOSTILE,
                        free_notes=HOSTILE, updated_by_id=staff["recruiter"].id),
        SurveyResponse(booking_id=conversation.id, useful=4, recommend=9, comment=HOSTILE),
        WaitlistEntry(candidate=waiting, status=WaitlistStatus.OFFERED, offered_at=utcnow()),
        # Rules that match the notes, so that the checker shows their phrase and suggestion beside them.
        FeedbackRule(language="nl", category="vague", pattern="<meta http-equiv=refresh", suggestion=HOSTILE),
        FeedbackRule(language="nl", category="vague", pattern=HOSTILE, suggestion=HOSTILE),
        EmailTemplate(language="nl", stage=Stage.INTERVIEW, subject="{name} " + HOSTILE,
                      body="Beste {name},\n\n" + HOSTILE + "\n\n{vacancy}"),
        Reapplication(candidate_id=attended.id, vacancy=HOSTILE, applied_on=date.today()),
        Hire(candidate_id=attended.id, role=HOSTILE, department=HOSTILE, start_date=date.today(), attributed=True),
    ])
    member = PoolMembership(candidate=attended, source=PoolSource.RECRUITER, consented_at=utcnow(),
                            expires_at=utcnow() + timedelta(days=20))
    asked = PoolMembership(candidate=booked, source=PoolSource.RECRUITER)
    db.session.add_all([member, asked])
    db.session.flush()
    tags = [PoolTag(membership_id=member.id, kind=kind, value=value)
            for kind in ("skill", "department") for value in SHORT]
    db.session.add_all(tags)
    record_audit("export", target_type="hr_table", detail=HOSTILE, actor=staff["admin"])

    # One e-mail of every kind, each with the hostile values in it.
    notifications.notify_booking_confirmed(booking, booked_token)
    booking.sequence = 1
    notifications.notify_booking_rescheduled(booking, booked_token)
    notifications.notify_session_changed(booking, booked_token)
    notifications.notify_booking_reminder(booking)
    notifications.notify_booking_reminder(english_booking)
    notifications.notify_booking_cancelled(dropped, cancelled_token)
    notifications.notify_session_cancelled(dropped, cancelled_token, next_session=ahead)
    notifications.notify_booking_dropped(dropped, cancelled_token, next_session=None)
    notifications.notify_waitlist_offer(db.session.scalar(db.select(WaitlistEntry)))
    notifications.notify_link_resent([fresh])
    notifications.notify_invite_reminder(fresh, fresh_token, expires_at=utcnow() + timedelta(days=30))
    notifications.notify_pool_consent_request(asked)
    notifications.notify_feedback_summary(conversation, went_well=HOSTILE, why_not=HOSTILE, advice=HOSTILE)
    notifications.notify_pool_renewal(member, attended_token)
    notifications.notify_survey_request(conversation, attended_token)
    candidates.send_rejections([attended, english], {attended.id: HOSTILE, english.id: HOSTILE},
                               resend={attended.id, english.id})
    db.session.flush()
    failed = outbox()[0]
    failed.status, failed.last_error = OutboxStatus.FAILED, f"550 {HOSTILE}"
    # What integrations and webhook endpoints hold that a person typed or a system sent.
    from app.integrations.services import create_api_key, create_integration, set_follow_up
    from app.models import FollowUp, WebhookDelivery
    from app.webhooks.services import create_endpoint

    integration, _secret = create_integration(HOSTILE)
    set_follow_up(integration, FollowUp.AUTOMATIC, 30)
    create_api_key(integration, HOSTILE, ["rejections:write"], created_by=HOSTILE)
    fresh.integration_id, fresh.external_id, fresh.auto_send_at = integration.id, "ats-1", utcnow()
    endpoint, _secret = create_endpoint(f"https://hooks.example.org/{SVG}", HOSTILE, ["booking.created"],
                                        allow_private=False)
    db.session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id="evt_1", event_type="booking.created",
                                   payload="{}", last_error=HOSTILE))
    db.session.commit()
    messages = outbox()
    return {
        "staff": staff, "rendered": rendered, "messages": messages,
        "path": {
            "feedback_session_id": [ahead.id, past.id], "booking_id": [booking.id, conversation.id],
            "candidate_id": [c.id for c in everyone], "membership_id": [member.id],
            "tag_id": [tags[0].id], "rule_id": [r.id for r in db.session.scalars(db.select(FeedbackRule))],
            "message_id": [m.id for m in messages], "user_id": [u.id for u in (*staff.values(), gone)],
            "token": [fresh_token, booked_token, attended_token, cancelled_token, waiting_token, english_token],
            "language": ["nl", "en"], "stage": [s.value for s in Stage], "name": ["department", "vacancy", "reason",
                                                                                  "recruiters", "funnel"],
            "import_id": ["0" * 22], "code": ["en"], "filename": ["css/app.css"],
            "integration_id": [integration.id], "endpoint_id": [endpoint.id], "external_id": ["ats-1"],
        },
        "feed_token": feed_token, "fresh": fresh, "ids": [fresh.id, booked.id],
        "membership": member,
    }


def _clients(app, hostile) -> dict:
    clients = {"anonymous": app.test_client()}
    for role, user in hostile["staff"].items():
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
        clients[role] = client
    return clients


def _get_urls(app, hostile) -> list[tuple[str, str]]:
    """Every GET route of the URL map with each combination of its path parameters' stored values."""
    values = dict(hostile["path"])
    urls = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods:
                continue
            missing = rule.arguments - values.keys()
            assert not missing, f"{rule.rule}: give this test a stored value for {sorted(missing)}"
            if rule.endpoint == "sessions.download_feed":
                urls.append((rule.endpoint, url_for(rule.endpoint, token=hostile["feed_token"])))
                continue
            combinations = [{}]
            for argument in sorted(rule.arguments):
                combinations = [{**c, argument: v} for c in combinations for v in values[argument]]
            urls += [(rule.endpoint, url_for(rule.endpoint, **c)) for c in combinations]
    return urls


def test_no_page_of_any_role_shows_stored_markup(app, hostile):
    problems, seen_escaped = [], set()
    clients = _clients(app, hostile)
    for endpoint, url in _get_urls(app, hostile):
        for who, client in clients.items():
            response = client.get(url)
            assert response.status_code < 500, f"{who} GET {url}: {response.status_code}"
            if response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
            problems += [f"{who} GET {url} ({endpoint}): {found}" for found in markup_found(html)]
            if ESCAPED_META in html:
                seen_escaped.add(endpoint)
    assert problems == []
    # The values did reach the pages that show them (escaped): the walk looked at what it meant to.
    assert {"candidates.list_candidates", "candidates.show_candidate", "candidates.write_rejection",
            "sessions.show_session", "notes.edit_note", "notes.record_outcome", "talent.show_member",
            "talent.list_records", "outbox.show_message", "admin.list_users", "audit.list_entries",
            "notes.list_rules", "booking.show_booking", "candidates.edit_template"} <= seen_escaped


def _post_pages(app, hostile, client):
    """The forms that show again what was typed or uploaded, in a message or a preview."""
    ids = ",".join(str(i) for i in hostile["ids"])
    fresh = hostile["fresh"]
    member = hostile["membership"]
    csv_header = f"naam;e-mail;vacature;fase;afwijzingsdatum;{HOSTILE}\nEva;eva@example.org;X;interview;2026-01-05;x\n"
    csv_cells = ("naam;e-mail;vacature;afdeling;fase;afwijzingsdatum;taal;reden\n"
                 f"{HOSTILE};{HOSTILE};{HOSTILE};{HOSTILE};{HOSTILE};{HOSTILE};{HOSTILE};{HOSTILE}\n"
                 f"{HOSTILE};eva@example.org;{HOSTILE};{HOSTILE};interview;2026-01-05;nl;\n")
    yield "rejection preview", client.post(f"/recruiter/candidates/{fresh.id}/rejection",
                                           data={f"line_{fresh.id}": HOSTILE, "action": "preview"})
    yield "rejection selection", client.post(f"/recruiter/candidates/rejections?ids={ids}",
                                             data={**{f"line_{i}": HOSTILE for i in hostile["ids"]},
                                                   "ids": ids, "action": "preview"})
    for label, content in (("CSV column names", csv_header), ("CSV cells", csv_cells)):
        yield label, client.post("/recruiter/candidates/import", content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(content.encode()), "export.csv")})
    yield "template placeholders", client.post("/recruiter/candidates/templates/nl/cv_screening",
                                               data={"subject": "{" + IMG + "}", "body": "{" + SVG + "} " + META})
    yield "template saved", client.post("/recruiter/candidates/templates/en/phone",
                                        data={"subject": HOSTILE, "body": HOSTILE}, follow_redirects=True)
    for value in SHORT:
        yield "tag twice", client.post(f"/recruiter/talent/{member.id}/tags", data={"kind": "skill", "value": value},
                                       follow_redirects=True)
    yield "session breaks", client.post("/recruiter/sessions/new", data={
        "day": (date.today() + timedelta(days=30)).isoformat(), "start": "16:00", "end": "18:00", "slot_minutes": 15,
        "breaks": HOSTILE, "location": HOSTILE, "video_url": f"https://x.example/{SVG}",
        "hosts": str(hostile["staff"]["admin"].id)})
    yield "new account", client.post("/admin/users", data={"email": "new@staff.example.org", "name": HOSTILE,
                                                          "role": "recruiter"}, follow_redirects=True)
    yield "new candidate", client.post("/recruiter/candidates/new", data={
        "name": HOSTILE, "email": "nieuw@example.org", "vacancy": HOSTILE, "department": HOSTILE,
        "stage": "interview", "rejected_on": date.today().isoformat(), "language": "nl"}, follow_redirects=True)
    booking_id = hostile["path"]["booking_id"][1]
    yield "summary preview", client.post(f"/recruiter/bookings/{booking_id}/summary", data={
        "went_well": HOSTILE, "why_not": HOSTILE, "advice": HOSTILE, "preview": "1"})
    yield "notes saved", client.post(f"/recruiter/bookings/{booking_id}/notes", data={
        "went_well": HOSTILE, "why_not": HOSTILE, "advice": HOSTILE, "free_notes": HOSTILE}, follow_redirects=True)
    yield "outcome saved", client.post(f"/recruiter/bookings/{booking_id}/outcome", data={
        "outcome": "attended", "follow_up_action": HOSTILE, "follow_up_on": date.today().isoformat()},
        follow_redirects=True)


def test_forms_that_echo_what_was_typed_escape_it(app, hostile):
    client = _clients(app, hostile)["admin"]
    problems, echoed = [], set()
    for label, response in _post_pages(app, hostile, client):
        assert response.status_code < 500, (label, response.status_code)
        html = response.get_data(as_text=True)
        problems += [f"{label}: {found}" for found in markup_found(html)]
        if any(str(escape(value)) in html for value in (META, IMG, SVG)):
            echoed.add(label)
    assert problems == []
    assert {"rejection preview", "rejection selection", "CSV column names", "CSV cells", "template placeholders",
            "tag twice", "session breaks", "new account", "summary preview"} <= echoed


def test_the_candidates_own_forms_escape_what_they_typed(app, hostile):
    client = app.test_client()
    token = hostile["path"]["token"][0]
    response = client.post(f"/b/{token}/book", data={"slot": "x", "topics": ["other"], "question": HOSTILE})
    assert response.status_code < 500 and markup_found(response.get_data(as_text=True)) == []
    slot = db.session.scalar(db.select(Booking.slot_id).order_by(Booking.id))  # taken: the form comes back
    response = client.post(f"/b/{token}/book", data={"slot": slot, "topics": ["other"], "question": HOSTILE})
    assert response.status_code < 500
    assert markup_found(response.get_data(as_text=True)) == []


def test_every_email_escapes_its_html_and_keeps_its_text_plain(app, hostile):
    templates = {p.name for p in EMAIL_TEMPLATES.iterdir() if not p.name.startswith("_")}
    assert {f"email/{name}" for name in templates} <= set(hostile["rendered"]), "an e-mail kind is not covered"
    problems = []
    for message in hostile["messages"]:
        db.session.refresh(message)
        problems += [f"{message.kind} (HTML): {found}" for found in markup_found(message.body_html)]
        if "#49#" in message.body_text or "#49#" in message.subject:
            problems.append(f"{message.kind}: the template expression was evaluated")
        if "&lt;" in message.body_text or "&#34;" in message.body_text or "&gt;" in message.body_text:
            problems.append(f"{message.kind} (text): escaped as if it were HTML")
        if "\n" in message.subject or "\r" in message.subject:
            problems.append(f"{message.kind}: the subject has a line break")
    assert problems == []
    rejection = [m for m in hostile["messages"] if m.kind == "rejection"]
    assert rejection and all(HOSTILE in m.body_text and ESCAPED_META in m.body_html for m in rejection)
    first_name = f"{SVG}{TEMPLATE}"  # every e-mail greets the candidate by it: as typed in text, escaped in HTML
    assert all(first_name in m.body_text and str(escape(first_name)) in m.body_html for m in hostile["messages"])
