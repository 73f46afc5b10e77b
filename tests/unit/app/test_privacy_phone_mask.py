"""The buyer's phone, masked (app/privacy.py mask_phone): a mainland mobile reads as 138****5678 however it was
typed, country code or not (probe 2 of session 11: "+86 137 0000 2222" read 861******2222)."""
from __future__ import annotations

import pytest

from app.privacy import mask_phone


@pytest.mark.parametrize("raw, masked", [
    ("+86 137 0000 2222", "137****2222"), ("+86 137-1111-2222", "137****2222"), ("+8613700002222", "137****2222"),
    ("0086 13700002222", "137****2222"), ("8613700002222", "137****2222"), ("13812345678", "138****5678"),
    ("138 1234 5678", "138****5678"),
])
def test_a_mainland_mobile_is_masked_without_its_country_code(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("+44 20 7946 0958", "442*****0958"), ("+1 415 555 0100", "141****0100"), ("12345", "*****"), ("", ""),
    (None, None),
])
def test_other_numbers_keep_every_digit_in_the_mask(raw, masked):
    assert mask_phone(raw) == masked
