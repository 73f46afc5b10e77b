"""/api/v1 fulfilment lists: overdue orders with late-dispatch rates, the packing list (JSON and CSV), parcels
whose tracking went quiet or reported trouble.
"""
from __future__ import annotations

from flask import Response, jsonify, request

from app.csv import csv_text
from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from orders.fulfilment import deadline, queries
from orders.fulfilment.api.blueprint import READERS, bp, broadcast_filter
from orders.fulfilment.serialize import shipment_to_dict
from orders.models import Order

OVERDUE_LIMIT = 500


def _time(value) -> str | None:
    return None if value is None else value.isoformat()


def order_row(order: Order, left: dict[str, int]) -> dict:
    """Return an order as the fulfilment lists show it: status, deadlines, units left to ship."""
    return {"order_id": order.order_id, "broadcast_id": order.broadcast_id, "status": order.status,
            "paid_at": _time(order.paid_at), "ship_by_at": _time(order.ship_by_at), "packed_at": _time(order.packed_at),
            "left_to_ship": [{"sku": sku, "qty": qty} for sku, qty in sorted(left.items())]}


def status_filter() -> str | None:
    """Return the status query parameter (paid, packing or partially_shipped), or None; 400 otherwise."""
    status = validation.query_code(request.args, "status")
    if status is not None and status not in queries.TO_PACK_FILTERS:
        raise ApiError(400, "invalid_query", f"status must be one of {', '.join(queries.TO_PACK_FILTERS)}", "status")
    return status


@bp.get("/fulfilment/overdue")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def overdue():
    """List orders past their ship-by deadline and not fully shipped, and the late-dispatch rate per broadcast."""
    broadcast_id, now = broadcast_filter(), utcnow()
    if deadline.backfill_ship_by(db.session):
        db.session.commit()  # orders paid before deadlines existed get theirs, so they are listed when late
    orders = queries.orders_to_pack(db.session, broadcast_id, overdue_at=now, limit=OVERDUE_LIMIT)
    left = queries.left_to_ship(db.session, orders)
    return jsonify({"generated_at": now.isoformat(), "orders": [order_row(o, left[o.id]) for o in orders],
                    "counts": queries.count_open(db.session, now, broadcast_id),
                    "late_dispatch": queries.late_dispatch(db.session, broadcast_id)})


@bp.get("/fulfilment/packing-list")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def packing_list():
    """The packing list: units left to ship grouped by SKU (most first), over paid, packing and partly shipped orders."""
    broadcast_id, status = broadcast_filter(), status_filter()
    rows = queries.packing_list(db.session, broadcast_id, status)
    return jsonify({"broadcast_id": broadcast_id, "status": status, "rows": [r.to_dict() for r in rows],
                    "total_units": sum(r.units for r in rows),
                    "total_orders": len({o for r in rows for o in r.order_ids})})


def packing_csv(rows: list[queries.PackingListRow]) -> str:
    """Return the packing list as CSV text (formula-safe, with a byte-order mark for spreadsheets) and a total row."""
    body = [(r.sku, r.name or "", r.units, len(r.order_ids), " ".join(r.order_ids)) for r in rows]
    body.append(("TOTAL", "", sum(r.units for r in rows), len({o for r in rows for o in r.order_ids}), ""))
    return csv_text(("sku", "name", "units", "orders", "order_ids"), body, bom=True)


@bp.get("/fulfilment/packing-list.csv")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def packing_list_csv():
    """The packing list as a CSV file."""
    rows = queries.packing_list(db.session, broadcast_filter(), status_filter())
    return Response(packing_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="packing-list.csv"'})


@bp.get("/fulfilment/tracking-issues")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def tracking_issues():
    """List shipments whose tracking went quiet (stale) or reported trouble, oldest news first."""
    shipments = queries.troubled_shipments(db.session)
    return jsonify({"shipments": [shipment_to_dict(s, with_checkpoints=False) for s in shipments]})
