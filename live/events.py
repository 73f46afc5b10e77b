"""Validation of the v1 event envelope (pure): raw JSON in, a ParsedEvent or an EventError out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from app.http.validation import TimestampError, parse_timestamp
from orders.aftersales.models import CASE_STATUSES, CASE_TYPES  # the after-sales vocabulary (aftersale events)
from orders.models import ORDER_SOURCES  # the one list of order sources; imported here for the envelope check

EVENT_TYPES = (
    "viewer_join", "viewer_leave", "product_click", "product_pin", "product_unpin",
    "chat", "order", "payment", "order_cancel",
    # event types: after-sales
    "aftersale",
    # event types: complaints
    "complaint",
    # event types: live-room interactions
    "gift", "like", "viewer_count",
)
MAX_ID = 128
MAX_REF = 64  # platform ids stored in 64-character columns (viewer, buyer, order, SKU, comment)
MAX_TEXT = 2000
MAX_EVENTS = 1000  # events in one POST /api/v1/broadcasts/<id>/events request

# Platform times are bounded (docs/api.md, "Time bounds"): a time far from now is a platform bug or an attack
# (a start in 2025 made every metrics request walk a year of empty minutes), never a live fact.
AT_PAST = timedelta(days=7)  # a broadcast starts or ends at most a week ago ...
AHEAD = timedelta(days=1)  # ... and at most a day ahead (clocks and zones set wrong), as do events
EVENT_WINDOW = timedelta(days=7)  # events: the broadcast's period widened by analytics' default attribution window
RECORDED_EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)  # `flask replay`: recordings, however old, not older


def at_window(now: datetime) -> tuple[datetime, datetime]:
    """Return (earliest, latest) a broadcast may be started or ended at through the API."""
    return now - AT_PAST, now + AHEAD


def event_window(started_at: datetime | None, ended_at: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """Return (earliest, latest) an event's ts may be for a broadcast with this period (None: not started, live).

    From a week before the start (before it started: a week before now) to a week after the end, and never
    more than a day ahead of now.
    """
    earliest = (started_at or now) - EVENT_WINDOW
    latest = now + AHEAD
    if ended_at is not None:
        latest = min(latest, ended_at + EVENT_WINDOW)
    return earliest, latest


def recorded_window(now: datetime) -> tuple[datetime, datetime]:
    """Return (earliest, latest) an event's ts may be when an operator replays a recording (`flask replay`)."""
    return RECORDED_EARLIEST, now + AHEAD


@dataclass(frozen=True)
class EventError:
    """Why one event was rejected: a stable code, the field at fault and a sentence."""

    code: str
    field: str
    message: str

    def as_dict(self) -> dict:
        """Return the error as the API's JSON error object."""
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass
class ParsedEvent:
    """A validated event: its id, type, aware UTC time and the normalised payload."""

    id: str
    type: str
    ts: datetime
    data: dict = field(default_factory=dict)


class _Invalid(Exception):
    def __init__(self, code: str, field_: str, message: str):
        super().__init__(message)
        self.error = EventError(code, field_, message)


def parse_ts(value, window: tuple[datetime, datetime] | None = None) -> datetime:
    """Return an aware UTC datetime from ISO-8601 with a zone or epoch milliseconds, within window when given."""
    try:
        ts = parse_timestamp(value)
    except TimestampError as error:
        raise _Invalid(error.code, "ts", f"ts: {error}") from None
    if window is not None and not window[0] <= ts <= window[1]:
        raise _Invalid("out_of_range", "ts", f"ts must be between {window[0].isoformat()} and "
                                             f"{window[1].isoformat()} for this broadcast")
    return ts


