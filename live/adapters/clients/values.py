"""Pure conversions the commerce adapters add to live.adapters.mapping: money, order ids, stable event ids.

Money is exact: fen are integers and become ``Decimal`` yuan by moving the point (never through a float);
TikTok Shop's decimal strings are kept as sent. Times go through ``mapping.platform_time`` (epoch seconds or
milliseconds as sent; a zone-less wall time read in the platform's zone, Asia/Shanghai for Douyin and
Kuaishou unless the connection's ``zone`` setting says otherwise). Every problem is an AdapterError naming
the field, as in mapping.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from live.adapters.base import AdapterError
from live.adapters.mapping import platform_time, zone_of

CENT = Decimal("0.01")
MAX_FEN = 10_000_000_000  # 100,000,000 yuan: the envelope's upper bound for an amount
MAX_EVENT_ID = 128
MAX_REF = 64
CHINA_ZONE = "Asia/Shanghai"


def fen_to_yuan(value: Any, field: str = "amount") -> Decimal:
    """Return integer fen (int or digit string) as exact Decimal yuan with two places: 15800 → 158.00."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise AdapterError("invalid_amount", field, f"{field} must be an integer number of fen")
    try:
        fen = int(value)
    except ValueError:
        raise AdapterError("invalid_amount", field, f"{field} must be an integer number of fen") from None
    if not 0 <= fen <= MAX_FEN:
        raise AdapterError("invalid_amount", field, f"{field} is out of range")
    return (Decimal(fen) / 100).quantize(CENT)


def decimal_amount(value: Any, field: str = "amount") -> Decimal:
    """Return a decimal amount sent as a string or integer ("12.5" → 12.50); more than two places is refused."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise AdapterError("invalid_amount", field, f"{field} must be a decimal string")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise AdapterError("invalid_amount", field, f"{field} must be a decimal string") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal(MAX_FEN) / 100:
        raise AdapterError("invalid_amount", field, f"{field} is out of range")
    if amount != amount.quantize(CENT):
        raise AdapterError("invalid_amount", field, f"{field} has more than two decimal places")
    return amount.quantize(CENT)


def zone(settings: Any, default: str = CHINA_ZONE) -> ZoneInfo:
    """Return the zone of a connection's settings (``zone``), else default."""
    return zone_of((settings or {}).get("zone"), default)


def optional_time(value: Any, field: str, tz: ZoneInfo) -> datetime | None:
    """Return the UTC time of a platform time, or None when the platform sent nothing (absent, null, 0, "")."""
    if value in (None, "", 0, "0"):
        return None
    return platform_time(value, field, tz)


def ref(value: Any, field: str, required: bool = True) -> str | None:
    """Return a platform id (number or string) kept as the platform wrote it: 1..64 characters, no '/'.

    Unlike mapping.platform_id this never replaces an id by a digest: an order id must match the platform's.
    """
    if value is None or value == "" or isinstance(value, bool):
        if required:
            raise AdapterError("missing_field", field, f"{field} is required")
        return None
    if not isinstance(value, (int, str)):
        raise AdapterError("invalid_type", field, f"{field} must be an id")
    text = str(value).strip()
    if not text or len(text) > MAX_REF or "/" in text or "\x00" in text or text in (".", ".."):
        raise AdapterError("invalid_value", field, f"{field} is not a usable id (1-{MAX_REF} characters, no /)")
    return text


def text(value: Any, max_len: int) -> str | None:
    """Return free text trimmed and cut to max_len characters, or None when empty or not text."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:max_len] if value else None


def event_id(platform: str, *parts: Any) -> str:
    """Return a stable event id from platform and parts ('douyin:order:4951…'); hashed when over 128 characters.

    The same platform message (or order) always gives the same id, so the event log stores a redelivery once.
    """
    plain = ":".join([platform, *(str(part) for part in parts)])
    if len(plain) <= MAX_EVENT_ID:
        return plain
    return f"{platform}:h:{hashlib.sha256(plain.encode('utf-8')).hexdigest()}"
