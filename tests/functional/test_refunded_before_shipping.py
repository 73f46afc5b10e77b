"""Goods refunded before they shipped leave fulfilment (probe 1, D2; docs/fulfilment.md "Refunded before shipping").

A paid, unshipped order refunded in full through a refund_only case closes: off the to-pack list, the packing list
(JSON, HTML, CSV) and the counts, its units back on sale, and a shipment is 409 `refunded`. A refund by lines takes
only the units it paid back in full. A refund asked for and not decided holds the order's shipping (409
`refund_requested`) until the case is refunded, rejected or cancelled. Each test runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import pytest

from tests.support.aftersales import aftersale_event, agent_of, open_shop, pay_again, place_paid_order
from tests.support.api import now_iso
from tests.support.fulfilment import SF_NUMBER

SHIP = {"carrier": "SF", "tracking_no": SF_NUMBER}


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, after-sales agent) with TEE and CAP at 10 units each (99.00)."""
    broadcast_id = open_shop(any_app, any_api)
    return any_api, broadcast_id, agent_of(any_app)


def refund_only(agent, order_id: str, amount: str, lines=None, **opening) -> dict:
    """Open a refund_only case (about lines, when given), approve it and refund amount; return the refund."""
    body = {"type": "refund_only", "reason": "other", **opening} | ({"lines": lines} if lines else {})
    case_id = agent.post(f"/api/v1/orders/{order_id}/aftersales", json=body).get_json()["case_id"]
    assert agent.post(f"/api/v1/aftersales/{case_id}/approve", json={}).status_code == 200
    body = {"amount": amount} | ({"lines": lines} if lines else {})
    refunded = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json=body)
    assert refunded.status_code == 201, refunded.get_json()
    return refunded.get_json()


def stock(api, sku: str) -> int:
    return api.get(f"/api/v1/products/{sku}").get_json()["stock"]


def to_pack(agent, broadcast_id: int) -> dict:
    """Return the packing list of the broadcast (JSON) with the page's and the CSV's order ids."""
    listed = agent.get(f"/api/v1/fulfilment/packing-list?broadcast_id={broadcast_id}").get_json()
    listed["csv"] = agent.get(f"/fulfilment/packing-list.csv?broadcast_id={broadcast_id}").get_data(as_text=True)
    listed["html"] = agent.get(f"/fulfilment/packing-list?broadcast_id={broadcast_id}").get_data(as_text=True)
    listed["page"] = agent.get(f"/fulfilment?broadcast_id={broadcast_id}").get_data(as_text=True)
    return listed


def test_an_unshipped_order_refunded_in_full_leaves_fulfilment_and_cannot_ship(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "FULL", [("TEE", 2), ("CAP", 1)])
    place_paid_order(api, broadcast_id, "KEEP", [("TEE", 1)])
    available = stock(api, "TEE"), stock(api, "CAP")
    before = agent.get(f"/api/v1/fulfilment/overdue?broadcast_id={broadcast_id}").get_json()["counts"]
    assert before["to_pack"] == 2

    refund = refund_only(agent, "FULL", "297.00", note="buyer cancelled before shipping")

    assert refund["case"]["status"] == "refunded"
    order = api.get("/api/v1/orders/FULL").get_json()
    assert (order["status"], order["refunded"]) == ("cancelled", "297.00")
    step = [h for h in order["history"] if h["action"] == "refunded_unshipped"]
    assert [s["data"]["units"] for s in step] == [{"CAP": 1, "TEE": 2}] and step[0]["to_status"] == "cancelled"
    assert (stock(api, "TEE"), stock(api, "CAP")) == (available[0] + 2, available[1] + 1)
    listed = to_pack(agent, broadcast_id)
    assert [(r["sku"], r["units"], r["order_ids"]) for r in listed["rows"]] == [("TEE", 1, ["KEEP"])]
    assert "FULL" not in listed["csv"] and "FULL" not in listed["html"] and "FULL" not in listed["page"]
    counts = agent.get(f"/api/v1/fulfilment/overdue?broadcast_id={broadcast_id}").get_json()["counts"]
    assert counts["to_pack"] == 1
    shipped = agent.post("/api/v1/orders/FULL/shipments", json=SHIP)
    assert shipped.status_code == 409, shipped.get_json()
    error = shipped.get_json()["error"]
    assert error["code"] == "refunded" and refund["case"]["case_id"] in error["message"]
    assert api.get("/api/v1/orders/FULL/shipments").get_json()["shipments"] == []
    packed = agent.post("/api/v1/orders/pack", json={"order_ids": ["FULL"]}).get_json()
    assert packed["packed"] == [] and packed["refused"][0]["order_id"] == "FULL"



