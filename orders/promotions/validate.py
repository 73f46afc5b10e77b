"""Checking a promotion body: every field is checked, every error collected, the first one raised."""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.errors import ApiError
from app.http import validation
from orders import catalog
from orders.promotions.models import COUPON_TYPES, KINDS, STACKING

COMMON_FIELDS = ("code", "kind", "broadcast_id", "stacking", "priority", "starts_at", "ends_at", "active")
KIND_FIELDS = {
    "flash": ("skus", "price", "remaining", "per_buyer"),
    "coupon": ("coupon_type", "value", "max_discount", "min_spend", "uses_left", "per_buyer"),
    "threshold": ("every", "off", "cap"),
    "member": ("tier", "prices"),
}
# Input field -> column, where they differ.
COLUMN_OF = {"prices": "member_prices"}
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
MAX_SKUS = 200
MAX_PRIORITY = 1_000_000
# Runs one field check, records its ApiError and returns None instead of raising.
Check = Callable[..., Any]


class PromotionInvalid(ApiError):
    """Every problem of a promotion body; answered as the first one, with all of them under `errors`."""

    def __init__(self, errors: list[ApiError]):
        first = errors[0]
        super().__init__(first.status, first.code, first.message, first.field)
        self.errors = errors

    def to_dict(self) -> dict:
        """Return the JSON body: the first error, and the list of all of them."""
        return super().to_dict() | {"errors": [error.to_dict()["error"] for error in self.errors]}


