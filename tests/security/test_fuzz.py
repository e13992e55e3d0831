"""Arbitrary text, unicode, huge and empty values at every public and staff form: never a 500, and the
database stays consistent (what was stored before is still there, no half-written rows)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.database import utcnow
from app.extensions import db
from app.models import Booking, BookingStatus, Candidate, FeedbackSession, Slot, User
from tests.conftest import STAFF_PASSWORD

NASTY = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(["", " ", "\x00", "\r\n=cmd|' /C calc'!A0", "-1", "0", "99999999999999999999", "1e308",
                     "'; DROP TABLE candidate; --", "<script>alert(1)</script>", "2026-02-30", "25:99",
                     "../../etc/passwd", "💥" * 50, "a" * 20000]),
)

FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')


def form_fields(html: str) -> list[str]:
    return sorted({name for name in FIELD.findall(html) if name != "csrf_token"})


@pytest.fixture
def scene(app, make_session, make_candidate, make_user):
    session = make_session()
    past = make_session(days_ahead=-1)
    candidate, token = make_candidate(expires_at=utcnow() + timedelta(days=30))
    attended, attended_token = make_candidate()
    booking = Booking(candidate=attended, slot=past.slots[0], status=BookingStatus.ATTENDED, topics=["improve"],
                      uid="fuzz@test", outcome_recorded_at=utcnow())
    db.session.add(booking)
    db.session.commit()
    admin = make_user("admin")
    return {"session": session, "token": token, "attended_token": attended_token, "booking": booking,
            "candidate": candidate, "admin": admin}


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Candidate, FeedbackSession, Slot, User)}


def _fuzz_form(client, page_url: str, post_url: str, data_strategy, check):
    fields = form_fields(client.get(page_url).get_data(as_text=True))
    assert fields, f"no form fields found on {page_url}"

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries(dict.fromkeys(fields, data_strategy)))
    def run(data):
        response = client.post(post_url, data=data)
        assert response.status_code < 500, (post_url, data, response.status_code)
        check()

    run()


def _booking_invariants():
    active = db.session.execute(sa.select(Booking.slot_id, sa.func.count()).where(
        Booking.status != BookingStatus.CANCELLED).group_by(Booking.slot_id).having(sa.func.count() > 1)).all()
    assert active == []


CANDIDATE_FORMS = [
    ("/b/{token}", "/b/{token}/book"),
    ("/", "/link"),
    ("/b/{token}/privacy", "/b/{token}/privacy/erase"),
    ("/b/{attended_token}/survey", "/b/{attended_token}/survey"),
    ("/b/{token}/pool/join", "/b/{token}/pool/join"),
]


@pytest.mark.parametrize("page,target", CANDIDATE_FORMS)
def test_candidate_forms_survive_anything(app, client, scene, page, target):
    fill = {k: v for k, v in scene.items() if isinstance(v, str)}
    before = counts()

    def check():
        _booking_invariants()
        after = counts()
        # Only an erasure may remove a candidate; nothing else disappears.
        assert after["FeedbackSession"] == before["FeedbackSession"] and after["Slot"] == before["Slot"]

    _fuzz_form(client, page.format(**fill), target.format(**fill), NASTY, check)


STAFF_FORMS = [
    ("/recruiter/sessions/new", "/recruiter/sessions/new"),
    ("/recruiter/sessions/{session_id}/edit", "/recruiter/sessions/{session_id}/edit"),
    ("/recruiter/sessions/plan", "/recruiter/sessions/plan"),
    ("/recruiter/candidates/new", "/recruiter/candidates/new"),
    ("/recruiter/candidates/{candidate_id}/rejection", "/recruiter/candidates/{candidate_id}/rejection"),
    ("/recruiter/candidates/templates/nl/interview", "/recruiter/candidates/templates/nl/interview"),
    ("/recruiter/bookings/{booking_id}/notes", "/recruiter/bookings/{booking_id}/notes"),
    ("/recruiter/bookings/{booking_id}/outcome", "/recruiter/bookings/{booking_id}/outcome"),
    ("/recruiter/bookings/{booking_id}/summary", "/recruiter/bookings/{booking_id}/summary"),
    ("/recruiter/talent/hires/new", "/recruiter/talent/hires/new"),
    ("/recruiter/talent/reapplications/new", "/recruiter/talent/reapplications/new"),
    ("/recruiter/feedback-rules", "/recruiter/feedback-rules"),
    ("/admin/users", "/admin/users"),
    ("/admin/account/password", "/admin/account/password"),
    ("/hr/", "/hr/"),
]


@pytest.mark.parametrize("page,target", STAFF_FORMS)
def test_staff_forms_survive_anything(app, scene, page, target):
    client = app.test_client()
    assert client.post("/login", data={"email": scene["admin"].email, "password": STAFF_PASSWORD}).status_code == 302
    fill = {"session_id": scene["session"].id, "candidate_id": scene["candidate"].id,
            "booking_id": scene["booking"].id}
    page, target = page.format(**fill), target.format(**fill)
    if target == "/hr/":
        # The dashboard's form is a GET with query parameters.
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(st.dictionaries(st.sampled_from(["period", "month", "quarter", "year", "from", "to"]), NASTY))
        def run(query):
            assert client.get("/hr/", query_string=query).status_code == 200

        run()
        return
    _fuzz_form(client, page, target, NASTY, _booking_invariants)
