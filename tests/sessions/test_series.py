"""Planning several months at once: the right dates, a preview before anything is created,
existing days skipped (and said so), drafts unless published at once."""

from datetime import date, time, timedelta

from app.booking.services import join_waitlist
from app.models import FeedbackSessionStatus
from app.sessions import series
from app.timeutil import from_local, local
from tests.booking.helpers import page_text
from tests.helpers import outbox
from tests.sessions.helpers import BASE, all_sessions


def _series_data(recruiter, **overrides) -> dict:
    data = {"nth": "2", "weekday": "1", "start": "16:00", "end": "18:00", "months": "6", "slot_minutes": "15",
            "breaks": "17:00-17:15", "location": "Spreekkamer 3", "video_url": "", "hosts": [str(recruiter.id)],
            "modes": ["on_site"]}
    data.update(overrides)
    return data


def _second_tuesdays_after(today: date, count: int) -> list[date]:
    """The oracle, by brute force: days after today that are a Tuesday in the 8th..14th."""
    days, day = [], today + timedelta(days=1)
    while len(days) < count:
        if day.weekday() == 1 and 8 <= day.day <= 14:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_second_tuesday_for_six_months():
    assert series.series_dates(2, 1, 6, today=date(2026, 3, 1)) == [
        date(2026, 3, 10), date(2026, 4, 14), date(2026, 5, 12), date(2026, 6, 9), date(2026, 7, 14), date(2026, 8, 11)]
    # Once this month's date has passed (or is today), the series starts next month; and it crosses the year.
    assert series.series_dates(2, 1, 3, today=date(2026, 11, 10)) == [
        date(2026, 12, 8), date(2027, 1, 12), date(2027, 2, 9)]


def test_first_and_last_weekday_of_the_month():
    assert series.nth_weekday(2026, 3, 1, 0) == date(2026, 3, 2)     # first Monday
    assert series.nth_weekday(2026, 3, -1, 4) == date(2026, 3, 27)   # last Friday
    assert series.nth_weekday(2026, 5, -1, 6) == date(2026, 5, 31)   # last Sunday is the last day
    assert series.nth_weekday(2026, 2, 4, 5) == date(2026, 2, 28)    # fourth Saturday


def test_preview_shows_the_dates_and_creates_nothing(english_client, recruiter):
    response = english_client.post(f"{BASE}/plan", data=_series_data(recruiter))

    assert response.status_code == 200
    text = page_text(response)
    assert "The dates: the second Tuesday of each month" in text
    for day in _second_tuesdays_after(local(series.utcnow()).date(), 6):
        assert f"{day.strftime('%A')} {day.day} {day.strftime('%B')} {day.year}, 16:00 – 18:00" in text
    assert "Create 6 feedback hours as drafts" in text
    assert all_sessions() == []


def test_creating_the_series_makes_drafts_and_skips_days_that_have_a_session(english_client, recruiter, make_session):
    expected = _second_tuesdays_after(local(series.utcnow()).date(), 6)
    taken = expected[2]
    existing = make_session(days_ahead=(taken - local(series.utcnow()).date()).days, start="10:00", end="11:00")
    preview = page_text(english_client.post(f"{BASE}/plan", data=_series_data(recruiter)))
    assert "skipped: there is a feedback hour on that day already" in preview
    assert "Create 5 feedback hours as drafts" in preview

    response = english_client.post(f"{BASE}/plan", data=_series_data(recruiter, step="create"))

    assert response.status_code == 302
    listing = page_text(english_client.get(response.location))
    assert "5 feedback hours are planned. They are drafts until you publish them." in listing
    assert f"Skipped {taken.strftime('%A')} {taken.day} {taken.strftime('%B')} {taken.year}" in listing
    created = [s for s in all_sessions() if s.id != existing.id]
    assert [local(s.starts_at).date() for s in created] == [d for d in expected if d != taken]
    for feedback_session in created:
        day = local(feedback_session.starts_at).date()
        assert feedback_session.status == FeedbackSessionStatus.DRAFT
        assert (feedback_session.starts_at, feedback_session.ends_at) == (
            from_local(day, time(16)),
            from_local(day, time(18)),
        )
        assert feedback_session.breaks == [["17:00", "17:15"]] and len(feedback_session.slots) == 7
        assert [h.id for h in feedback_session.hosts] == [recruiter.id]


def test_a_cancelled_session_does_not_block_its_day(english_client, recruiter, make_session):
    first = _second_tuesdays_after(local(series.utcnow()).date(), 1)[0]
    cancelled = make_session(
        days_ahead=(first - local(series.utcnow()).date()).days, status=FeedbackSessionStatus.CANCELLED
    )
    english_client.post(f"{BASE}/plan", data=_series_data(recruiter, months="1", step="create"))
    assert [s.status for s in all_sessions() if s.id != cancelled.id] == [FeedbackSessionStatus.DRAFT]


def test_publishing_at_once_offers_the_places_to_the_waitlist(english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(language="en")
    join_waitlist(candidate)

    english_client.post(f"{BASE}/plan", data=_series_data(recruiter, months="2", publish="y", step="create"))

    assert [s.status for s in all_sessions()] == [FeedbackSessionStatus.PUBLISHED] * 2
    assert [m.candidate_id for m in outbox("waitlist_offer")] == [candidate.id]


def test_series_form_errors_keep_input(english_client, recruiter):
    response = english_client.post(f"{BASE}/plan", data=_series_data(recruiter, months="13", end="15:00", nth="9"))
    assert response.status_code == 422
    text = page_text(response)
    assert "Choose between 1 and 12 months." in text
    assert "The end must be after the start." in text
    assert all_sessions() == []


def test_no_sessions_yet_shows_the_call_to_action(english_client, recruiter):
    response = english_client.get(f"{BASE}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "No feedback hours yet" in text
    assert f'href="{BASE}/plan"' in response.get_data(as_text=True)
    assert "Plan the feedback hours" in text


def test_list_shows_counts_badges_and_past_sessions_below(english_client, recruiter, make_session, book):
    upcoming = make_session(days_ahead=10, start="16:00", end="17:00")
    book(upcoming.slots[0])
    draft = make_session(days_ahead=40, status=FeedbackSessionStatus.DRAFT)
    past = make_session(days_ahead=-20)

    response = english_client.get(f"{BASE}/")

    body = response.get_data(as_text=True)
    coming, _, earlier = body.partition('<h2 id="past-h">Past</h2>')
    assert f"{BASE}/{upcoming.id}" in coming and f"{BASE}/{draft.id}" in coming
    assert coming.index(f"{BASE}/{upcoming.id}") < coming.index(f"{BASE}/{draft.id}")  # soonest first
    assert f"{BASE}/{past.id}" in earlier and f"{BASE}/{past.id}" not in coming
    assert "1 of 4" in page_text(response)
    assert 'class="badge badge-draft"' in coming and 'class="badge badge-published"' in coming
