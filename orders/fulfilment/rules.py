"""Pure fulfilment rules: a shipment's status from its checkpoints, an order's status from its shipments, and which
units a new shipment may carry. No Flask, no database: dataclasses in, dataclasses out.

Checkpoints are folded in the order of their time, never in the order they arrived, so duplicates and late
deliveries of a provider's callbacks converge to one status. Terminal states hold: a delivered parcel stays
delivered unless a later checkpoint says it came back; a parcel returned to its sender stays returned.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

SHIPMENT_EXCEPTIONS = ("delivery_failed", "returned_to_sender", "lost")
# Worst last: an order with several troubled parcels shows the worst one.
EXCEPTION_RANK = ("delivery_failed", "returned_to_sender", "lost")
# Order statuses that follow the order's shipments; others (cancelled, refunded by after-sales …) are left alone.
FULFILMENT_STATUSES = ("paid", "packing", "partially_shipped", "shipped", "delivered", *SHIPMENT_EXCEPTIONS)
SHIPPABLE_STATUSES = ("paid", "packing", "partially_shipped")
PACKABLE_STATUSES = ("paid",)
CHECKPOINT_TO_SHIPMENT = {
    "info_received": "shipped", "picked_up": "in_transit", "in_transit": "in_transit",
    "out_for_delivery": "out_for_delivery", "delivered": "delivered", "exception": "delivery_failed",
    "delivery_failed": "delivery_failed", "returned": "returned_to_sender", "lost": "lost",
}
# Checkpoints at the same instant: the later step of a parcel's journey counts last.
SAME_TIME_RANK = {"info_received": 0, "picked_up": 1, "in_transit": 2, "out_for_delivery": 3, "exception": 4,
                  "delivery_failed": 4, "lost": 5, "delivered": 6, "returned": 7}


def dedupe_key(at: datetime, status: str, description: str | None) -> str:
    """Return the key that identifies a scan within its shipment: its time and description (its status when blank).

    The status is left out when there is a description: a provider that resends its whole history may label an
    older scan less precisely than it did when the scan was the newest, and that must not store it twice.
    """
    text = " ".join((description or "").split()) or f"status:{status}"
    instant = at.astimezone(timezone.utc).isoformat()
    return hashlib.sha256(f"{instant}|{text}".encode()).hexdigest()


def preferred_status(stored: str, incoming: str) -> str:
    """Return the status to keep for one scan reported twice with different labels: the later journey step.

    A provider resending its history may label a scan less precisely the second time (kuaidi100 labels only its
    newest scan precisely); keeping the later step whichever came first makes the result arrival-order free.
    """
    return max(stored, incoming, key=lambda status: (SAME_TIME_RANK.get(status, 2), status))


@dataclass(frozen=True)
class Checkpoint:
    """One scan of a parcel: when, what it means (a CHECKPOINT_TO_SHIPMENT key), and the carrier's words."""

    at: datetime
    status: str
    description: str | None = None
    location: str | None = None
    raw_state: str | None = None

    @property
    def key(self) -> str:
        """Return the dedupe key of this checkpoint."""
        return dedupe_key(self.at, self.status, self.description)


@dataclass(frozen=True)
class ShipmentState:
    """What a shipment's checkpoints say: its status, when it was delivered, when the parcel was last seen."""

    status: str
    delivered_at: datetime | None
    last_checkpoint_at: datetime | None


def _next_status(current: str, reported: str) -> str:
    """Return the status after a checkpoint reporting `reported`, given the status so far."""
    if current == "delivered":
        return "returned_to_sender" if reported == "returned_to_sender" else current
    if current == "returned_to_sender" or reported == "shipped":
        return current
    return reported


def shipment_state(checkpoints: Iterable[Checkpoint]) -> ShipmentState:
    """Return the state checkpoints give a shipment, folded by time (then journey step, then key): order-free."""
    status, delivered_at, last_at = "shipped", None, None
    ordered = sorted(checkpoints, key=lambda c: (c.at, SAME_TIME_RANK.get(c.status, 2), c.key))
    for checkpoint in ordered:
        before = status
        status = _next_status(status, CHECKPOINT_TO_SHIPMENT[checkpoint.status])
        if status == "delivered" and before != "delivered":
            delivered_at = checkpoint.at
        last_at = checkpoint.at
    return ShipmentState(status, delivered_at if status == "delivered" else None, last_at)


