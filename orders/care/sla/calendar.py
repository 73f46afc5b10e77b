"""Business-hours arithmetic (pure): a working calendar, adding business time to an instant, measuring it.

A calendar is a time zone, the working hours of each weekday (Monday first, as minutes after local midnight),
holiday dates with no working hours, and make-up working days (调休: a weekend day worked instead of a holiday,
with the hours of ``makeup_weekday``). Every instant given or returned is aware; arithmetic is done in UTC, so
a day that changes its clock (daylight saving, in zones that have it) counts the hours that really passed.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# Adding business time never looks further than this: with working hours on at least one weekday and a bounded
# holiday list, any target of the SLA policies is reached long before.
MAX_DAYS = 3660
Interval = tuple[int, int]  # [start, end) in minutes after local midnight, 0 <= start < end <= 1440
NINE_TO_SIX: tuple[Interval, ...] = ((9 * 60, 18 * 60),)


@dataclass(frozen=True)
class Calendar:
    """When people work: zone (IANA name), hours per weekday (7 tuples of intervals, Monday first), holidays
    (no work, whatever the weekday) and make-up workdays (调休: worked with the hours of makeup_weekday)."""

    zone: str = "Asia/Shanghai"
    hours: tuple[tuple[Interval, ...], ...] = (NINE_TO_SIX,) * 5 + ((), ())
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[date] = field(default_factory=frozenset)
    makeup_weekday: int = 0

    def intervals_of(self, day: date) -> tuple[Interval, ...]:
        """Return the working intervals of a local date (none on a holiday; a make-up day's hours on 调休)."""
        if day in self.holidays:
            return ()
        if day in self.makeup_workdays:
            return self.hours[self.makeup_weekday]
        return self.hours[day.weekday()]

    def has_working_time(self) -> bool:
        """Return True when some weekday has working hours (else no business time can ever pass)."""
        return any(self.hours)


@lru_cache(maxsize=32)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(timezone.utc)


def _local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of a local wall-clock minute of day (minute 1440 is the next midnight)."""
    # Adding to an aware datetime moves its wall clock; the offset is then the one in force at that wall time.
    return (datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minute)).astimezone(timezone.utc)


def working_spans(calendar: Calendar, since: datetime, days: int = MAX_DAYS) -> Iterator[tuple[datetime, datetime]]:
    """Yield the calendar's working spans in UTC, in order and never overlapping, from the local day before since's.

    Spans are clipped so each starts at or after the end of the one before: a wall-clock interval that crosses a
    clock change cannot count an hour twice or run backwards. Stops after `days` days.
    """
    zone = _zone(calendar.zone)
    day = since.astimezone(zone).date() - timedelta(days=1)
    previous_end = None
    for _ in range(days):
        for start_minute, end_minute in calendar.intervals_of(day):
            start = _local_instant(day, start_minute, zone)
            end = _local_instant(day, end_minute, zone)
            if previous_end is not None and start < previous_end:
                start = previous_end
            if end <= start:
                continue
            yield start, end
            previous_end = end
        day += timedelta(days=1)


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """Return the instant (UTC) at which `duration` of working time has passed since start.

    A zero duration gives start back; time outside working hours does not count, so a start on a Saturday
    evening counts from Monday's first working minute. ValueError for a negative duration or a calendar with no
    working time within MAX_DAYS days.
    """
    start = _aware(start, "start")
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    if duration == timedelta(0):
        return start
    remaining = duration
    for span_start, span_end in working_spans(calendar, start):
        if span_end <= start:
            continue
        begin = max(span_start, start)
        available = span_end - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise ValueError(f"the calendar has no working time within {MAX_DAYS} days")


def business_time_between(a: datetime, b: datetime, calendar: Calendar) -> timedelta:
    """Return the working time from a to b (negative when b is before a)."""
    a, b = _aware(a, "a"), _aware(b, "b")
    if b < a:
        return -business_time_between(b, a, calendar)
    total = timedelta(0)
    for span_start, span_end in working_spans(calendar, a, days=(b - a).days + 3):
        if span_start >= b:
            break
        overlap = min(span_end, b) - max(span_start, a)
        if overlap > timedelta(0):
            total += overlap
    return total


def is_working_time(moment: datetime, calendar: Calendar) -> bool:
    """Return True when moment falls inside the calendar's working hours."""
    moment = _aware(moment, "moment")
    for span_start, span_end in working_spans(calendar, moment):
        if span_start > moment:
            return False
        if span_start <= moment < span_end:
            return True
    return False