def validate(session: Session, data: dict, check_skus: bool = True) -> dict:
    """Return the column values of a valid promotion body, or raise PromotionInvalid naming the first bad field.

    check_skus: look every SKU of `skus` / `prices` up in the catalogue (404 unknown_sku for one that no product
    or variant has, as the line-up answers). An update that does not send them passes False.
    """
    errors: list[ApiError] = []

    def check(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ApiError as error:
            errors.append(error)
            return None

    values = {
        "code": check(_code, data),
        "kind": check(_choice, data, "kind", KINDS),
        "broadcast_id": check(validation.whole_number, data, "broadcast_id", minimum=1, maximum=2**31 - 1,
                              required=False),
        "stacking": check(_choice, data, "stacking", STACKING, default="stackable"),
        "priority": _default(check(validation.whole_number, data, "priority", maximum=MAX_PRIORITY, required=False), 100),
        "starts_at": check(validation.timestamp, data, "starts_at"),
        "ends_at": check(validation.timestamp, data, "ends_at"),
        "active": check(_boolean, data, "active"),
    }
    kind = values["kind"]
    if kind in KIND_FIELDS:
        values |= _KIND_CHECKS[kind](data, check)
        check(_no_unknown, data, COMMON_FIELDS + KIND_FIELDS[kind])
    starts, ends = values["starts_at"], values["ends_at"]
    if starts is not None and ends is not None and ends <= starts:
        errors.append(ApiError(400, "invalid_window", "ends_at must be after starts_at", "ends_at"))
    if kind == "flash":
        check(_required, data, "starts_at", "a flash sale needs a window")
        check(_required, data, "ends_at", "a flash sale needs a window")
        check(_required, data, "broadcast_id", "a flash sale belongs to one broadcast")
    if values["broadcast_id"] is not None:
        check(_broadcast_exists, session, values["broadcast_id"])
    if check_skus:
        named = [(f"skus[{index}]", sku) for index, sku in enumerate(values.get("skus") or ())]
        if values.get("member_prices"):
            named += [(f"prices.{raw}", raw.strip()) for raw in data["prices"]]
        errors += _unknown_skus(session, named)
    if errors:
        order = list(COMMON_FIELDS) + [f for fields in KIND_FIELDS.values() for f in fields]
        errors.sort(key=lambda e: order.index(_root(e.field)) if _root(e.field) in order else len(order))
        raise PromotionInvalid(errors)
    return values


def _root(field: str | None) -> str:
    return re.split(r"[.\[]", field or "")[0]


def _default(value: Any, default: Any) -> Any:
    return default if value is None else value


def _code(data: dict) -> str:
    code = validation.text(data, "code", max_len=32).upper()
    if not CODE_PATTERN.match(code):
        raise ApiError(400, "invalid_code", "code may hold only letters, digits, '-' and '_'", "code")
    return code


def _choice(data: dict, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
    value = data.get(key)
    if value is None and default is not None:
        return default
    value = validation.text(data, key, max_len=32)
    if value not in choices:
        raise ApiError(400, "invalid_choice", f"{key} must be one of {', '.join(choices)}", key)
    return value


def _boolean(data: dict, key: str) -> bool:
    value = data.get(key, True)
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_type", f"{key} must be true or false", key)
    return value


def _required(data: dict, key: str, why: str) -> None:
    if data.get(key) is None:
        raise ApiError(400, "missing_field", f"{key} is required: {why}", key)


def _positive(data: dict, key: str, required: bool = True) -> Decimal | None:
    amount = validation.money(data, key, required=required)
    if amount is not None and amount <= 0:
        raise ApiError(400, "out_of_range", f"{key} must be greater than 0", key)
    return amount


def _no_unknown(data: dict, allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise ApiError(400, "unknown_field", f"{key} is not a field of this kind of promotion", key)


def _broadcast_exists(session: Session, broadcast_id: int) -> None:
    from live.models import Broadcast  # the live domain's model, read only; imported late to keep imports one-way

    if session.get(Broadcast, broadcast_id) is None:
        raise ApiError(400, "unknown_broadcast", f"no broadcast {broadcast_id}", "broadcast_id")


def _unknown_skus(session: Session, named: list[tuple[str, str]]) -> list[ApiError]:
    """Return a 404 unknown_sku at its field (`skus[0]`, `prices.NOPE`) for each SKU no product or variant has."""
    known = catalog.known_skus(session, [sku for _, sku in named])
    return [ApiError(404, "unknown_sku", f"no product has SKU {sku!r}", field)
            for field, sku in named if sku not in known]


def _skus(data: dict) -> list[str]:
    raw = data.get("skus")
    if raw is None:
        raise ApiError(400, "missing_field", "skus is required", "skus")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SKUS:
        raise ApiError(400, "invalid_type", f"skus must be a list of 1 to {MAX_SKUS} SKUs", "skus")
    skus = [validation.text({"sku": item}, "sku", f"skus[{i}]", max_len=64) for i, item in enumerate(raw)]
    if len(set(skus)) != len(skus):
        raise ApiError(400, "duplicate_sku", "skus lists a SKU twice", "skus")
    return skus


def _prices(data: dict) -> dict[str, str]:
    raw = data.get("prices")
    if raw is None:
        raise ApiError(400, "missing_field", "prices is required", "prices")
    if not isinstance(raw, dict) or not 1 <= len(raw) <= MAX_SKUS:
        raise ApiError(400, "invalid_type", f"prices must map 1 to {MAX_SKUS} SKUs to amounts", "prices")
    prices = {}
    for sku, amount in raw.items():
        if not sku.strip() or len(sku) > 64:
            raise ApiError(400, "invalid_sku", "a SKU in prices is empty or longer than 64 characters", "prices")
        prices[sku.strip()] = f"{validation.money(raw, sku, f'prices.{sku}'):.2f}"
    return prices


def _flash(data: dict, check: Check) -> dict:
    return {"skus": check(_skus, data), "price": check(validation.money, data, "price"),
            "remaining": check(validation.whole_number, data, "remaining"),
            "per_buyer": check(validation.whole_number, data, "per_buyer", minimum=1, required=False)}


def _coupon(data: dict, check: Check) -> dict:
    coupon_type = check(_choice, data, "coupon_type", COUPON_TYPES)
    value = check(_positive, data, "value")
    if coupon_type == "percent" and value is not None and value > 100:
        check(_fail, "value", "out_of_range", "a percent coupon takes at most 100 percent off")
    return {"coupon_type": coupon_type, "value": value,
            "max_discount": check(_positive, data, "max_discount", required=False),
            "min_spend": _default(check(validation.money, data, "min_spend", required=False), Decimal("0")),
            "uses_left": check(validation.whole_number, data, "uses_left", required=False),
            "per_buyer": check(validation.whole_number, data, "per_buyer", minimum=1, required=False)}


def _threshold(data: dict, check: Check) -> dict:
    every, off = check(_positive, data, "every"), check(_positive, data, "off")
    if every is not None and off is not None and off >= every:
        check(_fail, "off", "out_of_range", "off must be less than every")
    return {"every": every, "off": off, "cap": check(_positive, data, "cap", required=False)}


def _member(data: dict, check: Check) -> dict:
    return {"tier": check(validation.text, data, "tier", max_len=32), "member_prices": check(_prices, data)}


def _fail(field: str, code: str, message: str) -> None:
    raise ApiError(400, code, message, field)


_KIND_CHECKS = {"flash": _flash, "coupon": _coupon, "threshold": _threshold, "member": _member}
