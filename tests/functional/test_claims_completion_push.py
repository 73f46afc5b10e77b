"""The push announcing a platform order that completed a chat claim's draft names the draft's order id in
"replaces", so pages keyed by order id swap the row (probe 1, F15); other order pushes carry no such field."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import socketio
from tests.support import databases
from tests.support.api import ApiClient, order_event
from tests.support.auth import login

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)


@pytest.fixture
def sale(app):
    """Return (api, broadcast id, host socket joined to its room): link 2 is MUG."""
    databases.create_users(app)
    api = ApiClient(app.test_client(), databases.create_token(app, "adapter"))
    api.product("MUG", stock=5, price="20.00")
    broadcast_id = api.live_broadcast()
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "MUG", "link_no": 2}).status_code == 201
    sock = socketio.test_client(app, namespace="/live", flask_test_client=login(app, "host"))
    assert sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["ok"]
    sock.get_received("/live")
    return api, broadcast_id, sock


def chat(comment_id: str, viewer_id: str) -> dict:
    """Return a chat claim of one MUG."""
    return {"id": comment_id, "type": "chat", "ts": T0.isoformat(), "viewer_id": viewer_id, "text": "拍了 2号 1件"}


def platform_order(order_id: str, viewer_id: str, comment_id: str | None) -> dict:
    """Return the platform's order for one MUG by viewer_id (naming comment_id when given)."""
    event = order_event("MUG", 1, order_id=order_id, unit_price="20.00")
    event["buyer"]["id"] = viewer_id
    if comment_id:
        event["comment_id"] = comment_id
    return event


def order_pushes(sock) -> list[tuple[str, dict]]:
    """Return the (name, order) of every order push received since the last call."""
    return [(m["name"], m["args"][0]["order"]) for m in sock.get_received("/live")
            if m["name"] in ("order.created", "order.updated")]


def post(api, broadcast_id, *events) -> list[dict]:
    """Post events; return their results."""
    response = api.events(broadcast_id, list(events))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


@pytest.mark.parametrize("by_comment", [True, False])
def test_the_completed_order_push_names_the_draft_it_replaces(sale, by_comment):
    api, broadcast_id, sock = sale
    post(api, broadcast_id, chat("c-1", "v1"))
    [(name, draft)] = order_pushes(sock)
    assert name == "order.created" and draft["order_id"].startswith("claim-") and "replaces" not in draft

    # By the comment it names, or else by the same buyer and items (claims.md, step 6).
    post(api, broadcast_id, platform_order("DY-1", "v1", "c-1" if by_comment else None))
    [(name, order)] = order_pushes(sock)
    assert (name, order["order_id"], order["replaces"]) == ("order.updated", "DY-1", draft["order_id"])


def test_a_claim_and_its_order_in_one_batch_push_the_platform_order_once_naming_the_draft(sale):
    api, broadcast_id, sock = sale
    post(api, broadcast_id, chat("c-1", "v1"), platform_order("DY-1", "v1", "c-1"))
    pushed = order_pushes(sock)
    assert [order["order_id"] for _name, order in pushed] == ["DY-1"]
    assert pushed[0][1]["replaces"].startswith("claim-")


def test_later_pushes_and_orders_that_complete_nothing_carry_no_replaces(sale):
    api, broadcast_id, sock = sale
    post(api, broadcast_id, chat("c-1", "v1"), platform_order("DY-1", "v1", "c-1"))
    order_pushes(sock)
    post(api, broadcast_id, {"id": "pay-1", "type": "payment", "ts": T0.isoformat(), "order_id": "DY-1",
                             "status": "paid", "amount": "20.00", "method": "alipay"},
         platform_order("DY-2", "v2", None))
    pushed = order_pushes(sock)
    assert sorted(order["order_id"] for _name, order in pushed) == ["DY-1", "DY-2"]
    assert not any("replaces" in order for _name, order in pushed)
    assert "replaces" not in api.get("/api/v1/orders/DY-1").get_json()
