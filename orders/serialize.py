"""JSON shapes of orders, as the API, pages and pushes show them (masking is applied by the caller)."""
from __future__ import annotations

from orders.models import Order, OrderHistory


def order_to_dict(order: Order, with_history: bool = False) -> dict:
    """Return an order with its buyer, items and totals (money as strings with 2 decimals)."""
    data = {
        "order_id": order.order_id,
        "broadcast_id": order.broadcast_id,
        "status": order.status,
        "source": order.source,
        "buyer": {
            "id": order.buyer_id,
            "name": order.buyer_name,
            "phone": order.buyer_phone,
            "address": {
                "province": order.address_province,
                "city": order.address_city,
                "district": order.address_district,
                "detail": order.address_detail,
            },
        },
        "items": [
            {"sku": line.sku, "qty": line.qty, "unit_price": str(line.unit_price), "line_total": str(line.line_total)}
            for line in order.lines
        ],
        "units": order.units,
        "total": str(order.total),
        "paid_amount": None if order.paid_amount is None else str(order.paid_amount),
        "coupon_codes": list(order.coupon_codes or []),
        "comment_id": order.comment_id,
        "placed_at": order.placed_at.isoformat(),
        "received_at": order.received_at.isoformat(),
        "findings": [],
    }
    if with_history:
        data["history"] = [history_to_dict(row) for row in order.history]
    return data


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
