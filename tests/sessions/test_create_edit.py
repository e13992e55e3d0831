"""Creating and editing a session: clear errors that keep what was typed, and slots regenerated
from the new layout without losing the ones that stay."""

import re
from datetime import time, timedelta

import pytest

from app.models import FeedbackSession, FeedbackSessionStatus, Slot
from app.sessions import errors, layout
from app.timeutil import from_local, local
from tests.booking.helpers import page_text
from tests.sessions.helpers import (
    BASE,
    all_sessions,
    days_ahead,
    edit_data,
    field_error,
    fresh,
    input_value,
    session_data,
)


def test_new_session_is_saved_as_a_draft_with_its_slots_breaks_and_hosts(english_client, recruiter, make_user):
    colleague = make_user("recruiter", name="Ada Colleague")
    day = days_ahead(20)
    data = session_data(day, "16:00", "18:00", breaks="17.00-17:15", hosts=[recruiter.id, colleague.id],
                        location="Route 42, spreekkamer 3")

    response = english_client.post(f"{BASE}/new", data=data)

    assert response.status_code == 302
    [feedback_session] = all_sessions()
    assert response.location.endswith(f"{BASE}/{feedback_session.id}")
    assert feedback_session.status == FeedbackSessionStatus.DRAFT
    assert feedback_session.starts_at == from_local(day, time(16)) and feedback_session.ends_at == from_local(
        day, time(18)
    )
    assert feedback_session.breaks == [["17:00", "17:15"]]
    assert {h.id for h in feedback_session.hosts} == {recruiter.id, colleague.id}
    assert [local(s.starts_at).strftime("%H:%M") for s in feedback_session.slots] == [
        "16:00", "16:15", "16:30", "16:45", "17:15", "17:30", "17:45"]
    page = page_text(english_client.get(response.location))
    assert "saved as a draft with 7 conversations" in page
    assert "Draft" in page and "Route 42, spreekkamer 3" in page and "Ada Colleague" in page


def test_new_session_form_starts_with_the_recruiter_as_host_and_15_minutes(english_client, recruiter):
    response = english_client.get(f"{BASE}/new")
    assert response.status_code == 200
    [host_box] = re.findall(r'<input[^>]*name="hosts"[^>]*>', response.get_data(as_text=True))
    assert f'value="{recruiter.id}"' in host_box and " checked" in host_box and "required" not in host_box
    assert input_value(response, "slot_minutes") == "15"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"end": "15:00"}, "end", "The end must be after the start."),
    ({"end": "16:00"}, "end", "The end must be after the start."),
    ({"day": "past"}, "day", "This date is in the past."),
    ({"day": "2026-02-31"}, "day", "Please enter a date"),
    ({"start": "25:00"}, "start", "Please enter a time"),
    ({"slot_minutes": "3"}, "slot_minutes", "Choose between 5 and 120 minutes."),
    ({"slot_minutes": "121"}, "slot_minutes", "Choose between 5 and 120 minutes."),
    ({"slot_minutes": "a quarter"}, "slot_minutes", "Please enter a whole number."),
    ({"breaks": "tea at five"}, "breaks", '"tea at five" is not a break.'),
    ({"breaks": "17:15-17:00"}, "breaks", "the end must come after the start"),
    ({"breaks": "17:00-17:15, 18:30-19:00"}, "breaks",
     "The break 18:30-19:00 lies outside the feedback hour (16:00 to 18:00)."),
    ({"breaks": "16:00-18:00"}, "slot_minutes", "No conversation fits"),
    ({"end": "16:10", "breaks": ""}, "slot_minutes", "No conversation fits"),
    ({"video_url": "javascript:alert(1)"}, "video_url", "starts with https://"),
    ({"video_url": "ftp://files.example.org/x"}, "video_url", "starts with https://"),
    ({"video_url": "https://"}, "video_url", "starts with https://"),
    ({"hosts": []}, "hosts", "Please choose at least one host."),
    ({"hosts": ["999999999999999999999"]}, "hosts", "Please choose the hosts from the list."),
    ({"hosts": ["nobody"]}, "hosts", "Please choose the hosts from the list."),
    ({"location": "x" * 201}, "location", "200"),
])
def test_bad_input_is_refused_with_a_clear_message_and_keeps_what_was_typed(
    english_client, recruiter, overrides, field, message
):
    if overrides.get("day") == "past":
        overrides["day"] = days_ahead(-1).isoformat()
    data = session_data(days_ahead(20), hosts=[recruiter.id], location="Spreekkamer 7", breaks="17:00-17:15")
    data.update(overrides)

    response = english_client.post(f"{BASE}/new", data=data)

    assert response.status_code == 422
    assert message in field_error(response, field)
    assert all_sessions() == []
    # What the recruiter typed is still there.
    for name in ("day", "start", "end", "slot_minutes", "breaks", "location", "video_url"):
        assert input_value(response, name) == data[name]


