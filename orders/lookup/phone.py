"""The normalised buyer phone the look-up searches: digits only, the mainland country code stripped (pure)."""
from __future__ import annotations

import unicodedata

# A mainland number written with its country code: 86 + an 11-digit mobile (or 0086 + it).
_MAINLAND_LENGTH = 11


def phone_digits(raw: object) -> str | None:
    """Return the digits of a phone number with the +86 / 0086 country code stripped, or None when it has none.

    Full-width digits are folded first (１３８… is 138…); spaces, dashes, brackets and the plus sign go.
    Numbers of other countries keep their country code: +44 20 7946 0958 becomes 442079460958.
    """
    if not isinstance(raw, str):
        return None
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", raw) if "0" <= ch <= "9")
    for prefix in ("0086", "86"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) == _MAINLAND_LENGTH and rest.startswith("1"):
            return rest
    return digits[:32] or None


def phone_last4(digits: str | None) -> str | None:
    """Return the last four digits of a normalised phone, or None when it has fewer than four."""
    if not digits or len(digits) < 4:
        return None
    return digits[-4:]
