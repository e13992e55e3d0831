"""Two Dutch working days after the decision: weekends and the public holidays of the Netherlands (from the
``holidays`` library) do not count."""

from datetime import date

import pytest

from app.calls.workdays import add_working_days, call_due_on, is_working_day, working_days_between


def test_a_rejection_on_the_friday_before_easter_monday_is_due_on_wednesday():
    friday, easter_monday = date(2027, 3, 26), date(2027, 3, 29)
    assert not is_working_day(easter_monday)
    assert call_due_on(friday) == date(2027, 3, 31)


@pytest.mark.parametrize(("decided", "due"), [
    (date(2026, 12, 7), date(2026, 12, 9)),     # Monday -> Wednesday
    (date(2026, 12, 10), date(2026, 12, 14)),   # Thursday -> Monday over the weekend
    (date(2026, 12, 12), date(2026, 12, 15)),   # a Saturday decision: Monday and Tuesday
    (date(2026, 12, 24), date(2026, 12, 29)),   # Christmas and Boxing Day
    (date(2027, 4, 26), date(2027, 4, 29)),     # King's Day, Tuesday 27 April
    (date(2027, 5, 4), date(2027, 5, 7)),       # Liberation Day 2027 counts (off every fifth year), Ascension not
    (date(2027, 5, 14), date(2027, 5, 19)),     # Whit Monday, 17 May
])
def test_weekends_and_dutch_public_holidays_do_not_count(decided, due):
    assert call_due_on(decided) == due


def test_the_day_of_the_decision_never_counts():
    assert add_working_days(date(2027, 3, 31), 0) == date(2027, 3, 31)
    assert add_working_days(date(2027, 3, 31), 1) == date(2027, 4, 1)
    assert working_days_between(date(2027, 3, 26), date(2027, 3, 31)) == 2
    assert working_days_between(date(2027, 3, 31), date(2027, 3, 26)) == 0
