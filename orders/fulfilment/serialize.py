"""JSON shapes of shipments, as the API, pages and pushes show them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders.fulfilment.models import Shipment, TrackingCheckpoint


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def checkpoint_to_dict(row: TrackingCheckpoint) -> dict:
    """Return one tracking checkpoint as JSON-ready data."""
    return {"at": row.at.isoformat(), "status": row.status, "description": row.description, "location": row.location,
            "provider": row.provider, "raw_state": row.raw_state}


def shipment_to_dict(shipment: Shipment, order_id: str | None = None, with_checkpoints: bool = True) -> dict:
    """Return a shipment with its lines and (newest first) checkpoints."""
    data = {
        "shipment_id": shipment.shipment_id,
        "order_id": order_id or shipment.order.order_id,
        "status": shipment.status,
        "carrier": shipment.carrier,
        "tracking_no": shipment.tracking_no,
        "lines": [{"sku": line.sku, "qty": line.qty} for line in shipment.lines],
        "eta": _time(shipment.eta),
        "shipped_at": _time(shipment.shipped_at),
        "delivered_at": _time(shipment.delivered_at),
        "last_checkpoint_at": _time(shipment.last_checkpoint_at),
        "stale_since": _time(shipment.stale_since),
        "created_by": shipment.created_by,
    }
    if with_checkpoints:
        data["checkpoints"] = [checkpoint_to_dict(row) for row in reversed(shipment.checkpoints)]
    return data


def shipments_of(session: Session, order_pk: int) -> list[Shipment]:
    """Return an order's shipments, oldest first, with their lines and checkpoints loaded."""
    return list(session.scalars(sa.select(Shipment).where(Shipment.order_pk == order_pk).order_by(Shipment.id)
                                .options(selectinload(Shipment.lines), selectinload(Shipment.checkpoints))))


def shipments_for_order(session: Session, order_pk: int, order_id: str) -> list[dict]:
    """Return an order's shipments as JSON-ready data, oldest first."""
    return [shipment_to_dict(s, order_id) for s in shipments_of(session, order_pk)]
