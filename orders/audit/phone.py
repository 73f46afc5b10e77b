"""Phone-number normalisation shared by the completeness and blocklist rules."""
from __future__ import annotations

import re

# [0-9] rather than \d: \d also matches full-width and other Unicode digits.
_SEPARATORS = re.compile(r"[\s\-]")
_MAINLAND_MOBILE = re.compile(r"(?:\+86)?(1[3-9][0-9]{9})")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def normalize_phone(raw: object) -> str | None:
    """Return the phone in E.164 (``+8613812345678``), or None when it is not a usable number.

    Mainland mobiles (``1[3-9]`` + 9 digits) are accepted with or without ``+86``; other
    numbers must carry their ``+`` country code. Spaces and dashes are ignored. A ``+86``
    number that is not a mobile is refused: couriers text the buyer, so a landline will not do.
    """
    if not isinstance(raw, str):
        return None
    compact = _SEPARATORS.sub("", raw)
    mainland = _MAINLAND_MOBILE.fullmatch(compact)
    if mainland:
        return "+86" + mainland.group(1)
    if compact.startswith("+86") or not _E164.fullmatch(compact):
        return None
    return compact
