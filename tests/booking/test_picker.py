"""The picker: days first, each with its places, then the times of the chosen day; and a form that comes
back with an error shows what was chosen, from the kept (cached) picker, without one candidate's choice ever
showing on another's page."""

import re

from app.booking.free_times import NO_CHOICE, PickerChoice, free_slots_by_day, picker_choice
from app.timeutil import local
from tests.booking.helpers import book, page_text


def checked(body: str, name: str) -> list[str]:
    """The values of the radio buttons or boxes called ``name`` that the page shows as chosen."""
    return [value for tag in re.findall(r"<input[^>]*>", body) if f'name="{name}"' in tag and " checked" in tag
            for value in re.findall(r'value="([^"]*)"', tag)]


def test_each_day_says_how_many_places_it_has(english_client, make_session, make_candidate):
    make_session(days_ahead=10, start="16:00", end="16:45")
    make_session(days_ahead=17, start="16:00", end="16:30")
    _, token = make_candidate(language="en")

    text = page_text(english_client.get(f"/b/{token}"))

    assert "3 places" in text and "2 places" in text
    assert "Choose a day" in text


def test_a_page_opened_from_the_link_opens_the_only_day_and_no_day_of_several(
    app, english_client, make_session, make_candidate
):
    app.config["FREE_SLOTS_FRESH_SECONDS"] = 0  # the second hour shows at once
    make_session(days_ahead=10)
    _, token = make_candidate(language="en")
    only = english_client.get(f"/b/{token}").get_data(as_text=True)
    assert len(checked(only, "day")) == 1 and checked(only, "slot") == []

    make_session(days_ahead=17)
    _, other = make_candidate(language="en")
    several = english_client.get(f"/b/{other}").get_data(as_text=True)
    assert checked(several, "day") == [] and checked(several, "slot") == []


def test_an_error_keeps_the_chosen_time_and_day_and_shows_the_summary(english_client, make_session,
                                                                     make_candidate):
    make_session(days_ahead=10)
    second = make_session(days_ahead=17)
    chosen = second.slots[2]
    day = local(chosen.starts_at).date().isoformat()
    _, anna = make_candidate(language="en")
    _, bram = make_candidate(language="en")
    english_client.get(f"/b/{bram}")  # the picker is kept (cached) for everyone

    response = book(english_client, anna, chosen.id, topics=[], question="Mijn cv?", day=day)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert checked(body, "slot") == [str(chosen.id)]
    assert checked(body, "day") == [day]
    assert "There is a problem" in page_text(response)
    assert re.search(r'<a href="#topics-0">Please tick at least one subject.</a>', body)
    assert "Mijn cv?" in body
    # Bram's page, from the same kept picker, shows nothing of Anna's choice.
    bram_page = english_client.get(f"/b/{bram}").get_data(as_text=True)
    assert checked(bram_page, "slot") == [] and checked(bram_page, "day") == []
    assert "There is a problem" not in bram_page


def test_no_time_chosen_sends_the_summary_to_the_open_day(english_client, make_session, make_candidate):
    make_session(days_ahead=10)
    second = make_session(days_ahead=17)
    day = local(second.starts_at).date().isoformat()
    _, token = make_candidate(language="en")

    response = english_client.post(f"/b/{token}/book", data={"topics": ["improve"], "day": day})

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert re.search(rf'<a href="#day-{day}">Please choose a time.</a>', body)
    assert checked(body, "day") == [day] and checked(body, "topics") == ["improve"]


def test_a_day_that_cannot_be_read_is_no_day_and_no_error(english_client, make_session, make_candidate):
    slot = make_session(days_ahead=10).slots[0]
    make_session(days_ahead=17)
    _, token = make_candidate(language="en")

    response = book(english_client, token, slot.id, day="31-02-2026<script>")

    assert response.status_code == 302


def test_the_choice_is_only_what_the_picker_still_offers(app, make_session):
    first, second = make_session(days_ahead=10), make_session(days_ahead=17)
    with app.test_request_context():
        days = free_slots_by_day()
    first_day, second_day = (local(s.starts_at).date() for s in (first, second))

    assert picker_choice(days, second.slots[1].id, first_day) == PickerChoice(second.slots[1].id, second_day)
    assert picker_choice(days, 10**9, second_day) == PickerChoice(None, second_day)
    assert picker_choice(days, None, first_day.replace(year=1999)) == NO_CHOICE
    assert picker_choice(days) is days.default_choice == NO_CHOICE
