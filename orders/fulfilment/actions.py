"""Fulfilment actions: mark orders packed, ship an order (in one or more parcels), record tracking checkpoints.

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

from orders import history
from orders.fulfilment import sync
from orders.fulfilment.carriers import CarrierError, check_tracking_no, find_carrier
from orders.fulfilment.models import Shipment, ShipmentLine, TrackingCheckpoint
from orders.fulfilment.rules import PACKABLE_STATUSES, SHIPPABLE_STATUSES, expected_arrival, plan_shipment
from orders.fulfilment.tracking import copy_parcel_history, record_checkpoints  # noqa: F401  (part of this API)
from orders.models import Order
from orders.notices.service import queue_notice
from orders.push import queue_order_changes

MAX_BULK = 500


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
    if order.status not in SHIPPABLE_STATUSES:
        raise FulfilmentRefused("invalid_state", "status",
                                f"only paid, packing or partly shipped orders ship (this one is {order.status})")
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
    plan, problems = plan_shipment(sync.ordered_units(session, order), sync.shipped_units(session, order),
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
