"""SLA settings (pure): the business calendar and, per severity, the first-response and resolution targets.

Read from and written to JSON (the admin's settings API and page) with every error naming its field:

    {"calendar": {"zone": "Asia/Shanghai", "hours": {"mon": ["09:00-12:00", "13:00-18:00"], ..., "sun": []},
                  "holidays": ["2026-10-01"], "makeup_workdays": ["2026-10-10"], "makeup_weekday": "mon"},
     "policies": {"urgent": {"first_response_minutes": 60, "resolution_minutes": 480}, ...}}
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from orders.care.sla.calendar import MINUTES_PER_DAY, Calendar, Interval, add_business_time

SEVERITIES = ("urgent", "high", "normal", "low")
TARGETS = ("first_response", "resolution")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_TARGET_MINUTES = 60 * 24 * 60  # sixty days of business time
MAX_DATES = 400
MAX_INTERVALS = 6
_INTERVAL = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")


class SlaSettingsError(ValueError):
    """An SLA setting is invalid; field names the offending key (a dotted path)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class Target:
    """How much business time a complaint of one severity may take to a first response and to resolution."""

    first_response_minutes: int
    resolution_minutes: int

    def minutes(self, target: str) -> int:
        """Return the minutes of the named target (first_response or resolution)."""
        return self.first_response_minutes if target == "first_response" else self.resolution_minutes


DEFAULT_TARGETS = {
    "urgent": Target(60, 8 * 60),
    "high": Target(2 * 60, 2 * 9 * 60),
    "normal": Target(4 * 60, 3 * 9 * 60),
    "low": Target(9 * 60, 5 * 9 * 60),
}


@dataclass(frozen=True)
class SlaSettings:
    """The calendar business time is counted in, and the targets of each severity."""

    calendar: Calendar = field(default_factory=Calendar)
    targets: dict[str, Target] = field(default_factory=lambda: dict(DEFAULT_TARGETS))

    def due_at(self, severity: str, target: str, start: datetime) -> datetime:
        """Return when the target (first_response or resolution) of a complaint of severity started at start is due."""
        minutes = self.targets[severity].minutes(target)
        return add_business_time(start, timedelta(minutes=minutes), self.calendar)

    def to_dict(self) -> dict:
        """Return the settings as JSON-ready data (the shape from_dict reads)."""
        cal = self.calendar
        return {
            "calendar": {
                "zone": cal.zone,
                "hours": {name: [_interval_text(i) for i in cal.hours[n]] for n, name in enumerate(WEEKDAYS)},
                "holidays": sorted(d.isoformat() for d in cal.holidays),
                "makeup_workdays": sorted(d.isoformat() for d in cal.makeup_workdays),
                "makeup_weekday": WEEKDAYS[cal.makeup_weekday],
            },
            "policies": {s: {"first_response_minutes": t.first_response_minutes,
                             "resolution_minutes": t.resolution_minutes} for s, t in self.targets.items()},
        }

    @classmethod
    def from_dict(cls, data, base: SlaSettings | None = None) -> SlaSettings:
        """Return base (default: the defaults) with what data sets; SlaSettingsError names a bad field."""
        base = base or cls()
        if not isinstance(data, dict):
            raise SlaSettingsError("body", "the settings must be a JSON object")
        unknown = set(data) - {"calendar", "policies"}
        if unknown:
            raise SlaSettingsError(str(sorted(unknown)[0])[:64], "unknown field")
        calendar = _calendar(data["calendar"], base.calendar) if "calendar" in data else base.calendar
        targets = _targets(data["policies"], base.targets) if "policies" in data else base.targets
        return cls(calendar, targets)


