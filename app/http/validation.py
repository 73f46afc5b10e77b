"""Field checks for API bodies; each failure raises a 400 ApiError naming the field."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from flask import Flask, Request
from werkzeug.routing import IntegerConverter, UnicodeConverter

from app.errors import ApiError

MAX_JSON_DEPTH = 32  # the deepest body LiveDesk reads is 5 levels; json recurses, so 1,000 levels was a 500
MAX_ID = 2**63 - 1  # the largest id any database column holds


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: at most 18 digits, so a larger id finds no route (404) instead of overflowing the driver.

    Bounded by the pattern, not only by `max`: a value refused after matching makes Werkzeug answer 405 when a
    sibling rule with another method matched first.
    """

    regex = r"\d{1,18}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class TextIdConverter(UnicodeConverter):
    """`<name>` in every route (platform ids, SKUs, codes): no NUL, which PostgreSQL text cannot hold (a 500 before)."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def install_converters(app: Flask) -> None:
    """Make `<int:...>` URL parts bounded database ids and text ones NUL-free; call before any blueprint is registered."""
    app.url_map.converters.update(int=DatabaseIdConverter, default=TextIdConverter, string=TextIdConverter)


def check_json_depth(req: Request) -> None:
    """Parse the request's JSON body once (Flask caches it) and raise a 400 when it nests deeper than MAX_JSON_DEPTH."""
    try:
        too_deep = _deeper_than(req.get_json(silent=True), MAX_JSON_DEPTH)
    except RecursionError:  # the parser recursed past Python's limit (about 1,000 levels)
        too_deep = True
    if too_deep:
        raise ApiError(400, "too_deep", f"the body nests more than {MAX_JSON_DEPTH} levels deep", "body")


def _deeper_than(value, limit: int) -> bool:
    """Return True when value (parsed JSON) nests more than limit arrays and objects deep; no recursion."""
    if not isinstance(value, (dict, list)):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, (dict, list)):  # only containers nest: a batch's thousands of strings are skipped
                stack.append((child, depth + 1))
    return False


def refuse_unknown_fields(data: dict, known: tuple[str, ...]) -> None:
    """Raise 400 unknown_field naming the first field of data not in known (a typo must not pass as "no change",
    nor a misspelt scope such as broadcastId widen an action to every broadcast)."""
    for key in data:
        if key not in known:
            raise ApiError(400, "unknown_field", f"{key} is not a field here; send {', '.join(known)}", str(key)[:64])


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
    if not encodable(value):
        raise ApiError(400, "invalid_character", f"{path} must not contain lone surrogates", path)
    return value


def path_id(data: dict, key: str, path: str | None = None, max_len: int = 64, required: bool = True) -> str | None:
    """Return data[key] as text() does, refusing what no URL could name: a "/" in it, or "." and ".." alone.

    For the ids a new record is made with (a product's or variant's SKU): routes name it in one path segment.
    """
    path = path or key
    value = text(data, key, path, max_len=max_len, required=required)
    if value is not None and not is_path_segment(value):
        raise ApiError(400, "invalid_character", f"{path} must not contain / or be . or ..", path)
    return value


def is_path_segment(value: str) -> bool:
    """Return True when value can be one segment of a URL path as it is (no "/", not "." nor "..")."""
    return "/" not in value and value not in (".", "..")


def encodable(value: str) -> bool:
    """Return True when value has a UTF-8 form (no lone surrogate, which no database column can hold)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_integer(value) -> int | None:
    """Return value as an int when it is a JSON integer, written 120 or 120.0 (JSON has one number type, and JSON
    Schema counts 120.0 as an integer); else None. True and False are not numbers here, nor is a string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def whole_number(data: dict, key: str, path: str | None = None, minimum: int = 0, maximum: int = 10_000_000,
                 required: bool = True) -> int | None:
    """Return data[key] as an integer within [minimum, maximum]."""
    path = path or key
    raw = data.get(key)
    if raw is None:
        return _absent(path, required)
    value = json_integer(raw)
    if value is None:
        raise ApiError(400, "invalid_type", f"{path} must be an integer", path)
    if not minimum <= value <= maximum:
        raise ApiError(400, "out_of_range", f"{path} must be between {minimum} and {maximum}", path)
    return value


# An amount written as text: ASCII digits, an optional sign and decimal point. Decimal() alone would also take
# "1_000", "١٢", " 5 ", "1e2" and "NaN", spellings of Python, not of a price.
DECIMAL_TEXT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")


def money(data: dict, key: str, path: str | None = None, required: bool = True) -> Decimal | None:
    """Return data[key] as a non-negative Decimal with at most 2 decimal places."""
    path = path or key
    value = data.get(key)
    if value is None:
        return _absent(path, required)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ApiError(400, "invalid_type", f"{path} must be a decimal amount", path)
    if isinstance(value, str) and not DECIMAL_TEXT.fullmatch(value):
        raise ApiError(400, "invalid_amount", f"{path} must be a decimal amount", path)
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
        try:
            return parsed.astimezone(timezone.utc)
        except OverflowError as exc:  # 0001-01-01T00:00:00+01:00 or 9999-12-31T23:59:59-01:00 have no UTC form
            raise TimestampError("invalid_ts", "out of range once converted to UTC") from exc
    if value is None:
        raise TimestampError("missing_field", "a timestamp is required")
    raise TimestampError("invalid_ts", "must be ISO-8601 with a time zone or epoch milliseconds")


def timestamp(data: dict, key: str, path: str | None = None, window: tuple[datetime, datetime] | None = None,
              nullable: bool = True) -> datetime | None:
    """Return data[key] as an aware UTC datetime (ISO-8601 with zone, or epoch ms) within window, or None when absent.

    null counts as absent unless nullable is False (then it is refused: the field's schema has no null).
    """
    path = path or key
    if data.get(key) is None and (nullable or key not in data):
        return None
    if data[key] is None:
        raise ApiError(400, "invalid_type", f"{path} must be a timestamp, or be left out", path)
    try:
        value = parse_timestamp(data[key])
    except TimestampError as error:
        raise ApiError(400, error.code, f"{path}: {error}", path) from None
    if window is not None and not window[0] <= value <= window[1]:
        # Whole seconds: the bounds are read by people (pages show them in the reader's zone).
        raise ApiError(400, "out_of_range", f"{path} must be between {window[0].isoformat(timespec='seconds')} and "
                                            f"{window[1].isoformat(timespec='seconds')}", path)
    return value


def query_int(args, key: str, default: int, minimum: int = 1, maximum: int = 1_000_000) -> int:
    """Return a query-string integer within bounds, or default when absent."""
    raw = args.get(key)
    if raw in (None, ""):
        return default
    # The length first: int() of a 5,000-digit string raises (a 500), and no bound has more than 19 digits.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19) or not minimum <= int(raw) <= maximum:
        raise ApiError(400, "invalid_query", f"{key} must be an integer between {minimum} and {maximum}", key)
    return int(raw)


_CODE = re.compile(r"[a-z0-9_]{1,48}")


def query_code(args, key: str) -> str | None:
    """Return a query-string code (lower-case letters, digits and _, at most 48), or None when absent or empty."""
    raw = args.get(key)
    if raw in (None, ""):
        return None
    if not _CODE.fullmatch(raw):
        raise ApiError(400, "invalid_query", f"{key} must be 1 to 48 lower-case letters, digits or _", key)
    return raw
