"""Business-hours arithmetic: working time skips nights, weekends and holidays, counts make-up workdays, and adding
business time then measuring it gives the same duration back (properties, also across clock changes)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orders.care.sla.calendar import Calendar, add_business_time, business_time_between, is_working_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS_9_TO_6 = Calendar()
# National Day week of 2026 as the State Council publishes such weeks: Thursday 1 and Friday 2 October off,
# Saturday 10 October worked instead (调休).
NATIONAL_DAY = Calendar(holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}),
                        makeup_workdays=frozenset({date(2026, 10, 10)}))


def at(*parts: int) -> datetime:
    """Return an aware instant given as Shanghai wall-clock parts (year, month, day, hour, minute)."""
    return datetime(*parts, tzinfo=SHANGHAI)


def test_two_hours_from_friday_afternoon_end_on_monday_morning():
    due = add_business_time(at(2026, 12, 4, 17, 0), timedelta(hours=2), WEEKDAYS_9_TO_6)
    assert due == at(2026, 12, 7, 10, 0)
    assert due.tzinfo == timezone.utc


def test_the_weekend_counts_for_nothing_between_friday_and_monday():
    assert business_time_between(at(2026, 12, 4, 17, 0), at(2026, 12, 7, 10, 0), WEEKDAYS_9_TO_6) == timedelta(hours=2)
    assert business_time_between(at(2026, 12, 5, 9, 0), at(2026, 12, 6, 23, 0), WEEKDAYS_9_TO_6) == timedelta(0)


def test_a_complaint_made_on_saturday_evening_starts_counting_on_monday_at_nine():
    assert add_business_time(at(2026, 12, 5, 20, 30), timedelta(minutes=30), WEEKDAYS_9_TO_6) == at(2026, 12, 7, 9, 30)


def test_holidays_are_skipped_and_a_make_up_saturday_is_worked():
    # Wednesday 30 September, 17:00: one hour that day, then Thursday and Friday are holidays.
    assert add_business_time(at(2026, 9, 30, 17, 0), timedelta(hours=2), NATIONAL_DAY) == at(2026, 10, 5, 10, 0)
    # Friday 9 October, 17:00: the next working hours are on the make-up Saturday.
    assert add_business_time(at(2026, 10, 9, 17, 0), timedelta(hours=2), NATIONAL_DAY) == at(2026, 10, 10, 10, 0)
    assert business_time_between(at(2026, 9, 30, 9, 0), at(2026, 10, 6, 9, 0), NATIONAL_DAY) == timedelta(hours=9 * 2)


def test_a_whole_week_with_a_holiday_and_a_weekend_has_four_working_days():
    assert business_time_between(at(2026, 9, 28, 0, 0), at(2026, 10, 5, 0, 0), NATIONAL_DAY) == timedelta(hours=27)


def test_a_due_time_on_the_last_minute_of_the_day_is_the_end_of_the_day():
    assert add_business_time(at(2026, 12, 7, 9, 0), timedelta(hours=9), WEEKDAYS_9_TO_6) == at(2026, 12, 7, 18, 0)


def test_lunch_breaks_are_not_working_time():
    calendar = Calendar(hours=(((9 * 60, 12 * 60), (13 * 60, 18 * 60)),) * 5 + ((), ()))
    assert add_business_time(at(2026, 12, 7, 11, 30), timedelta(hours=1), calendar) == at(2026, 12, 7, 13, 30)
    assert not is_working_time(at(2026, 12, 7, 12, 30), calendar)
    assert is_working_time(at(2026, 12, 7, 13, 0), calendar)


def test_measuring_backwards_gives_a_negative_duration():
    assert business_time_between(at(2026, 12, 7, 10, 0), at(2026, 12, 4, 17, 0), WEEKDAYS_9_TO_6) == -timedelta(hours=2)


def test_zero_time_is_the_start_itself_and_negative_or_naive_input_is_refused():
    start = at(2026, 12, 5, 20, 0)
    assert add_business_time(start, timedelta(0), WEEKDAYS_9_TO_6) == start
    with pytest.raises(ValueError):
        add_business_time(start, timedelta(minutes=-1), WEEKDAYS_9_TO_6)
    with pytest.raises(ValueError):
        add_business_time(datetime(2026, 12, 5, 20, 0), timedelta(hours=1), WEEKDAYS_9_TO_6)


def test_a_calendar_without_working_time_is_an_error_not_a_hang():
    with pytest.raises(ValueError):
        add_business_time(at(2026, 12, 5, 20, 0), timedelta(hours=1), Calendar(hours=((),) * 7))


def test_a_day_that_changes_its_clock_counts_the_hours_that_really_passed():
    # Europe/Berlin springs forward on 29 March 2026: a 00:00-24:00 day has 23 hours.
    round_the_clock = Calendar(zone="Europe/Berlin", hours=(((0, 24 * 60),),) * 7)
    berlin = ZoneInfo("Europe/Berlin")
    day = business_time_between(datetime(2026, 3, 29, tzinfo=berlin), datetime(2026, 3, 30, tzinfo=berlin),
                                round_the_clock)
    assert day == timedelta(hours=23)


# Properties: any start (2020-2030), any duration up to a few working weeks, calendars in zones with and without
# daylight saving, with lunch breaks, intervals across the clock change, holidays and make-up days.
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(timezone.utc))
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=200))
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 3, 1))


@st.composite
def calendars(draw) -> Calendar:
    """Return a random calendar with working time on at least one weekday."""
    zone = draw(st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"]))
    day_hours = st.sampled_from([(), ((9 * 60, 18 * 60),), ((9 * 60, 12 * 60), (13 * 60, 18 * 60)),
                                 ((0, 24 * 60),), ((90, 210),), ((150, 20 * 60),)])
    hours = tuple(draw(day_hours) for _ in range(7))
    if not any(hours):
        hours = (((9 * 60, 18 * 60),),) + hours[1:]
    holidays = frozenset(draw(st.lists(dates, max_size=40)))
    makeup = frozenset(draw(st.lists(dates, max_size=10))) - holidays
    return Calendar(zone, hours, holidays, makeup, draw(st.integers(0, 6)))


@settings(max_examples=300, deadline=None)
@given(instants, durations, calendars())
def test_adding_business_time_then_measuring_it_gives_the_duration_back(start, duration, calendar):
    due = add_business_time(start, duration, calendar)
    assert due >= start
    assert business_time_between(start, due, calendar) == duration


@settings(max_examples=200, deadline=None)
@given(instants, durations, durations, calendars())
def test_more_business_time_is_never_due_earlier(start, first, second, calendar):
    shorter, longer = sorted((first, second))
    assert add_business_time(start, shorter, calendar) <= add_business_time(start, longer, calendar)


@settings(max_examples=200, deadline=None)
@given(instants, instants, calendars())
@pytest.mark.slow
def test_business_time_never_exceeds_the_time_that_passed_and_adds_up(a, b, calendar):
    a, b = sorted((a, b))
    middle = a + (b - a) / 2
    assert timedelta(0) <= business_time_between(a, b, calendar) <= b - a
    assert business_time_between(a, middle, calendar) + business_time_between(middle, b, calendar) == \
        business_time_between(a, b, calendar)