def test_a_time_today_that_has_passed_is_refused(english_request):
    day = days_ahead(3)
    noon = from_local(day, time(12))
    assert layout.layout_problems(day=day, start=time(11), end=time(13), slot_minutes=15, breaks=[], now=noon) == [
        ("start", "This time today has passed already.")]
    assert layout.layout_problems(day=day, start=time(12, 30), end=time(13), slot_minutes=15, breaks=[],
                                    now=noon) == []


def test_editing_regenerates_slots_keeping_those_that_still_fit(english_client, recruiter, make_session):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])  # 16:00 16:15 16:30 16:45
    kept_ids = {local(s.starts_at).strftime("%H:%M"): s.id for s in feedback_session.slots}

    response = english_client.post(f"{BASE}/{feedback_session.id}/edit",
                           data=edit_data(feedback_session, start="16:15", end="17:30", breaks="16:45-17:00"))

    assert response.status_code == 302
    feedback_session = fresh(FeedbackSession, feedback_session.id)
    slots = {local(s.starts_at).strftime("%H:%M"): s.id for s in feedback_session.slots}
    assert list(slots) == ["16:15", "16:30", "17:00", "17:15"]
    # Same start, same row; the free ones outside the new layout are gone.
    assert slots["16:15"] == kept_ids["16:15"] and slots["16:30"] == kept_ids["16:30"]
    assert fresh(Slot, kept_ids["16:00"]) is None and fresh(Slot, kept_ids["16:45"]) is None
    assert feedback_session.breaks == [["16:45", "17:00"]]
    assert "The feedback hour is saved." in page_text(english_client.get(response.location))


def test_a_longer_slot_keeps_the_rows_with_the_same_start_and_moves_their_end(english_client, recruiter, make_session):
    feedback_session = make_session(start="16:00", end="17:00", hosts=[recruiter])
    first_id = feedback_session.slots[0].id

    english_client.post(f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, slot_minutes="20"))

    feedback_session = fresh(FeedbackSession, feedback_session.id)
    assert [
        (local(s.starts_at).strftime("%H:%M"), local(s.ends_at).strftime("%H:%M")) for s in feedback_session.slots
    ] == [("16:00", "16:20"), ("16:20", "16:40"), ("16:40", "17:00")]
    assert feedback_session.slots[0].id == first_id and feedback_session.slot_minutes == 20


def test_the_edit_form_shows_the_stored_session_and_keeps_input_on_errors(english_client, recruiter, make_session):
    feedback_session = make_session(start="16:00", end="18:00", breaks=[["17:00", "17:15"]], hosts=[recruiter])
    form = english_client.get(f"{BASE}/{feedback_session.id}/edit")
    assert form.status_code == 200
    assert input_value(form, "start") == "16:00" and input_value(form, "end") == "18:00"
    assert input_value(form, "breaks") == "17:00-17:15"
    assert input_value(form, "day") == local(feedback_session.starts_at).date().isoformat()

    response = english_client.post(f"{BASE}/{feedback_session.id}/edit",
                           data=edit_data(feedback_session, end="15:00", location="Nieuwe kamer"))
    assert response.status_code == 422
    assert input_value(response, "location") == "Nieuwe kamer"
    assert fresh(FeedbackSession, feedback_session.id).location == "Spreekkamer 3"


def test_a_past_or_cancelled_session_cannot_be_edited(english_client, recruiter, make_session):
    feedback_session = make_session(days_ahead=5)
    feedback_session.status = FeedbackSessionStatus.CANCELLED
    from app.extensions import db
    db.session.commit()
    response = english_client.get(f"{BASE}/{feedback_session.id}/edit")
    assert response.status_code == 302
    assert "can no longer be changed" in page_text(english_client.get(response.location))
    assert (
        english_client.post(
            f"{BASE}/{feedback_session.id}/edit", data=edit_data(feedback_session, end="19:00")
        ).status_code
        == 302
    )
    assert local(fresh(FeedbackSession, feedback_session.id).ends_at).strftime("%H:%M") == "18:00"


def test_unknown_session_is_404(english_client, recruiter):
    assert english_client.get(f"{BASE}/99999").status_code == 404
    assert english_client.get(f"{BASE}/99999/edit").status_code == 404
    assert english_client.post(f"{BASE}/99999/publish").status_code == 404


def test_break_parsing(english_request):
    assert layout.parse_breaks("17:00-17:15, 19:00 – 19:10; 9.30-9.45\n") == [
        ["09:30", "09:45"], ["17:00", "17:15"], ["19:00", "19:10"]]
    assert layout.parse_breaks("  ") == []
    for bad in ("17:00", "17:00-", "25:00-25:30", "17:00-17:00", "abc-def"):
        with pytest.raises(errors.SessionError):
            layout.parse_breaks(bad)


def test_slot_times_skip_breaks_and_never_run_past_the_end(app):
    day = days_ahead(30)
    times = layout.slot_times(day, time(16), time(17, 10), 20, [["16:30", "16:40"]])
    assert [(local(a).strftime("%H:%M"), local(b).strftime("%H:%M")) for a, b in times] == [
        ("16:00", "16:20"), ("16:40", "17:00")]
    assert all(b - a == timedelta(minutes=20) for a, b in times)
