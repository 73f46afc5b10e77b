"""Keeping an order in step with its shipments: its status and dates, the logistics-problem finding, buyer notices,
the order_delivered signal. Called by the fulfilment actions after they changed shipments (not committed).
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.signals import order_delivered, order_delivery_withdrawn
from orders import history
from orders.fulfilment.carriers import BUILTIN, Carrier, find_carrier
from orders.fulfilment.deadline import setting
from orders.fulfilment.models import Shipment, ShipmentLine
from orders.fulfilment.refunded import withdrawn_by_order
from orders.fulfilment.rules import SHIPMENT_EXCEPTIONS, order_status, to_deliver
from orders.models import Order, OrderFinding, OrderLine
from orders.notices.service import queue_notice

LOGISTICS_EXCEPTION = "logistics_exception"
# 物流问题: the wording of the seeded complaint category, so the finding and a complaint about it read alike.
LOGISTICS_MESSAGE = {"en": "Logistics problem: {what}", "zh-CN": "物流问题：{what_zh}"}
EXCEPTION_WORDS = {"delivery_failed": ("delivery failed", "派送失败"),
                   "returned_to_sender": ("returned to sender", "退回发件人"), "lost": ("parcel lost", "包裹丢失")}


def ordered_units(session: Session, order: Order) -> dict[str, int]:
    """Return the units per SKU an order holds (lines of one SKU added up)."""
    units: Counter[str] = Counter()
    for sku, qty in session.execute(sa.select(OrderLine.sku, OrderLine.qty).where(OrderLine.order_pk == order.id)):
        units[sku] += qty
    return dict(units)


def units_to_deliver(session: Session, order: Order, withdrawn_now: dict[str, int] | None = None) -> dict[str, int]:
    """Return the units per SKU the order owes the buyer: ordered, less those refunded before they shipped (and less
    withdrawn_now, units being taken off in this step and not yet recorded)."""
    withdrawn = dict(withdrawn_by_order(session, [order])[order.id])
    for sku, units in (withdrawn_now or {}).items():
        withdrawn[sku] = withdrawn.get(sku, 0) + units
    return to_deliver(ordered_units(session, order), withdrawn)


def shipped_units(session: Session, order: Order) -> dict[str, int]:
    """Return the units per SKU already in the order's shipments."""
    rows = session.execute(sa.select(ShipmentLine.sku, sa.func.sum(ShipmentLine.qty))
                           .join(Shipment, Shipment.id == ShipmentLine.shipment_pk)
                           .where(Shipment.order_pk == order.id).group_by(ShipmentLine.sku))
    return {sku: int(qty) for sku, qty in rows}


def carrier_of(session: Session, code: str) -> Carrier:
    """Return the carrier of a shipment (a switched-off added one still names itself by its code)."""
    return find_carrier(session, code) or BUILTIN.get(code) or Carrier(code, code, code, None, None, None, 3, False)


def local_date(instant: datetime | None) -> str | None:
    """Return the calendar date of instant in the shop's zone (SHIP_BY_TIMEZONE), as the buyer reads it."""
    if instant is None:
        return None
    return instant.astimezone(ZoneInfo(setting("SHIP_BY_TIMEZONE") or "Asia/Shanghai")).date().isoformat()


def parcel_context(session: Session, shipment: Shipment) -> dict:
    """Return the notice context naming a shipment's parcel: carrier in both languages and tracking number."""
    carrier = carrier_of(session, shipment.carrier)
    return {"carrier_en": carrier.name_en, "carrier_zh": carrier.name_zh, "tracking_no": shipment.tracking_no,
            "carrier": carrier.code, "shipment_id": shipment.shipment_id}


