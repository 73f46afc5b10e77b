"""SLA settings read from JSON: defaults, partial changes, and every bad value refused naming its field."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from orders.care.sla.calendar import Calendar
from orders.care.sla.policy import DEFAULT_TARGETS, SlaSettings, SlaSettingsError


def test_the_defaults_are_weekdays_nine_to_six_in_shanghai():
    settings = SlaSettings()
    data = settings.to_dict()
    assert data["calendar"]["zone"] == "Asia/Shanghai"
    assert data["calendar"]["hours"]["mon"] == ["09:00-18:00"] and data["calendar"]["hours"]["sun"] == []
    assert list(data["policies"]) == ["urgent", "high", "normal", "low"]
    assert SlaSettings.from_dict(data) == settings


def test_a_partial_change_keeps_the_rest():
    changed = SlaSettings.from_dict({"calendar": {"holidays": ["2026-10-01"], "makeup_workdays": ["2026-10-10"]},
                                     "policies": {"low": {"resolution_minutes": 6000}}})
    assert changed.calendar.holidays == frozenset({date(2026, 10, 1)})
    assert changed.calendar.makeup_workdays == frozenset({date(2026, 10, 10)})
    assert changed.targets["low"].resolution_minutes == 6000
    assert changed.targets["low"].first_response_minutes == DEFAULT_TARGETS["low"].first_response_minutes
    assert changed.targets["urgent"] == DEFAULT_TARGETS["urgent"]


def test_lunch_breaks_and_24_hour_days_are_read():
    settings = SlaSettings.from_dict({"calendar": {"hours": {"mon": ["13:00-18:00", "09:00-12:00"], "sun": ["00:00-24:00"]},
                                                   "makeup_weekday": "sat"}})
    assert settings.calendar.hours[0] == ((540, 720), (780, 1080))
    assert settings.calendar.hours[6] == ((0, 1440),)
    assert settings.calendar.makeup_weekday == 5


def test_due_times_follow_the_severity_targets():
    settings = SlaSettings(Calendar(hours=(((0, 1440),),) * 7))
    start = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
    assert settings.due_at("urgent", "first_response", start) == start + timedelta(hours=1)
    assert settings.due_at("low", "resolution", start) == start + timedelta(minutes=DEFAULT_TARGETS["low"].resolution_minutes)


@pytest.mark.parametrize("data, field", [
    ([], "body"),
    ({"calendar": []}, "calendar"),
    ({"calendar": {"zone": "../../etc/passwd"}}, "calendar.zone"),
    ({"calendar": {"hours": {"funday": []}}}, "calendar.hours"),
    ({"calendar": {"hours": {"mon": "09:00-18:00"}}}, "calendar.hours.mon"),
    ({"calendar": {"hours": {"mon": ["18:00-09:00"]}}}, "calendar.hours.mon[0]"),
    ({"calendar": {"hours": {"mon": ["09:60-10:00"]}}}, "calendar.hours.mon[0]"),
    ({"calendar": {"hours": {"mon": ["09:00-25:00"]}}}, "calendar.hours.mon[0]"),
    ({"calendar": {"holidays": ["2026-02-30"]}}, "calendar.holidays[0]"),
    ({"calendar": {"holidays": ["2026-01-01"] * 401}}, "calendar.holidays"),
    ({"calendar": {"makeup_weekday": "someday"}}, "calendar.makeup_weekday"),
    ({"policies": {"critical": {}}}, "policies"),
    ({"policies": {"high": {"first_response_minutes": True}}}, "policies.high.first_response_minutes"),
    ({"policies": {"high": {"first_response_minutes": 10**9}}}, "policies.high.first_response_minutes"),
    ({"policies": {"high": {"speed": 1}}}, "policies.high"),
])
def test_bad_settings_name_their_field(data, field):
    with pytest.raises(SlaSettingsError) as error:
        SlaSettings.from_dict(data)
    assert error.value.field == field
