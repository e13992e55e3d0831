"""Bad input never ends in a 500 and never changes what is stored: every case compares a snapshot
of all tables before and after."""

from datetime import timedelta

import pytest

from app.booking import services
from app.database import utcnow
from app.extensions import db
from app.models import BookingStatus, FeedbackSessionStatus
from tests.booking.helpers import (
    active_bookings,
    book,
    form_hidden_fields,
    page_text,
    session_at,
    snapshot,
)
from tests.helpers import free_slot_ids

CONTACT = "planning@ziekenhuis.test"


@pytest.fixture
def contact(app):
    app.config["RECRUITER_CONTACT_EMAIL"] = CONTACT
    return CONTACT


# --- the link itself ------------------------------------------------------------------------------

def _tampered(token: str) -> str:
    """The same token with one character changed, still in the url-safe alphabet."""
    middle = len(token) // 2
    replacement = "A" if token[middle] != "A" else "B"
    return token[:middle] + replacement + token[middle + 1:]


def test_unknown_token_gives_a_clear_404(english_client, make_session, candidate_en):
    make_session()
    candidate_en()
    before = snapshot()

    for path in ("/b/not-a-real-link", "/b/" + "x" * 43, "/b/" + "x" * 43 + "/confirmed", "/b/%F0%9F%98%80"):
        response = english_client.get(path)
        assert response.status_code == 404, path
        assert "We do not recognise this link" in page_text(response)
        assert "ask for your link again" in page_text(response).lower()

    assert snapshot() == before


