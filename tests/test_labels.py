"""Words, not codes: every staff page, rendered in Dutch with a year of demo data behind it, shows labels where
the portal keeps codes (statuses, stages, kinds of e-mail, audit actions and their details, event names,
warnings, scopes). The codes are read from the source, so a new one is checked as soon as it exists."""

import enum
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app import labels, models
from app.audit.services import ACTIONS, record_audit
from app.candidates.csv_import import REJECTION_REASONS
from app.checker import CATEGORIES
from app.demo.data import DEMO_STAFF, demo_password
from app.events import KINDS
from app.extensions import db
from app.integrations.services import SCOPES, create_api_key, create_integration
from app.models import (
    AdviceSnippet,
    Booking,
    BookingStatus,
    Candidate,
    FeedbackSession,
    OutboxMessage,
    OutboxStatus,
    PoolMembership,
    User,
    WebhookDelivery,
)
from app.privacy.services import erase_candidates
from app.talent.services import TAG_KINDS
from app.webhooks.events import EVENT_TYPES
from app.webhooks.services import create_endpoint

# Codes that are also ordinary words on a Dutch page ("interview", "link", "recruiter", "import", "export",
# "hr" in HR, "admin"), or that only a person types: these are not looked for.
ALSO_DUTCH = {"interview", "link", "recruiter", "import", "export", "hr", "admin", "other", "phone", "skill",
              "department", "booking", "survey", "care", "video"}
# Pages that are not pages: a download, the calendar feed, the e-mail's own HTML, the sign-in with the provider.
NOT_PAGES = {"stats.export_table", "sessions.download_feed", "outbox.show_message_html", "auth.start_oidc_sign_in",
             "auth.finish_oidc_sign_in", "auth.sign_in", "pool.confirm_consent"}


def known_codes() -> set[str]:
    """Every code the portal stores or passes around where a person might see it."""
    codes = {member.value for name in dir(models) if isinstance(cls := getattr(models, name), type)
             and issubclass(cls, enum.StrEnum) and cls is not enum.StrEnum for member in cls}
    codes |= set(labels.OUTBOX_KIND) | set(ACTIONS) | set(labels.AUDIT_TARGET) | set(KINDS) | set(CATEGORIES)
    codes |= set(REJECTION_REASONS) | set(SCOPES) | set(EVENT_TYPES.values()) | set(TAG_KINDS)
    return {code for code in codes if code not in ALSO_DUTCH}


class _VisibleText(HTMLParser):
    """The text a person reads or hears on a Dutch page: text and the attributes read out (aria-label, title,
    placeholder, alt), leaving out scripts, styles, parts marked as another language (an English
    candidate's e-mail subject is English on purpose) and <code>, which shows what a person types as it is
    (a checker pattern such as "team_fit", a key's prefix)."""

    READ_OUT = ("aria-label", "title", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skipping = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.VOID:
            if not self._skipping:
                self.parts += [attrs[a] or "" for a in self.READ_OUT if a in attrs]
            return
        other_language = attrs.get("lang") not in (None, "nl")
        self._skipping.append(tag in ("script", "style", "head", "code") or other_language or bool(self._skipping and
                                                                                              self._skipping[-1]))
        if not self._skipping[-1]:
            self.parts += [attrs[a] or "" for a in self.READ_OUT if a in attrs]

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._skipping:
            self._skipping.pop()

    def handle_data(self, data):
        if not (self._skipping and self._skipping[-1]):
            self.parts.append(data)


def visible_text(body: str) -> str:
    parser = _VisibleText()
    parser.feed(body)
    text = " ".join(" ".join(parser.parts).split())
    return re.sub(r"\S+@\S+", " ", text)  # addresses (recruiter@example.org) are data, not codes


def codes_in(text: str, codes: set[str]) -> set[str]:
    tokens = set(re.findall(r"(?<![A-Za-z0-9_À-ÿ])[a-z][a-z0-9_.:]*[a-z0-9]", text))
    return codes & tokens


@pytest.fixture
def demo_portal(app, runner):
    """The demo's year of use, plus an integration with a key and a webhook address with deliveries, read in
    Dutch only: the English candidates (whose e-mails are English by design) are erased first."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    english = list(db.session.scalars(sa.select(Candidate.id).where(Candidate.language != "nl")))
    erase_candidates(english, reason="staff")
    integration, _secret = create_integration("Recruitee")
    db.session.flush()
    create_api_key(integration, "ATS", list(SCOPES), created_by="admin@example.org")
    endpoint, _secret = create_endpoint("http://127.0.0.1:9/hook", "Rapportage", list(EVENT_TYPES.values()),
                                        allow_private=True)
    db.session.flush()
    for event_type in ("booking.created", "conversation.held", "ping"):
        db.session.add(WebhookDelivery(endpoint_id=endpoint.id, event_id=f"evt_{event_type}", event_type=event_type,
                                       payload="{}"))
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
    for action in ACTIONS:  # one line of every kind in the audit log
        record_audit(action, target_type="candidate", target_id=1, actor=admin,
                     facts={"warnings": list(CATEGORIES), "role": "hr", "scopes": list(SCOPES), "reason": "retention",
                            "follow_up": "automatic", "role_source": "groups", "stage": "cv_screening"})
    db.session.commit()
    return {"integration": integration.id, "endpoint": endpoint.id}


def _ids(extra: dict) -> dict[str, int]:
    """An id for every kind of page: a past conversation with its outcome, notes and summary, and so on."""
    now = db.session.scalar(sa.select(sa.func.max(FeedbackSession.starts_at)))
    booking = db.session.scalar(sa.select(Booking).where(Booking.status == BookingStatus.ATTENDED,
                                                         Booking.summary_sent_at.is_not(None)).limit(1))
    past = db.session.scalar(sa.select(FeedbackSession.id).where(FeedbackSession.starts_at < now)
                             .order_by(FeedbackSession.starts_at.desc()).limit(1))
    failed = db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.FAILED).limit(1))
    return {
        "booking_id": booking.id, "candidate_id": booking.candidate_id, "feedback_session_id": past,
        "membership_id": db.session.scalar(sa.select(PoolMembership.id).limit(1)), "message_id": failed,
        "user_id": db.session.scalar(sa.select(User.id).where(User.email == "recruiter@example.org")),
        "integration_id": extra["integration"], "endpoint_id": extra["endpoint"],
        "snippet_id": db.session.scalar(sa.select(AdviceSnippet.id).limit(1)),
        "language": "nl", "stage": "cv_screening",
    }


def _staff_pages(app, ids: dict) -> dict[str, str]:
    """Every staff page's URL (GET, not a download), by endpoint."""
    public = {"static", "booking", "privacy", "talent_link", "survey", "api", "main"}
    pages = {}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.split(".")[0] in public or rule.endpoint in NOT_PAGES:
                continue
            pages[rule.endpoint] = url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})
    return pages