def test_a_platform_refund_of_an_unshipped_order_takes_it_off_fulfilment_too(shop):
    """The platform's refund (an `aftersale` event reaching `refunded`) settles as a console refund does."""
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "PLAT", [("TEE", 1)])
    available = stock(api, "TEE")
    for n, status in enumerate(("requested", "refunded")):
        event = aftersale_event(f"as-{n}", "DY-AS-1", "PLAT", status, aftersale_type="refund_only",
                                reason="other", amount="99.00")
        result = api.events(broadcast_id, [event]).get_json()["results"][0]
        assert result["status"] == "accepted", result
    order = api.get("/api/v1/orders/PLAT").get_json()
    assert (order["status"], order["refunded"]) == ("cancelled", "99.00")
    assert stock(api, "TEE") == available + 1
    assert "PLAT" not in to_pack(agent, broadcast_id)["csv"]
    assert agent.post("/api/v1/orders/PLAT/shipments", json=SHIP).status_code == 409

def test_the_order_page_says_why_a_refunded_order_does_not_ship_and_offers_no_ship_form(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "GONE", [("TEE", 1)])
    case_id = refund_only(agent, "GONE", "99.00")["case"]["case_id"]
    page = agent.get("/orders/GONE").get_data(as_text=True)
    assert 'id="refund-note"' in page and 'data-reason="refunded"' in page
    assert f'href="/aftersales/{case_id}"' in page
    assert 'id="order-ship-form"' not in page and "Not shipped yet." not in page


def test_a_refund_by_lines_short_of_the_purchase_is_money_and_every_unit_ships(shop):
    """Review 14: taking units off for a partial refund double-counted them when the order was cancelled later, and
    took unshipped units for a refund of a shipped one. A partial refund is money; the order ships as bought."""
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "PART", [("TEE", 3), ("CAP", 1)])
    available = stock(api, "TEE")
    refund_only(agent, "PART", "198.00", lines=[{"sku": "TEE", "qty": 2}])
    order = api.get("/api/v1/orders/PART").get_json()
    assert order["status"] == "paid" and stock(api, "TEE") == available
    assert {r["sku"]: r["units"] for r in to_pack(agent, broadcast_id)["rows"]} == {"TEE": 3, "CAP": 1}
    shipped = agent.post("/api/v1/orders/PART/shipments", json=SHIP)
    assert shipped.status_code == 201 and shipped.get_json()["order_status"] == "shipped"


def test_a_refund_of_a_shipped_unit_neither_holds_nor_takes_the_rest(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "SPLIT", [("TEE", 2)])
    first = agent.post("/api/v1/orders/SPLIT/shipments", json=SHIP | {"lines": [{"sku": "TEE", "qty": 1}]})
    assert first.get_json()["order_status"] == "partially_shipped"
    available = stock(api, "TEE")
    case_id = agent.post("/api/v1/orders/SPLIT/aftersales", json={"type": "refund_only", "reason": "quality",
                                                                   "lines": [{"sku": "TEE", "qty": 1}]}
                         ).get_json()["case_id"]
    assert agent.post(f"/api/v1/aftersales/{case_id}/approve", json={}).status_code == 200
    assert agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00"}).status_code == 201
    assert stock(api, "TEE") == available
    rest = agent.post("/api/v1/orders/SPLIT/shipments", json={"carrier": "SF", "tracking_no": "SF1234567890124"})
    assert rest.status_code == 201, rest.get_json()
    assert rest.get_json()["order_status"] == "shipped"


