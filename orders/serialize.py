"""JSON shapes of orders, as the API, pages and pushes show them (masking is applied by the caller)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.db import quantize_money
from orders.models import Order, OrderFinding, OrderHistory, OrderPayment


# The relations order_to_dict reads besides the lines, which orders/aftersales, orders/fulfilment and orders/claims
# attach to Order when they are imported.
_READ_RELATIONS = ("lines", "aftersale_cases", "shipments", "chat_claim")


def order_dict_loads() -> list:
    """Return the loader options that read, for a list of orders, what order_to_dict reads of each, a few statements
    in all instead of three more per order."""
    return [selectinload(getattr(Order, name)) for name in _READ_RELATIONS if hasattr(Order, name)]


def order_to_dict(order: Order, with_history: bool = False, findings: list[OrderFinding] | None = None) -> dict:
    """Return an order with its buyer, items, totals, pricing and findings (money as strings with 2 decimals)."""
    data = {
        "order_id": order.order_id,
        "broadcast_id": order.broadcast_id,
        "status": order.status,
        "source": order.source,
        "buyer": buyer_to_dict(order),
        "items": [
            {"sku": line.sku, "qty": line.qty, "unit_price": _money(line.unit_price),
             "line_total": _money(line.line_total), "list_price": _money(line.list_price), "platform_unit_price": _money(line.platform_unit_price),
             "promotion": line.promotion, "order_discount": str(quantize_money(line.order_discount or 0))}
            for line in order.lines
        ],
        "units": order.units,
        # Quantized here: an order made in this transaction still holds the Decimal it was given ("0"), one read
        # back holds the stored cents ("0.00"); the payload must not depend on which.
        "subtotal": str(quantize_money(order.subtotal or 0)),
        "discount": str(quantize_money(order.discount or 0)),
        "total": str(quantize_money(order.total or 0)),
        "paid_amount": _money(order.paid_amount),
        "refund_due": order.refund_due,
        "refunded": str(quantize_money(getattr(order, "refunded_amount", None) or 0)),
        "cases": aftersale_refs(order),
        **fulfilment_fields(order),
        "promotions": (order.pricing or {}).get("outcomes", []),
        "reserved_until": _time(order.reserved_until),
        "held_at": _time(order.held_at),
        "waitlisted_at": _time(order.waitlisted_at),
        "claimed_by": order.claimed_by,
        "coupon_codes": list(order.coupon_codes or []),
        "comment_id": order.comment_id,
        "claim": claim_ref(order),
        "placed_at": order.placed_at.isoformat(),
        "received_at": order.received_at.isoformat(),
        "findings": [finding_to_dict(f) for f in findings or []],
    }
    if with_history:
        data["history"] = [history_to_dict(row) for row in order.history]
    return data


def aftersale_refs(order: Order) -> list[dict]:
    """Return an order's after-sales cases in brief (orders/aftersales); only a paid order can have any."""
    if getattr(order, "paid_amount", None) is None or not hasattr(order, "aftersale_cases"):
        return []
    return [{"case_id": case.case_id, "type": case.type, "reason": case.reason, "status": case.status,
             "deadline_at": _time(case.deadline_at)} for case in order.aftersale_cases]


def fulfilment_fields(order: Order) -> dict:
    """Return an order's fulfilment dates and its shipments in brief (orders/fulfilment); only a paid order ships."""
    data = {key: _time(getattr(order, key, None))
            for key in ("paid_at", "ship_by_at", "packed_at", "shipped_at", "delivered_at")}
    shipped = getattr(order, "paid_amount", None) is not None and hasattr(order, "shipments")
    data["shipments"] = [{"shipment_id": s.shipment_id, "carrier": s.carrier, "tracking_no": s.tracking_no,
                          "status": s.status, "eta": _time(s.eta)} for s in order.shipments] if shipped else []
    return data


def claim_ref(order: Order) -> dict | None:
    """Return the chat claim an order came from or answers ({"comment_id", "text"}), or None (orders/claims)."""
    claim = getattr(order, "chat_claim", None) if order.comment_id else None
    return None if claim is None else {"comment_id": claim.comment_id, "text": claim.text}


def buyer_to_dict(order: Order) -> dict:
    """Return an order's buyer: id, name, phone and address, unmasked (callers mask per role), and whether the
    platform keeps the contact (contact_masked)."""
    return {
        "id": order.buyer_id,
        "name": order.buyer_name,
        "phone": order.buyer_phone,
        "member_tier": order.member_tier,
        "contact_masked": bool(order.contact_masked),
        "address": {
            "province": order.address_province,
            "city": order.address_city,
            "district": order.address_district,
            "detail": order.address_detail,
        },
    }


def history_to_dict(row: OrderHistory) -> dict:
    """Return one history row as JSON-ready data."""
    return {
        "action": row.action,
        "from_status": row.from_status,
        "to_status": row.to_status,
        "actor": row.actor,
        "reason": row.reason,
        "data": row.data,
        "at": row.at.isoformat(),
    }


def finding_to_dict(row: OrderFinding) -> dict:
    """Return one finding as JSON-ready data, with its override when an auditor made one."""
    data = {"code": row.code, "severity": row.severity, "message": row.message, "data": row.data}
    if row.field:
        data["field"] = row.field
    if row.overridden_at is not None:
        data["override"] = {"by": row.overridden_by, "reason": row.override_reason, "at": row.overridden_at.isoformat()}
    return data


def _money(value) -> str | None:
    return None if value is None else str(quantize_money(value))


def _time(value) -> str | None:
    return None if value is None else value.isoformat()


def payments_for(session, order_pk: int) -> list[dict]:
    """Return an order's payment reports, oldest first."""
    rows = session.scalars(sa.select(OrderPayment).where(OrderPayment.order_pk == order_pk).order_by(OrderPayment.id))
    return [{"payment_id": p.payment_id, "status": p.status, "amount": str(p.amount), "method": p.method,
             "refund_due": p.refund_due, "at": p.at.isoformat()} for p in rows]
