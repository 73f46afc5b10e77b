"""Fulfilment actions: mark orders packed, ship an order (in one or more parcels), record tracking checkpoints,
take goods refunded before they shipped off the order (called by orders/aftersales when such a refund succeeds).

Each is one function that changes rows, writes history, queues the buyer notices and the pushes that follow
(after Saleor's order/actions.py); none commits. Routes parse, call one, commit with app.realtime.commit. They
take a plain Session, so tests and state machines drive them without Flask.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders import history, inventory
from orders.actions import quantities, release_order
from orders.fulfilment import sync
from orders.fulfilment.carriers import CarrierError, check_tracking_no, find_carrier
from orders.fulfilment.models import Shipment, ShipmentLine, TrackingCheckpoint
from orders.fulfilment.refunded import REFUNDED_UNSHIPPED, RefundState, refund_state, refund_states
from orders.fulfilment.rules import (PACKABLE_STATUSES, SHIPPABLE_STATUSES, GoodsRefund, expected_arrival,
                                     plan_shipment, remaining_units, withdrawal)
from orders.fulfilment.tracking import copy_parcel_history, record_checkpoints  # noqa: F401  (part of this API)
from orders.models import Order
from orders.notices.service import queue_notice
from orders.promotions import service as promotions
from orders.push import queue_order_changes
from orders.waitlist import promote_waitlisted

MAX_BULK = 500
# Paid orders not yet in fulfilment (an audit hold, the waitlist): a refund in full closes them as a cancel would.
PAID_WAITING = ("held", "waitlisted")


class FulfilmentRefused(Exception):
    """An action that cannot be applied; carries the HTTP status, error code and field at fault."""

    def __init__(self, code: str, field: str | None, message: str, status: int = 409):
        super().__init__(message)
        self.code, self.field, self.message, self.status = code, field, message, status


@dataclass
class ShipmentRequest:
    """What a person or tool asks to ship: carrier code, tracking number, lines (None: everything left), ETA."""

    carrier: str
    tracking_no: str
    lines: list[tuple[str, int]] | None = None
    eta: datetime | None = None


@dataclass
class PackResult:
    """What bulk packing did: orders packed, orders already packed, orders refused with why, ids unknown."""

    packed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the result as JSON-ready data."""
        return {"packed": self.packed, "already_packed": self.already, "refused": self.refused, "unknown": self.unknown}


def lock_order(session: Session, order_id: str) -> Order:
    """Return the order (row-locked on PostgreSQL), or raise 404."""
    order = session.scalar(sa.select(Order).where(Order.order_id == order_id).options(selectinload(Order.lines))
                           .with_for_update().execution_options(populate_existing=True))
    if order is None:
        raise FulfilmentRefused("not_found", "order_id", f"no order {order_id!r}", status=404)
    return order


def mark_packed(session: Session, order_ids: list[str], actor: str, now: datetime) -> PackResult:
    """Return what marking these orders packed did: paid ones become packing, others are reported, not changed."""
    wanted = list(dict.fromkeys(order_ids))[:MAX_BULK]
    # Locked in id order: two people packing overlapping selections never wait on each other in a circle.
    orders = session.scalars(sa.select(Order).where(Order.order_id.in_(wanted)).order_by(Order.id)
                             .options(selectinload(Order.lines)).with_for_update()).all()
    found = {order.order_id: order for order in orders}
    result = PackResult(unknown=[order_id for order_id in wanted if order_id not in found])
    states = refund_states(session, list(orders))
    changed = []
    for order_id in wanted:
        order = found.get(order_id)
        if order is None:
            continue
        if order.status == "packing":
            result.already.append(order_id)
        elif order.status not in PACKABLE_STATUSES:
            result.refused.append({"order_id": order_id, "code": "invalid_state", "status": order.status,
                                   "message": f"only paid orders are packed (this one is {order.status})"})
        elif states[order.id].held_by:
            refusal = on_hold(states[order.id])
            result.refused.append({"order_id": order_id, "code": refusal.code, "status": order.status,
                                   "message": refusal.message})
        else:
            order.packed_at = now
            history.fulfilment_step(session, order, "packed", actor, to_status="packing")
            result.packed.append(order_id)
            changed.append(order)
    queue_order_changes(session, [(order, False) for order in changed], set())
    return result


def new_shipment_id() -> str:
    """Return a fresh shipment id such as SHP-7K2M9Q4T1C."""
    return "SHP-" + "".join(secrets.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(10))


