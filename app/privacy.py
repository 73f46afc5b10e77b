"""Masking of buyer contact data for roles that do not need it (pure functions)."""
from __future__ import annotations

import copy


def mask_phone(phone: str | None) -> str | None:
    """Return phone with all but the first three and last four digits starred: 138****5678.

    A mainland mobile written with its country code (``+86 137 0000 2222``, ``0086…``, ``86…``) is masked without
    it, as the platforms send it: ``137****2222``, not ``861******2222``.
    """
    if not phone:
        return phone
    digits = "".join(ch for ch in phone if ch.isdigit())
    for prefix in ("0086", "86"):
        if len(digits) == len(prefix) + 11 and digits.startswith(prefix + "1"):
            digits = digits[len(prefix):]
            break
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(address: dict | None) -> dict | None:
    """Return address down to the district, with the street detail replaced by stars."""
    if not address:
        return address
    masked = {key: address.get(key) for key in ("province", "city", "district")}
    masked["detail"] = "****" if address.get("detail") else address.get("detail")
    return masked


def mask_order(order: dict) -> dict:
    """Return a copy of a serialised order with the buyer's phone and address masked."""
    buyer = order.get("buyer")
    if not buyer:
        return order
    masked = dict(order)
    masked["buyer"] = dict(buyer, phone=mask_phone(buyer.get("phone")), address=mask_address(buyer.get("address")))
    if order.get("history"):
        masked["history"] = [mask_history_entry(entry) for entry in order["history"]]
    return masked


# Edits record the value before and after (orders.history.order_edited): the same fields as the buyer are masked.
_MASKED_CHANGES = {"buyer.phone": mask_phone, "buyer.address.detail": lambda value: "****" if value else value}


def mask_history_entry(entry: dict) -> dict:
    """Return a history entry with the before/after values of the buyer's phone and street detail masked."""
    changes = (entry.get("data") or {}).get("changes")
    if not changes:
        return entry
    masked_changes = []
    for change in changes:
        mask = _MASKED_CHANGES.get(change.get("field"))
        masked_changes.append(change if mask is None else
                              dict(change, before=mask(change.get("before")), after=mask(change.get("after"))))
    return dict(entry, data=dict(entry["data"], changes=masked_changes))


def mask_payload(payload: dict) -> dict:
    """Return a push payload with any embedded order's buyer data masked."""
    if "order" not in payload:
        return payload
    masked = copy.copy(payload)
    masked["order"] = mask_order(payload["order"])
    return masked