def sync_order(session: Session, order: Order, actor: str, now: datetime, action: str, data: dict,
               withdrawn_now: dict[str, int] | None = None) -> bool:
    """Return True when the order's status moved to what its shipments say; one history row records the step.

    The units refunded before they shipped are not owed (withdrawn_now: those this step takes off). An order
    leaving delivered (a parcel returned to its sender after delivery) loses its delivered_at."""
    shipments = session.scalars(sa.select(Shipment).where(Shipment.order_pk == order.id).order_by(Shipment.id)).all()
    target = order_status(order.status, units_to_deliver(session, order, withdrawn_now), shipped_units(session, order),
                          [s.status for s in shipments])
    before = order.status
    if before == "delivered" and target != "delivered":
        # A parcel came back after its delivery scan (refused at the door, a wrong 签收): the buyer does not have the
        # goods, so the order is not delivered. Its delivered_at goes, and with it what counts from a delivery: the
        # seven-day no-reason return window and the "earlier deliveries" of the buyer's follow-up rule.
        data = data | {"delivery_withdrawn": order.delivered_at.isoformat() if order.delivered_at else None}
        order.delivered_at = None
        order_delivery_withdrawn.send(session, order=order, at=now)
    history.fulfilment_step(session, order, action, actor, to_status=target if target != before else None, data=data)
    if target == before:
        return False
    if target == "shipped" and order.shipped_at is None:
        order.shipped_at = now
    if target == "delivered":
        order.delivered_at = max((s.delivered_at for s in shipments if s.delivered_at), default=now)
        queue_notice(session, order, "delivered", {}, now=now)
        # at: when LiveDesk learned it, not the scan's time: a late or back-filled scan must not date the survey
        # invitation (and its link's 30 days) or the follow-up's due time in the past.
        order_delivered.send(session, order=order, at=now)
    return True


def raise_logistics_exception(session: Session, order: Order, shipment: Shipment, actor: str, now: datetime) -> None:
    """Flag an order whose parcel is in trouble: an active finding, a history row and a notice to the buyer."""
    _deactivate(session, order, shipment)  # a parcel's trouble changed (failed, then lost): one finding stays
    en, zh = EXCEPTION_WORDS[shipment.status]
    message = {"en": LOGISTICS_MESSAGE["en"].format(what=f"{en} ({shipment.carrier} {shipment.tracking_no})"),
               "zh-CN": LOGISTICS_MESSAGE["zh-CN"].format(what_zh=f"{zh}（{shipment.carrier} {shipment.tracking_no}）")}
    session.add(OrderFinding(order_pk=order.id, code=LOGISTICS_EXCEPTION, severity="warn", field="shipments",
                             message=message, data={"shipment_id": shipment.shipment_id, "status": shipment.status}))
    history.fulfilment_step(session, order, LOGISTICS_EXCEPTION, actor, reason=message["en"],
                            data={"shipment_id": shipment.shipment_id, "status": shipment.status})
    queue_notice(session, order, "delivery_exception", parcel_context(session, shipment) | {"status": shipment.status},
                 dedupe=f"{shipment.shipment_id}:{shipment.status}", now=now)


def resolve_logistics_exception(session: Session, order: Order, shipment: Shipment, actor: str) -> None:
    """Clear the logistics-problem finding of a parcel that moves again (or was delivered after all)."""
    if _deactivate(session, order, shipment):
        history.fulfilment_step(session, order, "logistics_resolved", actor,
                                data={"shipment_id": shipment.shipment_id, "status": shipment.status})


def _deactivate(session: Session, order: Order, shipment: Shipment) -> int:
    """Return how many active logistics-problem findings of the shipment were set inactive."""
    rows = session.scalars(sa.select(OrderFinding).where(
        OrderFinding.order_pk == order.id, OrderFinding.code == LOGISTICS_EXCEPTION, OrderFinding.active.is_(True))).all()
    mine = [row for row in rows if (row.data or {}).get("shipment_id") == shipment.shipment_id]
    for row in mine:
        row.active = False
    return len(mine)


def exception_moved(before: str, after: str) -> str | None:
    """Return "raised" when a parcel entered trouble, "resolved" when it left it, None otherwise."""
    if after in SHIPMENT_EXCEPTIONS and before != after:
        return "raised"
    if before in SHIPMENT_EXCEPTIONS and after not in SHIPMENT_EXCEPTIONS:
        return "resolved"
    return None