def _encodable(value: str, path: str) -> str:
    """Return value, or reject it when it holds a lone surrogate (no UTF-8 form: no database can store it)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Invalid("invalid_character", path, f"{path} must not contain lone surrogates") from None
    return value


def _string(obj: dict, key: str, path: str, required: bool = True, max_len: int = MAX_ID,
            free_text: bool = False, ident: bool = False) -> str | None:
    """Return obj[key] as a non-empty string of at most max_len characters.

    PostgreSQL text cannot hold NUL. In an id or code it is refused (the event is rejected, naming the
    field); in free text typed by a person (names, addresses, nicknames, chat, reasons) it becomes U+FFFD,
    so one hostile character does not cost the buyer their order or the viewer their message. The event
    log keeps the original either way. A lone surrogate (no UTF-8 form, so no column can hold it) is a broken
    encoding, never typed: the event is rejected, naming the field.
    """
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise _Invalid("missing_field", path, f"{path} is required")
        return None
    if not isinstance(value, str):
        raise _Invalid("invalid_type", path, f"{path} must be a string")
    if len(value) > max_len:
        raise _Invalid("too_long", path, f"{path} is longer than {max_len} characters")
    _encodable(value, path)
    if ident and ("/" in value or value in (".", "..")):
        # Routes name orders, products and viewers by these ids in one path segment: such an id would be unreachable.
        raise _Invalid("invalid_character", path, f"{path} must not contain / or be . or ..")
    if "\x00" in value:
        if not free_text:
            raise _Invalid("invalid_character", path, f"{path} must not contain NUL characters")
        value = value.replace("\x00", "\ufffd")
    return value


def parse_amount(value, path: str) -> Decimal:
    """Return a non-negative Decimal amount from a JSON number or numeric string."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Invalid("missing_field" if value is None else "invalid_type", path, f"{path} must be a decimal amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise _Invalid("invalid_amount", path, f"{path} must be a decimal amount") from exc
    if not amount.is_finite() or amount < 0 or amount > Decimal("100000000"):
        raise _Invalid("invalid_amount", path, f"{path} must be between 0 and 100000000")
    if amount != amount.quantize(Decimal("0.01")):
        raise _Invalid("invalid_amount", path, f"{path} has more than 2 decimal places")
    return amount