def create_shipment(session: Session, order_id: str, request: ShipmentRequest, actor: str, now: datetime) -> Shipment:
    """Return the new shipment of an order: its lines, ETA, the order's new status, history, the buyer's notice."""
    order = lock_order(session, order_id)
    state = refund_state(session, order)
    if state.closed:
        raise FulfilmentRefused("refunded", "order_id",
                                f"the order was refunded in full before it shipped (after-sales case "
                                f"{state.closing_case}): nothing is left to ship")
    if order.status not in SHIPPABLE_STATUSES:
        raise FulfilmentRefused("invalid_state", "status",
                                f"only paid, packing or partly shipped orders ship (this one is {order.status})")
    if state.held_by:
        raise on_hold(state)
    carrier = find_carrier(session, request.carrier)
    if carrier is None:
        raise FulfilmentRefused("unknown_carrier", "carrier", f"no carrier {request.carrier!r}", status=422)
    try:
        tracking_no = check_tracking_no(carrier, request.tracking_no)
    except CarrierError as error:
        raise FulfilmentRefused(error.code, error.field, error.message, status=422) from None
    if session.scalar(sa.select(Shipment.id).where(Shipment.order_pk == order.id, Shipment.carrier == carrier.code,
                                                   Shipment.tracking_no == tracking_no)) is not None:
        raise FulfilmentRefused("shipment_exists", "tracking_no",
                                f"{carrier.code} {tracking_no} is already a shipment of this order")
    plan, problems = plan_shipment(sync.units_to_deliver(session, order), sync.shipped_units(session, order),
                                   request.lines)
    if problems:
        first = problems[0]
        raise FulfilmentRefused(first.code, first.field, first.message, status=422)
    shipment = Shipment(shipment_id=new_shipment_id(), order_pk=order.id, carrier=carrier.code,
                        tracking_no=tracking_no, status="shipped", shipped_at=now, created_by=actor,
                        eta=request.eta or expected_arrival(now, carrier.eta_days),
                        lines=[ShipmentLine(sku=sku, qty=qty) for sku, qty in plan.items()])
    session.add(shipment)
    session.flush()
    copy_parcel_history(session, shipment)  # a parcel shared with another order (合并发货) already has scans
    data = {"shipment_id": shipment.shipment_id, "carrier": carrier.code, "tracking_no": tracking_no,
            "lines": [{"sku": sku, "qty": qty} for sku, qty in plan.items()]}
    sync.sync_order(session, order, actor, now, "shipment_created", data)
    context = sync.parcel_context(session, shipment) | {"eta": sync.local_date(shipment.eta),
                                                        "partial": order.status == "partially_shipped"}
    queue_notice(session, order, "shipped", context, dedupe=shipment.shipment_id, now=now)
    queue_order_changes(session, [(order, False)], set())
    return shipment


def on_hold(state: RefundState) -> FulfilmentRefused:
    """Return the 409 refund_requested of an order whose refund is asked for and not yet decided."""
    return FulfilmentRefused("refund_requested", "order_id",
                             f"after-sales case {state.held_by[0]} asks to refund this order before it ships: refund "
                             f"it, or reject or cancel the case, before the order is packed or shipped")


def refunded_before_shipping(session: Session, order: Order, refund: GoodsRefund, actor: str,
                             now: datetime) -> tuple[list[str], list[Order]]:
    """Return (SKUs put back on stock, waitlisted orders that took them) after a refund_only refund took goods that
    had not shipped off the order (withdrawal: the units it paid back in full, or all that is left once the order
    is refunded in full). The order's lock is held by the caller.

    The units leave what is to pack and ship and go back on sale (sold → available; they never left the
    warehouse). An order with nothing shipped and nothing left closes as a cancel would (status cancelled, its
    promotions given back); one partly shipped takes the status its shipments give it. A paid order on hold or in
    the waitlist refunded in full is closed by orders.actions.release_order. One history row
    `refunded_unshipped` records the units, the case and the refund.
    """
    if order.status in PAID_WAITING and refund.in_full:
        outcome = release_order(session, order, "cancelled", actor, refund.case_id, now, notice=None, refund_paid=False)
        history.fulfilment_step(session, order, REFUNDED_UNSHIPPED, actor, data=_record(
            refund, quantities(order), restocked=False) | {"closed": True})
        return list(outcome.stock_skus), outcome.also_changed
    if order.status not in SHIPPABLE_STATUSES:
        return [], []
    shipped = sync.shipped_units(session, order)
    left = remaining_units(sync.units_to_deliver(session, order), shipped)
    taken = withdrawal(left, refund)
    if not taken:
        return [], []
    restocked = _restock(session, taken)
    data = _record(refund, taken, restocked)
    if not shipped and taken == left:  # nothing went out and nothing is left: the sale is undone
        history.fulfilment_step(session, order, REFUNDED_UNSHIPPED, actor, to_status="cancelled",
                                reason=refund.case_id, data=data | {"closed": True})
        promotions.release(session, order.id)
    else:
        sync.sync_order(session, order, actor, now, REFUNDED_UNSHIPPED, data, withdrawn_now=taken)
    promoted = promote_waitlisted(session, set(taken), now) if restocked else []
    return (sorted(taken) if restocked else []), promoted


def _record(refund: GoodsRefund, units: dict[str, int], restocked: bool) -> dict:
    return {"case_id": refund.case_id, "refund_id": refund.refund_id, "units": dict(sorted(units.items())),
            "in_full": refund.in_full, "restocked": restocked}


def _restock(session: Session, units: dict[str, int]) -> bool:
    """Return True after putting units an order had bought back on sale; False, changing nothing, when the stock no
    longer holds them as sold (counted by hand since): the history row says so."""
    savepoint = session.begin_nested()
    try:
        inventory.restore_sold(session, units)
    except inventory.InventoryError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def find_shipment(session: Session, shipment_id: str) -> Shipment | None:
    """Return the shipment with this id, lines and checkpoints loaded, or None."""
    return session.scalar(sa.select(Shipment).where(Shipment.shipment_id == shipment_id)
                          .options(selectinload(Shipment.lines), selectinload(Shipment.checkpoints)))


def parcel_shipments(session: Session, carrier: str, tracking_no: str) -> list[Shipment]:
    """Return every shipment of one parcel (orders shipped together share it), row-locked, oldest first."""
    return list(session.scalars(sa.select(Shipment).where(Shipment.carrier == carrier,
                                                          Shipment.tracking_no == tracking_no)
                                .order_by(Shipment.id).with_for_update().execution_options(populate_existing=True)))


def checkpoints_of(session: Session, shipment: Shipment) -> list[TrackingCheckpoint]:
    """Return a shipment's checkpoints, oldest first."""
    return list(session.scalars(sa.select(TrackingCheckpoint).where(TrackingCheckpoint.shipment_pk == shipment.id)
                                .order_by(TrackingCheckpoint.at, TrackingCheckpoint.id)))
