"""/api/v1 shipments: ship an order and list its shipments, show one, post tracking checkpoints, pack in bulk."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import jsonify

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from orders.fulfilment import actions
from orders.fulfilment.actions import FulfilmentRefused, ShipmentRequest
from orders.fulfilment.api.blueprint import ACTORS, READERS, actor, bp
from orders.fulfilment.carriers import MAX_ETA_DAYS
from orders.fulfilment.models import Shipment
from orders.fulfilment.neutral import read_checkpoints
from orders.fulfilment.serialize import shipment_to_dict, shipments_for_order
from orders.models import Order

MAX_LINES = 200


def _order(order_id: str) -> Order:
    order = db.session.scalar(sa.select(Order).where(Order.order_id == order_id))
    if order is None:
        raise ApiError(404, "not_found", f"no order {order_id!r}", "order_id")
    return order


def read_shipment_request(data: dict) -> ShipmentRequest:
    """Return the shipment a body asks for, or raise 400 naming the bad field."""
    carrier = validation.text(data, "carrier", max_len=16)
    tracking_no = validation.text(data, "tracking_no", max_len=64)
    lines = data.get("lines")
    if lines is not None:
        if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_LINES:
            raise ApiError(400, "invalid_type", f"lines must be a list of 1 to {MAX_LINES} lines", "lines")
        parsed = []
        for index, line in enumerate(lines):
            if not isinstance(line, dict):
                raise ApiError(400, "invalid_type", f"lines[{index}] must be an object", f"lines[{index}]")
            parsed.append((validation.text(line, "sku", f"lines[{index}].sku", max_len=64),
                           validation.whole_number(line, "qty", f"lines[{index}].qty", minimum=1, maximum=100_000)))
        lines = parsed
    now = utcnow()
    eta = validation.timestamp(data, "eta", window=(now, now + timedelta(days=MAX_ETA_DAYS)))
    return ShipmentRequest(carrier.upper(), tracking_no, lines, eta)


@bp.get("/orders/<order_id>/shipments")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def list_shipments(order_id: str):
    """List an order's shipments, oldest first, with their lines and checkpoints."""
    order = _order(order_id)
    return jsonify({"order_id": order.order_id, "status": order.status,
                    "shipments": shipments_for_order(db.session, order.id, order.order_id)})


@bp.post("/orders/<order_id>/shipments")
@api.scope("aftersales")
@api.roles(*ACTORS)
def create_shipment(order_id: str):
    """Ship an order (all it has left, or the lines given): 201 with the shipment; the buyer is told."""
    shipment_request = read_shipment_request(api.json_body())
    who = actor()

    def work():
        try:
            shipment = actions.create_shipment(db.session, order_id, shipment_request, who, utcnow())
        except FulfilmentRefused as error:
            raise ApiError(error.status, error.code, error.message, error.field) from None
        body = shipment_to_dict(shipment, order_id) | {"order_status": shipment.order.status}
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work)), 201


@bp.get("/shipments/<shipment_id>")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def get_shipment(shipment_id: str):
    """Show one shipment with its lines and checkpoints (newest first)."""
    shipment = actions.find_shipment(db.session, shipment_id)
    if shipment is None:
        raise ApiError(404, "not_found", f"no shipment {shipment_id!r}", "shipment_id")
    return jsonify(shipment_to_dict(shipment))


@bp.post("/shipments/<shipment_id>/tracking")
@api.scope("aftersales", "ingest")
@api.roles(*ACTORS)
def post_tracking(shipment_id: str):
    """Add tracking checkpoints (the neutral form) to a shipment's parcel; answers the shipment as it is now."""
    data = api.json_body()
    now, who = utcnow(), actor()
    checkpoints = read_checkpoints(data, now)

    def work():
        parcel_of = db.session.execute(sa.select(Shipment.carrier, Shipment.tracking_no)
                                       .where(Shipment.shipment_id == shipment_id)).first()
        if parcel_of is None:
            raise ApiError(404, "not_found", f"no shipment {shipment_id!r}", "shipment_id")
        parcel = actions.parcel_shipments(db.session, *parcel_of)
        outcome = actions.record_checkpoints(db.session, parcel, checkpoints, "api", who, now)
        shipment = actions.find_shipment(db.session, shipment_id)
        body = shipment_to_dict(shipment) | {"stored": outcome.stored, "ignored": outcome.ignored,
                                             "order_status": shipment.order.status}
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work))


@bp.post("/orders/pack")
@api.scope("aftersales")
@api.roles(*ACTORS)
def pack_orders():
    """Mark paid orders packed (bulk): each is packed, already packed, refused (with why) or unknown."""
    data = api.json_body()
    order_ids = data.get("order_ids")
    if not isinstance(order_ids, list) or not 1 <= len(order_ids) <= actions.MAX_BULK:
        raise ApiError(400, "invalid_type", f"order_ids must be a list of 1 to {actions.MAX_BULK} order ids",
                       "order_ids")
    for index, order_id in enumerate(order_ids):
        if not isinstance(order_id, str) or not 0 < len(order_id) <= 64 or "\x00" in order_id \
                or not validation.encodable(order_id):
            raise ApiError(400, "invalid_type", "each order id is a string of 1 to 64 characters",
                           f"order_ids[{index}]")
    who = actor()

    def work():
        result = actions.mark_packed(db.session, order_ids, who, utcnow()).to_dict()
        realtime.commit(db.session)
        return result

    return jsonify(run_with_retry(work))
