"""The booking page when everyone opens it at once: a process reuses the free times it read less than
FREE_SLOTS_FRESH_SECONDS ago and the picker it rendered for that list, and still never shows a candidate
a time that is no longer free after its own bookings, nor anybody else's typing."""

from datetime import timedelta

import pytest

from app import create_app
from app.database import utcnow
from app.extensions import db
from tests.booking.helpers import active_bookings, book, day_groups, page_text
from tests.fixtures.app import FreshGlobalsClient, app_settings
from tests.helpers import free_slot_ids


@pytest.fixture
def other_process(database_url, tmp_path):
    """A second portal on the same database, with nothing in memory shared with the test's app: what
    another gunicorn worker is."""
    other = create_app(app_settings(database_url, tmp_path / "other"))
    other.test_client_class = FreshGlobalsClient  # ends the test's own transaction first, as the app's does
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_time_booked_through_this_process_is_gone_from_the_next_page_at_once(english_client, make_session,
                                                                               make_candidate):
    feedback_session = make_session(start="16:00", end="16:45")
    first = feedback_session.slots[0]
    _, anna = make_candidate()
    _, bram = make_candidate()
    assert free_slot_ids(english_client.get(f"/b/{anna}").get_data(as_text=True))[0] == first.id

    assert book(english_client, bram, first.id).status_code == 302

    assert first.id not in free_slot_ids(english_client.get(f"/b/{anna}").get_data(as_text=True))


def test_a_time_booked_through_another_process_is_gone_within_the_fresh_seconds(
    app, english_client, make_session, make_candidate, other_process, monkeypatch
):
    feedback_session = make_session(start="16:00", end="16:45")
    first = feedback_session.slots[0]
    _, anna = make_candidate()
    _, bram = make_candidate()
    _, carla = make_candidate()
    assert first.id in free_slot_ids(english_client.get(f"/b/{anna}").get_data(as_text=True))

    assert book(other_process.test_client(), bram, first.id).status_code == 302

    # Carla chooses the time this process still remembers as free: "just taken", and the times that are
    # really still free, read afresh.
    response = book(english_client, carla, first.id)
    assert response.status_code == 409
    assert "just taken" in page_text(response)
    assert first.id not in free_slot_ids(response.get_data(as_text=True))
    assert [b.slot_id for b in active_bookings(first.id)] == [first.id]

    # Anna's page, a second later than anything this process read, without its own commit in between.
    app.extensions.pop("booking.free_days", None)
    english_client.get(f"/b/{anna}")  # read and remembered now
    later = utcnow() + timedelta(seconds=app.config["FREE_SLOTS_FRESH_SECONDS"])
    assert book(other_process.test_client(), carla, feedback_session.slots[1].id).status_code == 302
    monkeypatch.setattr("app.booking.routes.utcnow", lambda: later)
    assert free_slot_ids(english_client.get(f"/b/{anna}").get_data(as_text=True)) == [
        s.id for s in feedback_session.slots[2:]
    ]


def test_each_language_gets_its_own_picker_for_the_same_times(app, make_session, make_candidate):
    client = app.test_client()  # not the English one of these tests: each page in its candidate's language
    make_session(start="16:00", end="16:30")
    _, dutch = make_candidate(language="nl")
    _, english = make_candidate(language="en")

    for _ in range(2):  # the second time from what the process kept
        dutch_page, english_page = client.get(f"/b/{dutch}"), client.get(f"/b/{english}")
        assert "Waar:" in page_text(dutch_page) and "Where:" not in page_text(dutch_page)
        assert "Where:" in page_text(english_page) and "Waar:" not in page_text(english_page)
        (dutch_day, dutch_times), = day_groups(dutch_page)
        (english_day, english_times), = day_groups(english_page)
        assert dutch_times == english_times == ["16:00 – 16:15", "16:15 – 16:30"]
        assert dutch_day != english_day  # "dinsdag 8 december 2026", "Tuesday, December 8, 2026"


def test_what_one_candidate_typed_never_shows_on_another_candidates_page(english_client, make_session, make_candidate):
    make_session(start="16:00", end="16:30")
    _, anna = make_candidate(language="en")
    _, bram = make_candidate(language="en")
    english_client.get(f"/b/{bram}")

    # Anna forgets to choose a time: her page comes back with her question and the error.
    response = english_client.post(f"/b/{anna}/book", data={"topics": ["improve"], "question": "Mijn motivatiebrief?"})
    assert response.status_code == 422
    assert "Please choose a time." in page_text(response)
    assert "Mijn motivatiebrief?" in response.get_data(as_text=True)

    bram_page = english_client.get(f"/b/{bram}").get_data(as_text=True)
    assert "Mijn motivatiebrief?" not in bram_page
    assert "Please choose a time." not in bram_page
    assert "checked" not in bram_page  # no subject ticked, no consent ticked


def test_free_times_read_again_unchanged_are_the_same_key_and_changed_ones_a_new_key(
    app, english_client, make_session, make_candidate, monkeypatch
):
    """The rendered picker is found under the free times themselves: read again after they went stale
    and still the same, they are the object the process already keys by (found without comparing every
    time); once a time is booked, they are another key, and the page shows the new list."""
    from app.booking.free_times import free_slots_by_day

    feedback_session = make_session(start="16:00", end="16:45")
    _, anna = make_candidate()
    _, bram = make_candidate()
    english_client.get(f"/b/{anna}")
    first = free_slots_by_day()
    later = utcnow() + timedelta(seconds=app.config["FREE_SLOTS_FRESH_SECONDS"] + 1)
    again = free_slots_by_day(later)
    assert again is first and hash(again) == hash(first)

    assert book(english_client, bram, feedback_session.slots[0].id).status_code == 302
    after_booking = free_slots_by_day(later)
    assert after_booking != first
    assert [s.id for day in after_booking for s in day.slots] == [s.id for s in feedback_session.slots[1:]]
    assert free_slot_ids(english_client.get(f"/b/{anna}").get_data(as_text=True)) == [
        s.id for s in feedback_session.slots[1:]
    ]
