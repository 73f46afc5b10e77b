"""Field checks for API bodies; each failure raises a 400 ApiError naming the field."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from app.errors import ApiError


def _absent(path: str, required: bool) -> None:
    """Return None for an optional field left out; raise a 400 naming a required one."""
    if required:
        raise ApiError(400, "missing_field", f"{path} is required", path)
    return None


def text(data: dict, key: str, path: str | None = None, max_len: int = 200, required: bool = True) -> str | None:
    """Return data[key] as a stripped non-empty string of at most max_len characters."""
    path = path or key
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return _absent(path, required)
    if not isinstance(value, str):
        raise ApiError(400, "invalid_type", f"{path} must be a string", path)
    value = value.strip()
    if len(value) > max_len:
        raise ApiError(400, "too_long", f"{path} is longer than {max_len} characters", path)
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: refuse it here rather than fail the write
        raise ApiError(400, "invalid_character", f"{path} must not contain NUL characters", path)
    return value


def whole_number(data: dict, key: str, path: str | None = None, minimum: int = 0, maximum: int = 10_000_000,
                 required: bool = True) -> int | None:
    """Return data[key] as an integer within [minimum, maximum]."""
    path = path or key
    value = data.get(key)
    if value is None:
        return _absent(path, required)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "invalid_type", f"{path} must be an integer", path)
    if not minimum <= value <= maximum:
        raise ApiError(400, "out_of_range", f"{path} must be between {minimum} and {maximum}", path)
    return value


def money(data: dict, key: str, path: str | None = None, required: bool = True) -> Decimal | None:
    """Return data[key] as a non-negative Decimal with at most 2 decimal places."""
    path = path or key
    value = data.get(key)
    if value is None:
        return _absent(path, required)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ApiError(400, "invalid_type", f"{path} must be a decimal amount", path)
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ApiError(400, "invalid_amount", f"{path} must be a decimal amount", path) from exc
    if not amount.is_finite() or amount < 0 or amount > Decimal("100000000"):
        raise ApiError(400, "invalid_amount", f"{path} must be between 0 and 100000000", path)
    if amount != amount.quantize(Decimal("0.01")):
        raise ApiError(400, "invalid_amount", f"{path} has more than 2 decimal places", path)
    return amount


class TimestampError(ValueError):
    """A value that is not a timestamp LiveDesk accepts; code is the API error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def parse_timestamp(value) -> datetime:
    """Return an aware UTC datetime from ISO-8601 with a zone or epoch milliseconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:
            raise TimestampError("invalid_ts", "epoch milliseconds out of range") from exc
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise TimestampError("invalid_ts", "not an ISO-8601 timestamp") from exc
        if parsed.tzinfo is None:
            raise TimestampError("invalid_ts", "an ISO-8601 timestamp needs a time zone (e.g. Z or +08:00)")
        return parsed.astimezone(timezone.utc)
    if value is None:
        raise TimestampError("missing_field", "a timestamp is required")
    raise TimestampError("invalid_ts", "must be ISO-8601 with a time zone or epoch milliseconds")


def timestamp(data: dict, key: str, path: str | None = None) -> datetime | None:
    """Return data[key] as an aware UTC datetime (ISO-8601 with zone, or epoch ms), or None when absent."""
    path = path or key
    if data.get(key) is None:
        return None
    try:
        return parse_timestamp(data[key])
    except TimestampError as error:
        raise ApiError(400, error.code, f"{path}: {error}", path) from None


def query_int(args, key: str, default: int, minimum: int = 1, maximum: int = 1_000_000) -> int:
    """Return a query-string integer within bounds, or default when absent."""
    raw = args.get(key)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:
        raise ApiError(400, "invalid_query", f"{key} must be an integer between {minimum} and {maximum}", key)
    return int(raw)
