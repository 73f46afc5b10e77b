"""normalize_phone: mainland mobiles and E.164 numbers, with spaces and dashes tolerated."""
from __future__ import annotations

import pytest

from orders.audit import normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86-138-1234-5678", "+8613812345678"),
        (" 19912345678 ", "+8619912345678"),
        ("+852 9123 4567", "+85291234567"),
        ("+1 415-555-2671", "+14155552671"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_accepted_phone_formats_normalise_to_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12812345678",  # 12x is not a mobile prefix
        "1381234567",  # ten digits
        "138123456789",  # twelve digits
        "+86 10 6552 9988",  # Beijing landline: couriers need a mobile
        "4155552671",  # foreign number without its country code
        "+0 123 4567",  # country codes never start with 0
        "+1234567890123456",  # longer than E.164 allows
        "(138) 1234 5678",  # parentheses are not tolerated
        "１３８１２３４５６７８",  # full-width digits
        "138 1234 567a",
        "",
        None,
        13812345678,
    ],
)
def test_unusable_phones_normalise_to_none(raw: object) -> None:
    assert normalize_phone(raw) is None