def _render_staff_pages(app, client, demo_portal) -> dict[str, str]:
    """Every staff page as each demo role sees it, signed in: {"<e-mail> <url>": html}. Fails on a page no
    role could open, so that a new page is checked too."""
    ids = _ids(demo_portal)
    pages = _staff_pages(app, ids)
    rendered, bodies = set(), {}
    for _role, email, _name in DEMO_STAFF:
        response = client.post("/login", data={"email": email, "password": demo_password(email)})
        assert response.status_code == 302
        for endpoint, url in sorted(pages.items()):
            if endpoint == "candidates.write_rejections":
                url += f"?ids={ids['candidate_id']}"
            response = client.get(url)
            if response.status_code in (302, 403):  # another role's page
                continue
            assert response.status_code == 200, (email, url, response.status_code)
            body = response.get_data(as_text=True)
            assert '<html lang="nl"' in body, url
            rendered.add(endpoint)
            bodies[f"{email} {url}"] = body
        client.post("/logout")
    assert rendered == set(pages), f"not rendered by any role: {sorted(set(pages) - rendered)}"
    return bodies


def test_every_staff_page_in_dutch_shows_labels_not_codes(app, client, demo_portal):
    codes = known_codes()
    assert {"booking_confirmed", "waitlist_offer", "note_viewed", "summary_sent", "experience", "no_show",
            "false_promise", "booking.created"} <= codes
    found = {}
    for page, body in _render_staff_pages(app, client, demo_portal).items():
        leaked = codes_in(visible_text(body), codes)
        if leaked:
            found[page] = sorted(leaked)
    assert not found, "Codes where a label belongs:\n  " + "\n  ".join(f"{k}: {v}" for k, v in found.items())


_FOCUSABLE_WRAPPER = re.compile(r"<div\b[^>]*\btabindex=\"0\"[^>]*>")


def test_every_scrollable_table_is_a_named_region(app, client, demo_portal):
    """A table wrapper that takes keyboard focus (to scroll it) says what it is when focused: a role and an
    accessible name, by a label or by a heading on the same page."""
    problems = []
    wrappers = 0
    for page, body in _render_staff_pages(app, client, demo_portal).items():
        ids = set(re.findall(r'\bid="([^"]+)"', body))
        for tag in _FOCUSABLE_WRAPPER.findall(body):
            wrappers += 1
            role = re.search(r'\brole="([^"]+)"', tag)
            label = re.search(r'\baria-label="([^"]+)"', tag)
            labelled_by = re.search(r'\baria-labelledby="([^"]+)"', tag)
            if not role or role.group(1) not in ("region", "group"):
                problems.append(f"{page}: no role in {tag}")
            if not label and not (labelled_by and labelled_by.group(1) in ids):
                problems.append(f"{page}: no accessible name in {tag}")
    assert wrappers > 20
    assert not problems, "Scrollable tables without a role or a name:\n  " + "\n  ".join(problems)


def test_the_audit_log_reads_dutch_whoever_acted(client, demo_portal):
    """Actions, targets and the details' facts by their labels: the check above finds the raw code."""
    assert codes_in(visible_text("<td>note_viewed</td><td lang='en'>summary_sent</td>"), known_codes()) == \
        {"note_viewed"}
    client.post("/login", data={"email": "admin@example.org", "password": demo_password("admin@example.org")})
    page = visible_text(client.get("/admin/audit/?action=note_viewed").get_data(as_text=True))
    assert "Notities bekeken" in page and "Gesprek #" in page and "note_viewed" not in page
    page = visible_text(client.get("/admin/audit/?action=warning_overridden").get_data(as_text=True))
    assert "Verstuurd ondanks waarschuwingen" in page
    assert "Waarschuwingen: Vage formulering, " in page and "Rol: HR" in page
    assert "Reden: De bewaartermijn is voorbij" in page and "Fase: Cv-selectie" in page
    options = client.get("/admin/audit/").get_data(as_text=True)
    assert '<option value="summary_sent" >Samenvatting verstuurd</option>' in options
