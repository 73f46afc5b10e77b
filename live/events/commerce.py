"""Parsers of the events about orders and what follows them (pure): order, payment, after-sales record, complaint."""
from __future__ import annotations

from datetime import timedelta

from app.http.validation import TimestampError, json_integer, parse_timestamp
from live.events.fields import (
    MAX_ID,
    MAX_REF,
    MAX_TEXT,
    Invalid,
    parse_amount,
    text_field,
)
from orders.aftersales.models import (  # the after-sales vocabulary (aftersale events)
    CASE_STATUSES,
    CASE_TYPES,
)
from orders.models import (
    ORDER_SOURCES,  # the one list of order sources; imported here for the envelope check
)


MAX_COUPONS = 20  # coupon codes in one order: a buyer stacks a few; 10,000 were stored before
MAX_COUPON = 64  # characters in one code


def buyer(raw) -> dict:
    """Return the buyer object with string fields; missing values stay None for the audit to flag."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise Invalid("invalid_type", "buyer", "buyer must be an object")
    address = raw.get("address") or {}
    if not isinstance(address, dict):
        raise Invalid("invalid_type", "buyer.address", "buyer.address must be an object")
    return {
        "id": text_field(raw, "id", "buyer.id", required=False, max_len=MAX_REF, ident=True),
        "name": text_field(raw, "name", "buyer.name", required=False, max_len=100, free_text=True),
        "phone": text_field(raw, "phone", "buyer.phone", required=False, max_len=32),
        "member_tier": text_field(raw, "member_tier", "buyer.member_tier", required=False, max_len=32),
        "contact_masked": _flag(raw, "contact_masked", "buyer.contact_masked"),
        "address": {
            key: text_field(address, key, f"buyer.address.{key}", required=False, max_len=300 if key == "detail" else 64,
                         free_text=True)
            for key in ("province", "city", "district", "detail")
        },
    }


def _flag(obj: dict, key: str, path: str) -> bool:
    """Return an optional true/false field (absent or null: False); anything else is refused."""
    value = obj.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Invalid("invalid_type", path, f"{path} must be true or false")
    return value


def items(raw) -> list[dict]:
    """Return order items with integer quantities and Decimal unit prices."""
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise Invalid("invalid_type", "items", "items must be a list")
    if len(raw) > 100:
        raise Invalid("too_many_items", "items", "an order has at most 100 items")
    items = []
    for index, item in enumerate(raw):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            raise Invalid("invalid_type", path, f"{path} must be an object")
        qty = json_integer(item.get("qty"))
        if qty is None:
            raise Invalid("invalid_type" if item.get("qty") is not None else "missing_field", f"{path}.qty",
                          f"{path}.qty must be an integer")
        if abs(qty) > 1_000_000:
            raise Invalid("invalid_quantity", f"{path}.qty", f"{path}.qty is out of range")
        price = item.get("unit_price")
        items.append({
            "sku": text_field(item, "sku", f"{path}.sku", max_len=MAX_REF, ident=True),
            "qty": qty,
            "unit_price": None if price is None else parse_amount(price, f"{path}.unit_price"),
        })
    return items


def coupon_codes(raw) -> list[str]:
    """Return an order's coupon codes (absent or null: none), each checked as a code, naming coupon_codes[i]."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise Invalid("invalid_type", "coupon_codes", "coupon_codes must be a list of strings")
    if len(raw) > MAX_COUPONS:
        raise Invalid("too_many_coupons", "coupon_codes", f"an order has at most {MAX_COUPONS} coupon codes")
    return [text_field({"code": code}, "code", f"coupon_codes[{index}]", max_len=MAX_COUPON)
            for index, code in enumerate(raw)]


