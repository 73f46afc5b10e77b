"""Builders for after-sales tests: a shop with a paid (and shipped, delivered) order, and an agent's client."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from orders.models import Order
from tests.support import databases
from tests.support.api import now_iso
from tests.support.fulfilment import SF_NUMBER, AgentClient, place_paid_order, scoped_api  # noqa: F401


def open_shop(app, api, stock: int = 10) -> int:
    """Create products TEE and CAP (stock units each, 99.00) on a live broadcast; return its id."""
    api.product("TEE", stock=stock, price="99.00")
    api.product("CAP", stock=stock, price="99.00")
    return api.live_broadcast(skus=("TEE", "CAP"))


def agent_of(app, username: str = "aftersales") -> AgentClient:
    """Return the console client of a user (users of every role are created once per app)."""
    with app.app_context():
        empty = db.session.scalar(sa.text("select count(*) from users")) == 0
        db.session.rollback()
    if empty:
        databases.create_users(app)
    return AgentClient(app, username)


def ship(agent: AgentClient, order_id: str, tracking_no: str = SF_NUMBER) -> dict:
    """Ship every unit of an order by SF through the fulfilment API; return the shipment."""
    response = agent.post(f"/api/v1/orders/{order_id}/shipments", json={"carrier": "SF", "tracking_no": tracking_no})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def shipped_shop(app, api) -> tuple:
    """Return (ingest API, broadcast id, agent) with ORD-1 (2 × TEE at 99.00) paid and shipped."""
    broadcast_id = open_shop(app, api)
    agent = agent_of(app)
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 2)])
    ship(agent, "ORD-1")
    return api, broadcast_id, agent


def mark_delivered(app, order_id: str, at: datetime) -> None:
    """Set an order delivered at `at` (what the fulfilment tracking does when the last parcel arrives)."""
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.order_id == order_id)
                           .values(status="delivered", delivered_at=at))
        db.session.commit()


def pay_again(api, broadcast_id: int, order_id: str, amount: str, payment_id: str) -> dict:
    """Send a second paid payment for an order (a duplicate payment); return the event result."""
    return api.events(broadcast_id, [{"id": payment_id, "type": "payment", "ts": now_iso(), "order_id": order_id,
                                      "status": "paid", "amount": amount, "method": "alipay"}]).get_json()["results"][0]


def aftersale_event(event_id: str, aftersale_id: str, order_id: str, status: str, aftersale_type: str = "return_refund",
                    ts: str | None = None, **fields) -> dict:
    """Return a platform `aftersale` event."""
    return {"id": event_id, "type": "aftersale", "ts": ts or now_iso(), "aftersale_id": aftersale_id,
            "order_id": order_id, "aftersale_type": aftersale_type, "status": status, **fields}