def _interval_text(interval: Interval) -> str:
    start, end = interval
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def _parse_interval(text, path: str) -> Interval:
    match = _INTERVAL.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise SlaSettingsError(path, "each interval is HH:MM-HH:MM, e.g. 09:00-18:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or start >= MINUTES_PER_DAY or end > MINUTES_PER_DAY or start >= end:
        raise SlaSettingsError(path, "an interval starts before it ends, within 00:00-24:00")
    return start, end


def _day_hours(raw, path: str) -> tuple[Interval, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_INTERVALS:
        raise SlaSettingsError(path, f"a list of at most {MAX_INTERVALS} intervals")
    intervals = sorted(_parse_interval(text, f"{path}[{n}]") for n, text in enumerate(raw))
    for (_s1, e1), (s2, _e2) in zip(intervals, intervals[1:]):
        if s2 < e1:
            raise SlaSettingsError(path, "intervals of one day must not overlap")
    return tuple(intervals)


def _dates(raw, path: str) -> frozenset[date]:
    if not isinstance(raw, list) or len(raw) > MAX_DATES:
        raise SlaSettingsError(path, f"a list of at most {MAX_DATES} dates (YYYY-MM-DD)")
    found = set()
    for n, text in enumerate(raw):
        try:
            if not isinstance(text, str) or len(text) != 10:
                raise ValueError
            found.add(date.fromisoformat(text))
        except ValueError:
            raise SlaSettingsError(f"{path}[{n}]", "a date is YYYY-MM-DD") from None
    return frozenset(found)


def _zone_name(raw) -> str:
    if not isinstance(raw, str) or not 0 < len(raw) <= 64 or raw not in available_timezones():
        raise SlaSettingsError("calendar.zone", "an IANA time zone name, e.g. Asia/Shanghai")
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SlaSettingsError("calendar.zone", "an IANA time zone name, e.g. Asia/Shanghai") from None
    return raw


def _calendar(raw, base: Calendar) -> Calendar:
    if not isinstance(raw, dict):
        raise SlaSettingsError("calendar", "must be an object")
    unknown = set(raw) - {"zone", "hours", "holidays", "makeup_workdays", "makeup_weekday"}
    if unknown:
        raise SlaSettingsError(f"calendar.{str(sorted(unknown)[0])[:64]}", "unknown field")
    zone = _zone_name(raw["zone"]) if "zone" in raw else base.zone
    hours = list(base.hours)
    if "hours" in raw:
        if not isinstance(raw["hours"], dict) or set(raw["hours"]) - set(WEEKDAYS):
            raise SlaSettingsError("calendar.hours", f"an object keyed by {', '.join(WEEKDAYS)}")
        for name, value in raw["hours"].items():
            hours[WEEKDAYS.index(name)] = _day_hours(value, f"calendar.hours.{name}")
    holidays = _dates(raw["holidays"], "calendar.holidays") if "holidays" in raw else base.holidays
    makeup = _dates(raw["makeup_workdays"], "calendar.makeup_workdays") if "makeup_workdays" in raw \
        else base.makeup_workdays
    makeup_weekday = base.makeup_weekday
    if "makeup_weekday" in raw:
        if raw["makeup_weekday"] not in WEEKDAYS:
            raise SlaSettingsError("calendar.makeup_weekday", f"one of {', '.join(WEEKDAYS)}")
        makeup_weekday = WEEKDAYS.index(raw["makeup_weekday"])
    if holidays & makeup:
        raise SlaSettingsError("calendar.makeup_workdays", "a date cannot be a holiday and a make-up workday")
    calendar = Calendar(zone, tuple(hours), holidays, makeup, makeup_weekday)
    if not calendar.has_working_time():
        raise SlaSettingsError("calendar.hours", "at least one weekday needs working hours")
    return calendar


def _targets(raw, base: dict[str, Target]) -> dict[str, Target]:
    if not isinstance(raw, dict) or set(raw) - set(SEVERITIES):
        raise SlaSettingsError("policies", f"an object keyed by {', '.join(SEVERITIES)}")
    targets = dict(base)
    for severity, value in raw.items():
        path = f"policies.{severity}"
        if not isinstance(value, dict) or set(value) - {"first_response_minutes", "resolution_minutes"}:
            raise SlaSettingsError(path, "an object with first_response_minutes and resolution_minutes")
        minutes = {}
        for key in ("first_response_minutes", "resolution_minutes"):
            number = value.get(key, getattr(base[severity], key))
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_TARGET_MINUTES:
                raise SlaSettingsError(f"{path}.{key}", f"a whole number of minutes from 1 to {MAX_TARGET_MINUTES}")
            minutes[key] = number
        if minutes["first_response_minutes"] > minutes["resolution_minutes"]:
            raise SlaSettingsError(f"{path}.first_response_minutes",
                                   "the first response cannot be due after resolution")
        targets[severity] = Target(**minutes)
    return targets