def _buyer(raw) -> dict:
    """Return the buyer object with string fields; missing values stay None for the audit to flag."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _Invalid("invalid_type", "buyer", "buyer must be an object")
    address = raw.get("address") or {}
    if not isinstance(address, dict):
        raise _Invalid("invalid_type", "buyer.address", "buyer.address must be an object")
    return {
        "id": _string(raw, "id", "buyer.id", required=False, max_len=MAX_REF, ident=True),
        "name": _string(raw, "name", "buyer.name", required=False, max_len=100, free_text=True),
        "phone": _string(raw, "phone", "buyer.phone", required=False, max_len=32),
        "member_tier": _string(raw, "member_tier", "buyer.member_tier", required=False, max_len=32),
        "address": {
            key: _string(address, key, f"buyer.address.{key}", required=False, max_len=300 if key == "detail" else 64,
                         free_text=True)
            for key in ("province", "city", "district", "detail")
        },
    }


def _items(raw) -> list[dict]:
    """Return order items with integer quantities and Decimal unit prices."""
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise _Invalid("invalid_type", "items", "items must be a list")
    if len(raw) > 100:
        raise _Invalid("too_many_items", "items", "an order has at most 100 items")
    items = []
    for index, item in enumerate(raw):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            raise _Invalid("invalid_type", path, f"{path} must be an object")
        qty = item.get("qty")
        if isinstance(qty, bool) or not isinstance(qty, int):
            raise _Invalid("invalid_type" if qty is not None else "missing_field", f"{path}.qty", f"{path}.qty must be an integer")
        if abs(qty) > 1_000_000:
            raise _Invalid("invalid_quantity", f"{path}.qty", f"{path}.qty is out of range")
        price = item.get("unit_price")
        items.append({
            "sku": _string(item, "sku", f"{path}.sku", max_len=MAX_REF, ident=True),
            "qty": qty,
            "unit_price": None if price is None else parse_amount(price, f"{path}.unit_price"),
        })
    return items


def _order(raw: dict) -> dict:
    source = _string(raw, "source", "source")
    if source not in ORDER_SOURCES:
        raise _Invalid("invalid_choice", "source", f"source must be one of {', '.join(ORDER_SOURCES)}")
    coupons = raw.get("coupon_codes") or []
    if not isinstance(coupons, list) or not all(isinstance(c, str) and 0 < len(c) <= 64 for c in coupons):
        raise _Invalid("invalid_type", "coupon_codes", "coupon_codes must be a list of strings")
    for index, code in enumerate(coupons):
        _encodable(code, f"coupon_codes[{index}]")
    return {
        "order_id": _string(raw, "order_id", "order_id", max_len=64, ident=True),
        "source": source,
        "buyer": _buyer(raw.get("buyer")),
        "items": _items(raw.get("items")),
        "coupon_codes": coupons,
        "comment_id": _string(raw, "comment_id", "comment_id", required=False, max_len=MAX_ID, ident=True),
    }


def _payment(raw: dict) -> dict:
    status = _string(raw, "status", "status")
    if status not in ("paid", "failed"):
        raise _Invalid("invalid_choice", "status", "status must be paid or failed")
    return {
        "order_id": _string(raw, "order_id", "order_id", max_len=64, ident=True),
        "status": status,
        "amount": parse_amount(raw.get("amount"), "amount"),
        "method": _string(raw, "method", "method", required=False, max_len=32),
    }


# parsers: after-sales (helper)
AFTERSALE_DEADLINE_PAST = timedelta(days=1)  # a platform deadline lies at most a day before its event's ts ...
AFTERSALE_DEADLINE_AHEAD = timedelta(days=60)  # ... and at most 60 days after it


def _aftersale(raw: dict) -> dict:
    """Return a platform after-sales record (mirrored by orders/aftersales/mirror.py); deadline_at as UTC ISO-8601."""
    # The envelope's `type` is the event type, so the case type travels as `aftersale_type`.
    case_type = _string(raw, "aftersale_type", "aftersale_type", max_len=16)
    status = _string(raw, "status", "status", max_len=24)
    if case_type not in CASE_TYPES:
        raise _Invalid("invalid_choice", "aftersale_type", f"aftersale_type must be one of {', '.join(CASE_TYPES)}")
    if status not in CASE_STATUSES:
        raise _Invalid("invalid_choice", "status", f"status must be one of {', '.join(CASE_STATUSES)}")
    deadline = None
    if raw.get("deadline_at") is not None:
        try:
            deadline, ts = parse_timestamp(raw["deadline_at"]), parse_timestamp(raw.get("ts"))
        except TimestampError as error:
            raise _Invalid(error.code, "deadline_at", f"deadline_at: {error}") from None
        if not ts - AFTERSALE_DEADLINE_PAST <= deadline <= ts + AFTERSALE_DEADLINE_AHEAD:
            raise _Invalid("out_of_range", "deadline_at", "deadline_at must lie between a day before and 60 days "
                                                          "after the event's ts")
    amount = raw.get("amount")
    return {
        "aftersale_id": _string(raw, "aftersale_id", "aftersale_id", max_len=MAX_ID, ident=True),
        "order_id": _string(raw, "order_id", "order_id", max_len=64, ident=True),
        "aftersale_type": case_type,
        "status": status,
        "reason": _string(raw, "reason", "reason", required=False, max_len=64) or "other",
        "reason_text": _string(raw, "reason_text", "reason_text", required=False, max_len=500, free_text=True),
        "amount": None if amount is None else parse_amount(amount, "amount"),
        "deadline_at": None if deadline is None else deadline.isoformat(),
    }


# parsers: live-room interactions (helper)
MAX_INTERACTION_COUNT = 1_000_000_000  # gifts, likes, viewers and gift values (diamonds, coins) in one event


def _interaction_count(raw: dict, key: str, minimum: int = 0, required: bool = True) -> int | None:
    """Return raw[key] as an integer from minimum to MAX_INTERACTION_COUNT (None when absent and not required)."""
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid("missing_field" if value is None else "invalid_type", key, f"{key} must be an integer")
    if not minimum <= value <= MAX_INTERACTION_COUNT:
        raise _Invalid("out_of_range", key, f"{key} must be between {minimum} and {MAX_INTERACTION_COUNT}")
    return value


_PARSERS = {
    "viewer_join": lambda r: {"viewer_id": _string(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                              "nickname": _string(r, "nickname", "nickname", required=False, max_len=100,
                                                  free_text=True)},
    "viewer_leave": lambda r: {"viewer_id": _string(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True)},
    "product_click": lambda r: {"viewer_id": _string(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                                "sku": _string(r, "sku", "sku", max_len=MAX_REF, ident=True)},
    "product_pin": lambda r: {"sku": _string(r, "sku", "sku", max_len=MAX_REF, ident=True)},
    "product_unpin": lambda r: {"sku": _string(r, "sku", "sku", max_len=MAX_REF, ident=True)},
    "chat": lambda r: {"viewer_id": _string(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                       "nickname": _string(r, "nickname", "nickname", required=False, max_len=100, free_text=True),
                       "text": _string(r, "text", "text", max_len=MAX_TEXT, free_text=True)},
    "order": _order,
    "payment": _payment,
    "order_cancel": lambda r: {"order_id": _string(r, "order_id", "order_id", max_len=64, ident=True),
                               "reason": _string(r, "reason", "reason", required=False, max_len=500,
                                                 free_text=True)},
    # parsers: after-sales
    "aftersale": _aftersale,
    # parsers: complaints
    "complaint": lambda r: {
        "complaint_id": _string(r, "complaint_id", "complaint_id", max_len=MAX_REF, ident=True),
        "order_id": _string(r, "order_id", "order_id", required=False, max_len=64, ident=True),
        "buyer_id": _string(r, "buyer_id", "buyer_id", max_len=MAX_REF, ident=True),
        "category": _string(r, "category", "category", required=False, max_len=64, free_text=True),
        "text": _string(r, "text", "text", max_len=MAX_TEXT, free_text=True)},
    # parsers: live-room interactions
    "gift": lambda r: {"viewer_id": _string(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                       "nickname": _string(r, "nickname", "nickname", required=False, max_len=100, free_text=True),
                       "gift_id": _string(r, "gift_id", "gift_id", max_len=MAX_REF),
                       "gift_name": _string(r, "gift_name", "gift_name", required=False, max_len=100, free_text=True),
                       "count": _interaction_count(r, "count", minimum=1),
                       "value": _interaction_count(r, "value", required=False),
                       "unit": _string(r, "unit", "unit", required=False, max_len=16)},
    "like": lambda r: {"viewer_id": _string(r, "viewer_id", "viewer_id", required=False, max_len=MAX_REF, ident=True),
                       "nickname": _string(r, "nickname", "nickname", required=False, max_len=100, free_text=True),
                       "count": _interaction_count(r, "count", minimum=1),
                       "total": _interaction_count(r, "total", required=False)},
    "viewer_count": lambda r: {"count": _interaction_count(r, "count")},
}


def parse_event(raw, window: tuple[datetime, datetime] | None = None) -> ParsedEvent | EventError:
    """Return the validated event, or the first error found in it; its ts must lie within window when given."""
    try:
        if not isinstance(raw, dict):
            raise _Invalid("invalid_type", "event", "each event must be a JSON object")
        event_id = _string(raw, "id", "id")
        event_type = _string(raw, "type", "type", max_len=32)
        if event_type not in EVENT_TYPES:
            raise _Invalid("unknown_type", "type", f"type must be one of {', '.join(EVENT_TYPES)}")
        ts = parse_ts(raw.get("ts"), window)
        return ParsedEvent(id=event_id, type=event_type, ts=ts, data=_PARSERS[event_type](raw))
    except _Invalid as invalid:
        return invalid.error


def to_json(event: ParsedEvent) -> dict:
    """Return the normalised event as JSON-ready data for the event log (amounts as strings)."""

    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return {"id": event.id, "type": event.type, "ts": event.ts.isoformat(), **plain(event.data)}
