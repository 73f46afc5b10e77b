"""A held order keeps the place a first-come buyer earned: its unit, or its place in line (issue 10, item 1).

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import utcnow
from app.extensions import db
from orders.expiry import sweep
from tests.support import databases
from tests.support.api import now_iso, order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def shop(any_app, any_api):
    """Return (api, broadcast id) for a live broadcast selling ONE (a single unit, ¥299)."""
    any_api.product("ONE", stock=1, price="299.00")
    return any_api, any_api.live_broadcast(skus=("ONE",))


@pytest.fixture
def auditor(any_app):
    """Return a function posting an auditor action: auditor(order_id, action, body) -> response."""
    databases.create_users(any_app)
    client = login(any_app, "auditor")
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    return lambda order_id, action, body: client.post(f"/api/v1/orders/{order_id}/{action}", json=body, headers=headers)


def _place(api, broadcast_id, order_id, complete=True) -> dict:
    event = order_event("ONE", 1, order_id=order_id, unit_price="299.00")
    if not complete:
        event["buyer"]["phone"] = None
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    return result["order"]


def _order(api, order_id) -> dict:
    return api.get(f"/api/v1/orders/{order_id}").get_json()


def _stock(api) -> tuple[int, int, int]:
    product = api.get("/api/v1/products/ONE").get_json()
    return product["stock"], product["reserved"], product["sold"]


def _cancel(api, broadcast_id, order_id) -> None:
    event = {"id": f"cancel-{order_id}", "type": "order_cancel", "ts": now_iso(), "order_id": order_id}
    assert api.events(broadcast_id, [event]).get_json()["results"][0]["status"] == "accepted"


def test_a_held_order_keeps_its_unit_until_an_auditor_decides(shop, auditor):
    api, broadcast_id = shop
    held = _place(api, broadcast_id, "HELD", complete=False)
    assert held["status"] == "held" and held["reserved_until"] is not None
    later = _place(api, broadcast_id, "LATER")
    assert later["status"] == "waitlisted"  # the unit is the held buyer's, who came first
    approved = auditor("HELD", "approve", {"reason": "buyer gave the phone on the phone"})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "accepted"
    assert _stock(api) == (0, 1, 0)


@pytest.mark.parametrize("close", ["reject", "cancel"])
def test_closing_a_held_order_gives_its_unit_to_the_next_in_line(shop, auditor, close):
    api, broadcast_id = shop
    _place(api, broadcast_id, "HELD", complete=False)
    _place(api, broadcast_id, "LATER")
    if close == "reject":
        assert auditor("HELD", "reject", {"reason": "fake buyer"}).status_code == 200
    else:
        _cancel(api, broadcast_id, "HELD")
    assert _order(api, "LATER")["status"] == "accepted"
    assert _stock(api) == (0, 1, 0)


def test_a_held_order_expires_like_an_unpaid_one_unless_an_auditor_extends_it(any_app, shop, auditor):
    api, broadcast_id = shop
    _place(api, broadcast_id, "HELD", complete=False)
    with any_app.app_context():
        assert sweep(db.session, utcnow() + timedelta(minutes=16)) == 1
    assert _order(api, "HELD")["status"] == "expired"
    assert _stock(api) == (1, 0, 0)

    _place(api, broadcast_id, "KEPT", complete=False)
    refused = auditor("KEPT", "extend", {"minutes": 60})
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "reason"
    extended = auditor("KEPT", "extend", {"reason": "waiting for the buyer's call", "minutes": 60})
    assert extended.status_code == 200, extended.get_json()
    with any_app.app_context():
        assert sweep(db.session, utcnow() + timedelta(minutes=16)) == 0
        assert sweep(db.session, utcnow() + timedelta(minutes=61)) == 1
    assert _order(api, "KEPT")["status"] == "expired"


def test_a_held_order_with_no_stock_is_held_and_waitlisted_in_line(shop, auditor):
    api, broadcast_id = shop
    _place(api, broadcast_id, "FIRST")
    held = _place(api, broadcast_id, "HELD", complete=False)
    assert held["status"] == "held" and held["waitlisted_at"] is not None
    assert "stock_short" in [f["code"] for f in held["findings"]]
    _place(api, broadcast_id, "LATER")
    _cancel(api, broadcast_id, "FIRST")
    # The held order was first in line: it takes the unit and stays held for the auditor.
    assert _order(api, "HELD")["status"] == "held"
    assert _order(api, "LATER")["status"] == "waitlisted"
    assert auditor("HELD", "approve", {"reason": "ok"}).get_json()["status"] == "accepted"
    assert _stock(api) == (0, 1, 0)


def test_approving_a_held_order_never_moves_it_behind_later_buyers(shop, auditor):
    api, broadcast_id = shop
    _place(api, broadcast_id, "FIRST")
    held = _place(api, broadcast_id, "HELD", complete=False)
    _place(api, broadcast_id, "LATER")
    approved = auditor("HELD", "approve", {"reason": "ok"}).get_json()
    assert approved["status"] == "waitlisted"
    assert approved["waitlisted_at"] == held["waitlisted_at"]
    _cancel(api, broadcast_id, "FIRST")
    assert _order(api, "HELD")["status"] == "accepted"
    assert _order(api, "LATER")["status"] == "waitlisted"
