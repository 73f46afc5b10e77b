"""Parsers of the live room's interactions (pure): gifts, likes and viewer counts (from live/adapters)."""
from __future__ import annotations

from app.http.validation import json_integer
from live.events.fields import MAX_REF, Invalid, text_field

MAX_INTERACTION_COUNT = 1_000_000_000  # gifts, likes, viewers and gift values (diamonds, coins) in one event


def _interaction_count(raw: dict, key: str, minimum: int = 0, required: bool = True) -> int | None:
    """Return raw[key] as an integer from minimum to MAX_INTERACTION_COUNT (None when absent and not required)."""
    raw_value = raw.get(key)
    if raw_value is None and not required:
        return None
    value = json_integer(raw_value)
    if value is None:
        raise Invalid("missing_field" if raw_value is None else "invalid_type", key, f"{key} must be an integer")
    if not minimum <= value <= MAX_INTERACTION_COUNT:
        raise Invalid("out_of_range", key, f"{key} must be between {minimum} and {MAX_INTERACTION_COUNT}")
    return value



PARSERS = {
    "gift": lambda r: {"viewer_id": text_field(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                       "nickname": text_field(r, "nickname", "nickname", required=False, max_len=100, free_text=True),
                       "gift_id": text_field(r, "gift_id", "gift_id", max_len=MAX_REF),
                       "gift_name": text_field(r, "gift_name", "gift_name", required=False, max_len=100, free_text=True),
                       "count": _interaction_count(r, "count", minimum=1),
                       "value": _interaction_count(r, "value", required=False),
                       "unit": text_field(r, "unit", "unit", required=False, max_len=16)},
    "like": lambda r: {"viewer_id": text_field(r, "viewer_id", "viewer_id", required=False, max_len=MAX_REF, ident=True),
                       "nickname": text_field(r, "nickname", "nickname", required=False, max_len=100, free_text=True),
                       "count": _interaction_count(r, "count", minimum=1),
                       "total": _interaction_count(r, "total", required=False)},
    "viewer_count": lambda r: {"count": _interaction_count(r, "count")},
}
