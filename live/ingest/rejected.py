"""Events refused as they came (bad envelope, unknown type, a field out of bounds): kept as received, with the error,
in rejected_events, so an operator can read what a platform sent (docs/claims.md, the reconciliation page).
"""
from __future__ import annotations

import math
from datetime import datetime

from live.models import Broadcast


def rejected_row(broadcast: Broadcast, source: str, raw, error: dict, now: datetime) -> dict:
    """Return the rejected_events row of an event refused as it came (its id and type only when they are text)."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    raw_type = raw.get("type") if isinstance(raw, dict) else None
    return {"broadcast_id": broadcast.id, "source": source,
            "event_id": storable(raw_id)[:128] if isinstance(raw_id, str) else None,
            "type": storable(raw_type)[:32] if isinstance(raw_type, str) else None,
            "error_code": str(error.get("code"))[:32], "error_field": storable(str(error.get("field") or ""))[:100] or None,
            "error_message": storable(str(error.get("message") or ""))[:500], "payload": storable(raw),
            "received_at": now}


def storable(value, depth: int = 0):
    """Return a JSON value as received, except what no database can hold: NUL and lone surrogates become U+FFFD."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if not value.isascii() else value
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if depth > 64:
        return None
    if isinstance(value, dict):
        return {storable(str(key), depth + 1): storable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item, depth + 1) for item in value]
    return value
