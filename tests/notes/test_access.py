"""Every notes page is for recruiters and admins: HR gets 403 and never sees a name or a note;
anonymous visitors are sent to sign in."""

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.models import FeedbackRule, PreparationNote

NAME = "Sanne Geheim-de Vries"
NOTE_TEXT = "Vertrouwelijke voorbereiding"


def _notes_routes(app) -> list[tuple[str, str]]:
    """(method, endpoint) for every notes route in the URL map."""
    return sorted({(method, rule.endpoint) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("notes.")
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


@pytest.fixture
def urls(app, make_booking):
    booking = make_booking(days_ahead=-1, name=NAME, note={"went_well": NOTE_TEXT})
    db.session.add(FeedbackRule(language="nl", category="vague", pattern="meh", suggestion="Wees concreet."))
    db.session.commit()
    ids = {"booking_id": booking.id, "feedback_session_id": booking.slot.feedback_session_id,
           "rule_id": db.session.scalar(sa.select(FeedbackRule.id))}
    with app.test_request_context():
        built = []
        for method, endpoint in _notes_routes(app):
            arguments = next(r.arguments for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            built.append((method, url_for(endpoint, **{name: ids[name] for name in arguments})))
    return built


def _state():
    db.session.rollback()
    return (db.session.scalars(sa.select(PreparationNote.went_well)).all(),
            db.session.scalar(sa.select(sa.func.count(FeedbackRule.id))))


def test_the_walk_covers_every_notes_route(app, urls):
    assert len(urls) == len(_notes_routes(app)) >= 10


def test_hr_gets_403_everywhere_and_never_sees_notes(client, sign_in, urls):
    sign_in("hr")
    before = _state()
    for method, url in urls:
        response = client.open(url, method=method, data={"went_well": "HR schreef dit"})
        assert response.status_code == 403, (method, url, response.status_code)
        body = response.get_data(as_text=True)
        assert NAME not in body and NOTE_TEXT not in body
    assert _state() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, urls):
    before = _state()
    for method, url in urls:
        response = client.open(url, method=method, data={"went_well": "Anoniem"})
        assert response.status_code == 302, (method, url)
        assert "/login" in response.location
    assert _state() == before


def test_recruiters_and_admins_open_every_page(client, sign_in, urls):
    for role in ("recruiter", "admin"):
        sign_in(role)
        for method, url in urls:
            if method == "GET":
                assert client.get(url).status_code == 200, (role, url)
        rules_page = client.get("/recruiter/feedback-rules").get_data(as_text=True)
        assert ("Add a rule" in rules_page) == (role == "admin")