@pytest.mark.slow
def test_a_cancel_after_a_refund_in_full_puts_nothing_back_twice(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "TWICE", [("TEE", 2)])
    available = stock(api, "TEE")
    refund_only(agent, "TWICE", "198.00")
    assert stock(api, "TEE") == available + 2
    cancel = {"id": "cancel-TWICE", "type": "order_cancel", "ts": now_iso(), "order_id": "TWICE", "reason": "buyer"}
    assert api.events(broadcast_id, [cancel]).status_code == 200
    assert stock(api, "TEE") == available + 2
    assert api.get("/api/v1/orders/TWICE").get_json()["status"] == "cancelled"


def test_a_refund_of_part_of_a_price_ships_every_unit(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "DISC", [("TEE", 2)])
    refund_only(agent, "DISC", "50.00")  # a price adjustment: no lines, less than was paid
    refund_only(agent, "DISC", "90.00", lines=[{"sku": "TEE", "qty": 1}])  # 90.00 of a 99.00 unit
    assert [(r["sku"], r["units"]) for r in to_pack(agent, broadcast_id)["rows"]] == [("TEE", 2)]
    assert agent.post("/api/v1/orders/DISC/shipments", json=SHIP).get_json()["order_status"] == "shipped"


def test_the_rest_of_a_partly_shipped_order_refunded_in_full_is_not_owed_any_more(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "HALF", [("TEE", 2)])
    first = agent.post("/api/v1/orders/HALF/shipments", json=SHIP | {"lines": [{"sku": "TEE", "qty": 1}]})
    assert first.get_json()["order_status"] == "partially_shipped"
    refund_only(agent, "HALF", "198.00")
    order = api.get("/api/v1/orders/HALF").get_json()
    assert order["status"] == "shipped"
    again = agent.post("/api/v1/orders/HALF/shipments", json={"carrier": "SF", "tracking_no": "SF1234567890124"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"


def test_a_refund_asked_for_and_not_decided_holds_the_shipping_until_the_case_is_decided(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ASK", [("TEE", 1)])
    place_paid_order(api, broadcast_id, "OTHER", [("CAP", 1)])
    case_id = agent.post("/api/v1/orders/ASK/aftersales", json={"type": "refund_only", "reason": "other"}
                         ).get_json()["case_id"]

    held = agent.post("/api/v1/orders/ASK/shipments", json=SHIP)
    assert held.status_code == 409 and held.get_json()["error"]["code"] == "refund_requested"
    assert case_id in held.get_json()["error"]["message"]
    packed = agent.post("/api/v1/orders/pack", json={"order_ids": ["ASK", "OTHER"]}).get_json()
    assert packed["packed"] == ["OTHER"] and packed["refused"][0]["code"] == "refund_requested"
    listed = to_pack(agent, broadcast_id)
    assert [r["order_ids"] for r in listed["rows"]] == [["OTHER"]] and "ASK" not in listed["csv"]
    assert f'data-refund-hold="{case_id}"' in listed["page"]  # still to pack, flagged, without a ship form
    held_row = listed["page"].split(f'data-refund-hold="{case_id}"')[1].split("</tr>")[0]
    assert "ship-form" not in held_row and "select-order" not in held_row
    page = agent.get("/orders/ASK").get_data(as_text=True)
    assert 'data-reason="refund_requested"' in page and 'id="order-ship-form"' not in page

    assert agent.post(f"/api/v1/aftersales/{case_id}/reject", json={"reason": "already packed"}).status_code == 200
    assert agent.post("/api/v1/orders/ASK/shipments", json=SHIP).status_code == 201


def test_a_duplicate_payment_refund_neither_holds_nor_takes_the_goods(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "TWICE", [("TEE", 1)])
    pay_again(api, broadcast_id, "TWICE", "99.00", "pay-TWICE-2")
    case = api.get("/api/v1/orders/TWICE").get_json()["cases"][0]
    assert case["reason"] == "duplicate_payment"
    assert [r["order_ids"] for r in to_pack(agent, broadcast_id)["rows"]] == [["TWICE"]]
    agent.post(f"/api/v1/aftersales/{case['case_id']}/approve", json={})
    assert agent.post(f"/api/v1/aftersales/{case['case_id']}/refunds", json={"amount": "99.00"}).status_code == 201
    assert api.get("/api/v1/orders/TWICE").get_json()["status"] == "paid"
    assert agent.post("/api/v1/orders/TWICE/shipments", json=SHIP).get_json()["order_status"] == "shipped"