def order(raw: dict) -> dict:
    """Return an order event's payload: source, buyer, items, coupons and the comment it came from."""
    source = text_field(raw, "source", "source")
    if source not in ORDER_SOURCES:
        raise Invalid("invalid_choice", "source", f"source must be one of {', '.join(ORDER_SOURCES)}")
    coupons = coupon_codes(raw.get("coupon_codes"))
    return {
        "order_id": text_field(raw, "order_id", "order_id", max_len=64, ident=True),
        "source": source,
        "buyer": buyer(raw.get("buyer")),
        "items": items(raw.get("items")),
        "coupon_codes": coupons,
        "comment_id": text_field(raw, "comment_id", "comment_id", required=False, max_len=MAX_ID, ident=True),
    }


def payment(raw: dict) -> dict:
    """Return a payment report's payload: order, paid or failed, amount and method."""
    status = text_field(raw, "status", "status")
    if status not in ("paid", "failed"):
        raise Invalid("invalid_choice", "status", "status must be paid or failed")
    return {
        "order_id": text_field(raw, "order_id", "order_id", max_len=64, ident=True),
        "status": status,
        "amount": parse_amount(raw.get("amount"), "amount"),
        "method": text_field(raw, "method", "method", required=False, max_len=32),
    }


AFTERSALE_DEADLINE_PAST = timedelta(days=1)  # a platform deadline lies at most a day before its event's ts ...
AFTERSALE_DEADLINE_AHEAD = timedelta(days=60)  # ... and at most 60 days after it


def aftersale(raw: dict) -> dict:
    """Return a platform after-sales record (mirrored by orders/aftersales/mirror.py); deadline_at as UTC ISO-8601."""
    # The envelope's `type` is the event type, so the case type travels as `aftersale_type`.
    case_type = text_field(raw, "aftersale_type", "aftersale_type", max_len=16)
    status = text_field(raw, "status", "status", max_len=24)
    if case_type not in CASE_TYPES:
        raise Invalid("invalid_choice", "aftersale_type", f"aftersale_type must be one of {', '.join(CASE_TYPES)}")
    if status not in CASE_STATUSES:
        raise Invalid("invalid_choice", "status", f"status must be one of {', '.join(CASE_STATUSES)}")
    deadline = None
    if raw.get("deadline_at") is not None:
        try:
            deadline, ts = parse_timestamp(raw["deadline_at"]), parse_timestamp(raw.get("ts"))
        except TimestampError as error:
            raise Invalid(error.code, "deadline_at", f"deadline_at: {error}") from None
        if not ts - AFTERSALE_DEADLINE_PAST <= deadline <= ts + AFTERSALE_DEADLINE_AHEAD:
            raise Invalid("out_of_range", "deadline_at", "deadline_at must lie between a day before and 60 days "
                                                          "after the event's ts")
    amount = raw.get("amount")
    return {
        "aftersale_id": text_field(raw, "aftersale_id", "aftersale_id", max_len=MAX_ID, ident=True),
        "order_id": text_field(raw, "order_id", "order_id", max_len=64, ident=True),
        "aftersale_type": case_type,
        "status": status,
        "reason": text_field(raw, "reason", "reason", required=False, max_len=64) or "other",
        "reason_text": text_field(raw, "reason_text", "reason_text", required=False, max_len=500, free_text=True),
        "amount": None if amount is None else parse_amount(amount, "amount"),
        "deadline_at": None if deadline is None else deadline.isoformat(),
        # Whose record it is, when an adapter says (else the broadcast's platform): cases are unique per platform.
        "platform": text_field(raw, "platform", "platform", required=False, max_len=32, ident=True),
    }



def complaint(r: dict) -> dict:
    """Return a platform complaint's payload (registered by orders/care/complaints)."""
    return {
        "complaint_id": text_field(r, "complaint_id", "complaint_id", max_len=MAX_REF, ident=True),
        "order_id": text_field(r, "order_id", "order_id", required=False, max_len=64, ident=True),
        "buyer_id": text_field(r, "buyer_id", "buyer_id", max_len=MAX_REF, ident=True),
        "category": text_field(r, "category", "category", required=False, max_len=64, free_text=True),
        "text": text_field(r, "text", "text", max_len=MAX_TEXT, free_text=True)
    }
