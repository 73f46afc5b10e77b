"""Ship-by deadlines (48 hours, or business days) and the carriers' tracking-number patterns."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from orders.fulfilment.carriers import BUILTIN, CarrierError, check_new_carrier, check_tracking_no
from orders.fulfilment.deadline import ShipByPolicy, ship_by


def test_the_default_deadline_is_48_hours_after_payment():
    paid = datetime(2026, 12, 4, 10, 0, tzinfo=timezone.utc)
    assert ship_by(paid, ShipByPolicy()) == datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)


def test_two_business_days_skip_the_weekend_and_holidays_and_end_at_local_midnight():
    friday_evening_beijing = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)  # 20:00 in Beijing, a Friday
    policy = ShipByPolicy("business_days", 2)
    # Monday and Tuesday count: the deadline is Tuesday 23:59:59 Beijing = 15:59:59 UTC.
    assert ship_by(friday_evening_beijing, policy) == datetime(2026, 12, 8, 15, 59, 59, tzinfo=timezone.utc)
    holiday = ShipByPolicy("business_days", 2, holidays=frozenset({date(2026, 12, 7)}))
    assert ship_by(friday_evening_beijing, holiday) == datetime(2026, 12, 9, 15, 59, 59, tzinfo=timezone.utc)


@pytest.mark.parametrize("code, number", [
    ("SF", "SF1234567890123"), ("SF", "123456789012"), ("SF", " sf 1234 5678 90123 "), ("ZTO", "773012345678"),
    ("YTO", "YT1234567890123"), ("YD", "4312345678901"), ("STO", "773123456789012"), ("JD", "JDVA00003618100"),
    ("EMS", "EA123456789CN"), ("EMS", "1136281381675"), ("JT", "JT1234567890123"),
])
def test_real_looking_numbers_pass_their_carrier(code, number):
    assert check_tracking_no(BUILTIN[code], number) == "".join(number.split()).upper()


@pytest.mark.parametrize("code, number", [("SF", "YT1234567890123"), ("YTO", "123"), ("JT", "JT12"),
                                          ("SF", "SF12345678901234567890123456789012345678901"), ("SF", "SF<script>")])
def test_numbers_of_another_shape_are_refused(code, number):
    with pytest.raises(CarrierError) as error:
        check_tracking_no(BUILTIN[code], number)
    assert error.value.field == "tracking_no"


def test_an_added_carrier_needs_a_new_code_and_a_pattern_that_compiles():
    assert check_new_carrier({"code": "db", "name_en": "Deppon", "name_zh": "德邦", "eta_days": 3})["code"] == "DB"
    for body, field in (({"code": "SF"}, "code"), ({"code": "X"}, "code"), ({"code": "DB", "tracking_pattern": "("},
                                                                          "tracking_pattern"),
                        ({"code": "DB", "eta_days": 0}, "eta_days")):
        with pytest.raises(CarrierError) as error:
            check_new_carrier(body)
        assert error.value.field == field
