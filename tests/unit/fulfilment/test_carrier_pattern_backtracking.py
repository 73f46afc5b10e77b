"""Carrier tracking-number patterns cannot stall the server (probe 2, finding 17): a pattern whose repeats of varying
length can split a number many ways (``\\d*\\d*…``) is refused when added, and matching runs in time linear in the
number whatever the pattern, so one stored before the check is harmless too. Every input here is small: nothing
is timed against Python's backtracking re."""
from __future__ import annotations

import time

import pytest

from orders.fulfilment.carriers import (BUILTIN, Carrier, CarrierError, check_new_carrier, check_tracking_no,
                                        tracking_matches)

STALLING = "\\d*" * 12 + "X"  # 37 characters: hours for Python's re on a 40-digit number


@pytest.mark.parametrize("pattern", [
    "\\d*\\d*\\d*\\d*\\d*\\d*\\d*X", "\\d{0,9}\\d{0,9}\\d{0,9}X", "(\\d*)\\d*X", "\\d+[A-Z]?\\d*X",
    "(\\d+|\\d+X)(\\d+|X)", "[0-9]*\\d+X", "(?:SF)?\\d*\\d{2,}X",
])
def test_adjacent_repeats_that_could_take_the_same_characters_are_refused(pattern):
    with pytest.raises(CarrierError) as refused:
        check_new_carrier({"code": "EV", "name_en": "Evil", "tracking_pattern": pattern})
    assert refused.value.code == "invalid_pattern" and refused.value.field == "tracking_pattern"
    assert refused.value.status == 400


@pytest.mark.parametrize("pattern", ["(\\d)\\1{11}", "(?=\\d)\\d{12}", "\\d{12}+", "(?>\\d{12})"])
def test_patterns_the_linear_matcher_cannot_take_are_refused(pattern):
    with pytest.raises(CarrierError) as refused:
        check_new_carrier({"code": "EV", "tracking_pattern": pattern})
    assert refused.value.field == "tracking_pattern"


def test_plain_patterns_and_the_built_in_ones_are_still_taken():
    for pattern in [c.tracking_pattern for c in BUILTIN.values()] + [
            "DPK\\d{12}", "(DB|DP)\\d{10,12}", "[A-Z]+\\d+", "^\\d{12,15}$", "(?i)db\\d{10}", "[A-Z]{2}-\\d{8}"]:
        assert check_new_carrier({"code": "DB", "tracking_pattern": pattern})["tracking_pattern"] == pattern


@pytest.mark.parametrize(("pattern", "number", "fits"), [
    ("SF\\d{13}|\\d{12}", "SF1234567890123", True), ("SF\\d{13}|\\d{12}", "1234567890123", False),
    ("\\d{12,15}", "1" * 15, True), ("\\d{12,15}", "1" * 16, False), ("(?i)db\\d{3}", "DB123", True),
    ("db\\d{3}", "DB123", False), ("[^A]{3}", "BCD", True), ("[^A]{3}", "ACD", False), ("(A|B)*C", "ABBAC", True),
    ("^\\d{3}$", "123", True), ("(\\d?){50}", "1" * 40, True), ("(\\d{2}){21}", "1" * 40, False),
    ("\\d{50}", "1" * 40, False), ("\\d{0,50}", "1" * 40, True),
    ("[A-Z]{2}\\d{9}[A-Z]{2}|\\d{13}", "EA123456789CN", True),
])
def test_the_linear_matcher_answers_as_a_whole_match_would(pattern, number, fits):
    assert tracking_matches(pattern, number) is fits


def test_a_stalling_pattern_stored_before_the_check_answers_at_once():
    legacy = Carrier("OLD", "Old", "旧", STALLING, None, None, 3, builtin=False)
    started = time.perf_counter()
    with pytest.raises(CarrierError):
        check_tracking_no(legacy, "1" * 40)
    assert check_tracking_no(legacy, "1" * 39 + "X") == "1" * 39 + "X"
    assert tracking_matches("(0|0)" * 20 + "X", "0" * 20 + "1") is False  # 2^20 ways for re, 21 steps here
    assert time.perf_counter() - started < 0.5


def test_a_stored_pattern_the_matcher_cannot_take_is_not_used():
    legacy = Carrier("OLD", "Old", "旧", "(\\d)\\1{11}", None, None, 3, builtin=False)
    assert check_tracking_no(legacy, "123456789012") == "123456789012"  # as with no pattern: only the shape
    with pytest.raises(CarrierError):
        check_tracking_no(legacy, "12")