def test_tampered_token_is_unknown_and_cannot_book(english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    _, token = candidate_en()
    tampered = _tampered(token)
    assert tampered != token and len(tampered) == len(token)
    before = snapshot()

    page = english_client.get(f"/b/{tampered}")
    posted = book(english_client, tampered, slot.id)

    assert page.status_code == posted.status_code == 404
    assert "We do not recognise this link" in page_text(page)
    assert snapshot() == before
    assert english_client.get(f"/b/{token}").status_code == 200  # the real link still works


def test_expired_token_gives_410_and_cannot_book(english_client, make_session, candidate_en, contact):
    slot = make_session().slots[0]
    _, token = candidate_en(expires_at=utcnow() - timedelta(minutes=1))
    before = snapshot()

    page = english_client.get(f"/b/{token}")
    posted = book(english_client, token, slot.id)

    assert page.status_code == posted.status_code == 410
    text = page_text(page)
    assert "This link has expired" in text
    assert f"please e-mail {CONTACT}" in text
    assert snapshot() == before


def test_revoked_token_gives_410(english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    candidate, token = candidate_en()
    candidate.invitations[0].revoked_at = utcnow()
    db.session.commit()
    before = snapshot()

    page = english_client.get(f"/b/{token}")
    posted = book(english_client, token, slot.id)

    assert page.status_code == posted.status_code == 410
    assert "This link has expired" in page_text(page)
    assert snapshot() == before


# --- slots that cannot be booked ------------------------------------------------------------------

def _assert_refused_with_fresh_list(response, message: str, free_ids: list[int], refused_id: int) -> None:
    assert response.status_code == 409
    assert message in page_text(response)
    listed = free_slot_ids(response.get_data(as_text=True))
    assert listed == free_ids
    assert refused_id not in listed


def test_slot_in_the_past(english_client, make_session, candidate_en):
    future = make_session(end="16:30")
    past = session_at(utcnow() - timedelta(hours=2))
    _, token = candidate_en()
    before = snapshot()

    response = book(english_client, token, past.slots[0].id)

    _assert_refused_with_fresh_list(response, "This slot can no longer be booked",
                                    [s.id for s in future.slots], past.slots[0].id)
    assert snapshot() == before


def test_slot_in_a_session_that_is_cancelled_draft_or_closed(english_client, make_session, candidate_en):
    open_session = make_session(days_ahead=14, end="16:30")
    others = [
        make_session(days_ahead=days, end="16:30", status=status)
        for days, status in [
            (21, FeedbackSessionStatus.CANCELLED),
            (22, FeedbackSessionStatus.DRAFT),
            (23, FeedbackSessionStatus.CLOSED),
        ]
    ]
    _, token = candidate_en()
    open_ids = [s.id for s in open_session.slots]
    before = snapshot()

    assert free_slot_ids(english_client.get(f"/b/{token}").get_data(as_text=True)) == open_ids
    for other in others:
        response = book(english_client, token, other.slots[0].id)

        _assert_refused_with_fresh_list(response, "This slot can no longer be booked", open_ids, other.slots[0].id)
    assert snapshot() == before


def test_slot_already_taken_shows_just_taken_and_the_fresh_list(english_client, make_session, candidate_en):
    taken, free = make_session(end="16:30").slots
    _, first = candidate_en()
    _, second = candidate_en()
    # The second candidate opens the page while the slot is still free ...
    assert taken.id in free_slot_ids(english_client.get(f"/b/{second}").get_data(as_text=True))
    # ... the first one books it ...
    book(english_client, first, taken.id)
    before = snapshot()

    # ... and the second one submits the page they had.
    response = book(english_client, second, taken.id, question="Mijn vraag blijft staan")

    _assert_refused_with_fresh_list(response, "this slot was just taken", [free.id], taken.id)
    assert "Mijn vraag blijft staan" in response.get_data(as_text=True)  # what they typed is kept
    assert snapshot() == before


def test_booking_closes_before_the_session(english_client, make_session, candidate_en):
    later = make_session(end="16:30")
    soon = session_at(utcnow() + timedelta(hours=12))  # inside the default 24 hours
    _, token = candidate_en()
    before = snapshot()

    shown = free_slot_ids(english_client.get(f"/b/{token}").get_data(as_text=True))
    response = book(english_client, token, soon.slots[0].id)

    assert soon.slots[0].id not in shown
    assert response.status_code == 409
    assert "Online booking for that day has closed" in page_text(response)
    assert free_slot_ids(response.get_data(as_text=True)) == [s.id for s in later.slots]
    assert snapshot() == before


def test_booking_window_follows_the_setting(app, english_client, candidate_en):
    feedback_session = session_at(utcnow() + timedelta(hours=30))
    _, token = candidate_en()
    app.config["BOOKING_CLOSES_HOURS"] = 48
    before = snapshot()

    response = book(english_client, token, feedback_session.slots[0].id)

    assert response.status_code == 409
    assert snapshot() == before
    app.config["BOOKING_CLOSES_HOURS"] = 24
    assert book(english_client, token, feedback_session.slots[0].id).status_code == 302
    assert len(active_bookings()) == 1


# --- changes inside the closing window ------------------------------------------------------------

def _booked_close_to_the_session(candidate, token, hours_ahead: float = 12):
    """A booking made days ago for a session that now starts within the closing window."""
    feedback_session = session_at(utcnow() + timedelta(hours=hours_ahead), slots=3)
    booked_at = utcnow() - timedelta(days=3)
    services.book_slot(candidate, feedback_session.slots[0].id, ["improve"], "", token=token, now=booked_at)
    db.session.commit()
    return feedback_session


def test_cancel_inside_the_window_is_refused_with_the_recruiters_address(english_client, candidate_en, contact):
    candidate, token = candidate_en()
    _booked_close_to_the_session(candidate, token)
    manage = english_client.get(f"/b/{token}")
    before = snapshot()

    assert f"please let us know at {CONTACT}" in page_text(manage)
    assert "Cancel conversation" not in page_text(manage)
    ask = english_client.get(f"/b/{token}/cancel")
    assert ask.status_code == 200
    assert f"please let us know at {CONTACT}" in page_text(ask)
    assert "Yes, cancel" not in page_text(ask)

    # A form posted anyway (an old page, or by hand) is refused with the same explanation.
    response = english_client.post(f"/b/{token}/cancel",
                                   data={"sequence": "0", "booking": str(active_bookings()[0].id)},
                           follow_redirects=True)

    assert response.status_code == 200
    text = page_text(response)
    assert "Changes are no longer possible online" in text
    assert f"please let us know at {CONTACT}" in text
    assert snapshot() == before


def test_reschedule_inside_the_window_is_refused_with_the_recruiters_address(
    english_client, make_session, candidate_en, contact
):
    elsewhere = make_session().slots[0]
    candidate, token = candidate_en()
    _booked_close_to_the_session(candidate, token)
    [booking] = active_bookings()
    before = snapshot()

    response = english_client.post(f"/b/{token}/reschedule",
                           data={"slot": elsewhere.id, "sequence": "0", "booking": str(booking.id)})

    assert response.status_code == 409
    text = page_text(response)
    assert "Changes are no longer possible online" in text
    assert f"please let us know at {CONTACT}" in text
    assert snapshot() == before


# --- the booking form itself ----------------------------------------------------------------------

def test_question_over_the_limit_is_refused_and_at_the_limit_accepted(app, english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    _, token = candidate_en()
    limit = app.config["QUESTION_MAX_LENGTH"]
    before = snapshot()

    response = book(english_client, token, slot.id, question="x" * (limit + 1))

    assert response.status_code == 422
    assert f"Please keep your question to {limit} characters (now {limit + 1})" in page_text(response)
    assert snapshot() == before
    assert book(english_client, token, slot.id, question="x" * limit).status_code == 302
    assert active_bookings()[0].question == "x" * limit


def test_no_topic_ticked(english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    _, token = candidate_en()
    before = snapshot()

    response = book(english_client, token, slot.id, topics=[])

    assert response.status_code == 422
    assert "Please tick at least one subject" in page_text(response)
    assert snapshot() == before


def test_unknown_topic(english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    _, token = candidate_en()
    before = snapshot()

    response = book(english_client, token, slot.id, topics=["salary_negotiation"])

    assert response.status_code == 422
    assert snapshot() == before


def test_slot_value_that_is_no_slot(english_client, make_session, candidate_en):
    make_session()
    _, token = candidate_en()
    before = snapshot()

    for value in ["abc", "", "1.5", "-1", "0", "99999999999999999999999", "2147483648"]:
        response = book(english_client, token, value)

        assert response.status_code in (409, 422), value
        assert "Book this conversation" in page_text(response)  # the picker again, not an error page
        assert snapshot() == before


def test_invisible_control_characters_in_the_question_are_dropped(english_client, make_session, candidate_en):
    """PostgreSQL refuses NUL in text: such input must not end in a 500 there (nor be stored on SQLite)."""
    slot = make_session().slots[0]
    _, token = candidate_en()

    response = book(english_client, token, slot.id, question="Hallo\x00 daar\x07,\nnieuwe regel")

    assert response.status_code == 302
    assert active_bookings()[0].question == "Hallo daar,\nnieuwe regel"


def test_forged_form_without_csrf_token_is_refused(app, english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    _, token = candidate_en()
    app.config["WTF_CSRF_ENABLED"] = True
    page = english_client.get(f"/b/{token}")
    before = snapshot()

    forged = book(english_client, token, slot.id)

    assert forged.status_code == 400
    assert "This form could not be accepted" in page_text(forged)
    assert snapshot() == before
    # The same post with the page's own token goes through: the refusal was the missing token.
    honest = book(english_client, token, slot.id, csrf_token=form_hidden_fields(page, "/book")["csrf_token"])
    assert honest.status_code == 302
    assert len(active_bookings()) == 1


def test_forged_cancel_without_csrf_token_is_refused(app, english_client, make_session, candidate_en):
    slot = make_session().slots[0]
    _, token = candidate_en()
    book(english_client, token, slot.id)
    app.config["WTF_CSRF_ENABLED"] = True
    [booking] = active_bookings()
    before = snapshot()

    response = english_client.post(f"/b/{token}/cancel", data={"sequence": "0", "booking": str(booking.id)})

    assert response.status_code == 400
    assert snapshot() == before


# --- forms from a page that is no longer current --------------------------------------------------

def test_stale_reschedule_form_never_moves_a_booking_that_moved_since(english_client, make_session, candidate_en):
    first, second, third = make_session(end="16:45").slots
    _, token = candidate_en()
    book(english_client, token, first.id)
    old_page = english_client.get(f"/b/{token}")
    old_form = form_hidden_fields(old_page, "/reschedule")
    english_client.post(f"/b/{token}/reschedule", data={**old_form, "slot": second.id})  # moved in another tab
    before = snapshot()

    response = english_client.post(f"/b/{token}/reschedule", data={**old_form, "slot": third.id}, follow_redirects=True)

    assert response.status_code == 200
    assert "Your booking was changed in the meantime" in page_text(response)
    assert "16:15 – 16:30" in page_text(response)  # the current state is shown
    assert snapshot() == before
    [booking] = active_bookings()
    assert (booking.slot_id, booking.sequence) == (second.id, 1)


def test_stale_cancel_form_never_cancels_a_booking_that_moved_since(english_client, make_session, candidate_en):
    first, second = make_session(end="16:30").slots
    _, token = candidate_en()
    book(english_client, token, first.id)
    old_cancel = form_hidden_fields(english_client.get(f"/b/{token}/cancel"), "/cancel")
    english_client.post(f"/b/{token}/reschedule",
                data={**form_hidden_fields(english_client.get(f"/b/{token}"), "/reschedule"), "slot": second.id})
    before = snapshot()

    response = english_client.post(f"/b/{token}/cancel", data=old_cancel, follow_redirects=True)

    assert response.status_code == 200
    assert "Your booking was changed in the meantime" in page_text(response)
    assert snapshot() == before
    assert active_bookings()[0].status == BookingStatus.BOOKED


def test_stale_cancel_form_never_cancels_the_new_booking_after_cancel_and_book_again(
    english_client, make_session, candidate_en
):
    first, second = make_session(end="16:30").slots
    _, token = candidate_en()
    book(english_client, token, first.id)
    old_cancel = form_hidden_fields(english_client.get(f"/b/{token}/cancel"), "/cancel")
    english_client.post(f"/b/{token}/cancel", data=old_cancel)
    book(english_client, token, second.id)  # a new booking, with its own first version
    before = snapshot()

    # The cancel button of the first booking is pressed again (a second tab, the back button).
    response = english_client.post(f"/b/{token}/cancel", data=old_cancel, follow_redirects=True)

    assert response.status_code == 200
    assert snapshot() == before
    [booking] = active_bookings()
    assert booking.slot_id == second.id


def test_stale_reschedule_form_never_moves_the_new_booking_after_cancel_and_book_again(
    english_client, make_session, candidate_en
):
    first, second, third = make_session(end="16:45").slots
    _, token = candidate_en()
    book(english_client, token, first.id)
    old_move = form_hidden_fields(english_client.get(f"/b/{token}"), "/reschedule")
    english_client.post(f"/b/{token}/cancel",
                        data=form_hidden_fields(english_client.get(f"/b/{token}/cancel"), "/cancel"))
    book(english_client, token, second.id)
    before = snapshot()

    response = english_client.post(f"/b/{token}/reschedule", data={**old_move, "slot": third.id}, follow_redirects=True)

    assert response.status_code == 200
    assert snapshot() == before
    assert active_bookings()[0].slot_id == second.id


def test_stale_forms_after_cancelling_change_nothing(english_client, make_session, candidate_en):
    first, second = make_session(end="16:30").slots
    _, token = candidate_en()
    book(english_client, token, first.id)
    old_move = form_hidden_fields(english_client.get(f"/b/{token}"), "/reschedule")
    old_cancel = form_hidden_fields(english_client.get(f"/b/{token}/cancel"), "/cancel")
    english_client.post(f"/b/{token}/cancel", data=old_cancel)
    before = snapshot()

    moved = english_client.post(f"/b/{token}/reschedule", data={**old_move, "slot": second.id}, follow_redirects=True)
    cancelled = english_client.post(f"/b/{token}/cancel", data=old_cancel, follow_redirects=True)

    assert moved.status_code == cancelled.status_code == 200
    assert "You have no booking to move" in page_text(moved)
    assert "There is no booking to cancel" in page_text(cancelled)
    assert snapshot() == before


def test_broken_reschedule_and_cancel_forms(english_client, make_session, candidate_en):
    first, second = make_session(end="16:30").slots
    _, token = candidate_en()
    book(english_client, token, first.id)
    [booking] = active_bookings()
    before = snapshot()

    forms = [
        {}, {"slot": second.id}, {"slot": second.id, "sequence": "0"}, {"slot": second.id, "booking": booking.id},
        {"slot": second.id, "sequence": "abc", "booking": "abc"},
        {"slot": second.id, "sequence": "0", "booking": "0"},
        {"slot": second.id, "sequence": "99999999999999999999", "booking": booking.id},
        {"slot": second.id, "sequence": "0", "booking": "99999999999999999999"},
        {"slot": "abc", "sequence": "0", "booking": booking.id},
        {"slot": "99999999999999999999", "sequence": "0", "booking": booking.id},
    ]
    for data in forms:
        moved = english_client.post(f"/b/{token}/reschedule", data=data)

        assert moved.status_code in (302, 409, 422), data
        assert snapshot() == before
    for data in forms[:-2]:  # the last two are a valid cancel form
        cancelled = english_client.post(f"/b/{token}/cancel", data=data)

        assert cancelled.status_code == 302, data
        assert snapshot() == before


def test_moving_to_a_slot_that_was_just_taken_keeps_the_current_booking(english_client, make_session, candidate_en):
    mine, wanted, other = make_session(end="16:45").slots
    _, token = candidate_en()
    _, someone_else = candidate_en()
    book(english_client, token, mine.id)
    page = english_client.get(f"/b/{token}")
    assert wanted.id in free_slot_ids(page.get_data(as_text=True))
    book(english_client, someone_else, wanted.id)
    before = snapshot()

    form = form_hidden_fields(page, "/reschedule")
    response = english_client.post(f"/b/{token}/reschedule", data={**form, "slot": wanted.id})

    assert response.status_code == 409
    text = page_text(response)
    assert "this slot was just taken" in text
    assert "16:00 – 16:15" in text  # the booking as it stands
    assert free_slot_ids(response.get_data(as_text=True)) == [other.id]
    assert snapshot() == before


def test_wrong_method_or_path_gives_an_error_page_not_a_500(english_client, make_session, candidate_en):
    make_session()
    _, token = candidate_en()
    before = snapshot()

    for action in ["book", "reschedule", "cancel/", "waitlist", "nothing-here"]:
        response = english_client.get(f"/b/{token}/{action}")

        assert response.status_code in (404, 405), action
        assert "To the home page" in page_text(response)
    assert snapshot() == before