def order_status(current: str, ordered: Mapping[str, int], shipped: Mapping[str, int],
                 shipment_statuses: Sequence[str]) -> str:
    """Return the status an order's shipments give it (current when the order is not in fulfilment)."""
    if current not in FULFILMENT_STATUSES:
        return current
    troubles = [status for status in shipment_statuses if status in SHIPMENT_EXCEPTIONS]
    if troubles:
        return max(troubles, key=EXCEPTION_RANK.index)
    if not shipment_statuses:
        return current if current in ("paid", "packing") else "paid"
    if any(shipped.get(sku, 0) < qty for sku, qty in ordered.items()):
        return "partially_shipped"
    return "delivered" if all(status == "delivered" for status in shipment_statuses) else "shipped"


@dataclass(frozen=True)
class LineProblem:
    """Why a requested shipment line cannot be shipped: an error code, the field at fault, a sentence."""

    code: str
    field: str
    message: str


def remaining_units(ordered: Mapping[str, int], shipped: Mapping[str, int]) -> dict[str, int]:
    """Return the units per SKU ordered and not shipped yet (SKUs with none left are left out)."""
    return {sku: qty - shipped.get(sku, 0) for sku, qty in ordered.items() if qty - shipped.get(sku, 0) > 0}


def to_deliver(ordered: Mapping[str, int], withdrawn: Mapping[str, int]) -> dict[str, int]:
    """Return the units per SKU the order still owes the buyer: ordered minus those refunded before they shipped."""
    return {sku: qty - withdrawn.get(sku, 0) for sku, qty in ordered.items() if qty - withdrawn.get(sku, 0) > 0}


@dataclass(frozen=True)
class GoodsRefund:
    """A succeeded refund of a refund_only case, as fulfilment reads it (orders/aftersales tells it).

    in_full: the order's refund_only refunds now reach what the purchase paid, so nothing of it is owed any more.
    A refund short of that is money only (a price adjustment, or a unit the buyer keeps): every unit still ships.
    Which units a partial refund is about cannot be told apart from those that shipped (the same SKU may be in
    both), so it never takes goods off an order (docs/fulfilment.md "Refunded before shipping").
    """

    case_id: str
    refund_id: str
    in_full: bool = False


def withdrawal(left: Mapping[str, int], refund: GoodsRefund) -> dict[str, int]:
    """Return the units a refund takes off what is left to ship: everything once the order is refunded in full,
    else nothing."""
    return dict(left) if refund.in_full else {}


def plan_shipment(ordered: Mapping[str, int], shipped: Mapping[str, int],
                  requested: Sequence[tuple[str, int]] | None) -> tuple[dict[str, int], list[LineProblem]]:
    """Return the units per SKU a new shipment carries and every problem with the request.

    None ships everything left. A line names an SKU of the order; lines of one SKU add up, and together they
    never exceed what is left of it (ordered minus shipped before).
    """
    left = remaining_units(ordered, shipped)
    if requested is None:
        problems = [] if left else [LineProblem("nothing_to_ship", "lines", "every unit of the order has shipped")]
        return left, problems
    plan: dict[str, int] = {}
    problems: list[LineProblem] = []
    for index, (sku, qty) in enumerate(requested):
        if sku not in ordered:
            problems.append(LineProblem("unknown_sku", f"lines[{index}].sku", f"the order has no line {sku!r}"))
            continue
        if plan.get(sku, 0) + qty > left.get(sku, 0):
            problems.append(LineProblem("qty_exceeds_remaining", f"lines[{index}].qty",
                                        f"{left.get(sku, 0)} unit(s) of {sku} are left to ship"))
            continue
        plan[sku] = plan.get(sku, 0) + qty
    return plan, problems


def expected_arrival(shipped_at: datetime, eta_days: int) -> datetime:
    """Return when a parcel handed over at shipped_at should arrive, eta_days later."""
    return shipped_at + timedelta(days=eta_days)


def is_stale(last_seen: datetime, now: datetime, days: int) -> bool:
    """Return True when a moving parcel was last seen more than days ago."""
    return now - last_seen > timedelta(days=days)


def late_dispatch_rate(shipped: int, late: int) -> float | None:
    """Return the share of shipped orders that shipped after their deadline (0..1), or None with none shipped."""
    return None if shipped == 0 else min(late, shipped) / shipped
