"""The waitlist is one FIFO line per SKU (issue 3): units that come free go to the orders already in line, in order.

A new order, or a chat claim's draft, asking for a SKU while earlier orders wait in that SKU's line joins the
line behind them, even when a unit is free for it: a free unit the head of the line cannot use yet is kept for
the line (strict FIFO), not taken by whoever arrives next.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.functional.test_chat_ingestion import chat, post_chat
from tests.support import databases
from tests.support.api import ApiClient, now_iso, order_event


@pytest.fixture
def sale(any_app):
    """Return (api client, broadcast id) of a live broadcast whose link 1 is FIFO (2 units in stock)."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("FIFO", stock=2, price="10.00")
    return api, api.live_broadcast(skus=("FIFO",))


def _post(api: ApiClient, broadcast_id: int, *events: dict) -> list[str]:
    """Post events in one request; return the status of each event's order."""
    response = api.events(broadcast_id, list(events))
    assert response.status_code == 200, response.get_json()
    assert all(result["status"] == "accepted" for result in response.get_json()["results"]), response.get_json()
    return [_status(api, event["order_id"]) for event in events]


def _status(api: ApiClient, order_id: str) -> str:
    return api.get(f"/api/v1/orders/{order_id}").get_json()["status"]


def _stock(api: ApiClient) -> tuple[int, int]:
    product = api.get("/api/v1/products/FIFO").get_json()
    return product["stock"], product["reserved"]


def _cancel(order_id: str) -> dict:
    return {"id": f"cancel-{order_id}", "type": "order_cancel", "ts": now_iso(), "order_id": order_id,
            "reason": "changed mind"}


def _head_needing_three_and_four_single_units(api: ApiClient, broadcast_id: int) -> None:
    """S-0 and S-1 take the 2 units; W (1 + 2 units) heads the line, S-2 and S-3 wait behind it; S-0 cancels."""
    statuses = [_post(api, broadcast_id, order_event("FIFO", 1, order_id=f"S-{n}", unit_price="10.00"))[0]
                for n in range(2)]
    assert statuses == ["accepted", "accepted"]
    two_lines = [{"sku": "FIFO", "qty": 1, "unit_price": "10.00"}, {"sku": "FIFO", "qty": 2, "unit_price": "10.00"}]
    assert _post(api, broadcast_id, order_event("FIFO", order_id="W", unit_price="10.00", items=two_lines)) == [
        "waitlisted"]
    assert _post(api, broadcast_id, *(order_event("FIFO", 1, order_id=f"S-{n}", unit_price="10.00")
                                      for n in (2, 3))) == ["waitlisted", "waitlisted"]
    assert _post(api, broadcast_id, _cancel("S-0")) == ["cancelled"]
    assert [_status(api, order_id) for order_id in ("W", "S-2", "S-3")] == ["waitlisted"] * 3  # W needs 3
    assert _stock(api) == (1, 1)


def test_a_new_order_joins_the_line_instead_of_taking_the_unit_earlier_orders_wait_for(sale):
    api, broadcast_id = sale
    _head_needing_three_and_four_single_units(api, broadcast_id)

    assert _post(api, broadcast_id, order_event("FIFO", 1, order_id="LATE", unit_price="10.00")) == ["waitlisted"]
    late = api.get("/api/v1/orders/LATE").get_json()
    assert late["waitlisted_at"] is not None and late["reserved_until"] is None
    assert {f["code"] for f in late["findings"]} == {"stock_short"}
    assert [n["kind"] for n in late["notices"]] == ["waitlisted"]
    assert _stock(api) == (1, 1)  # the free unit stays with the line

    # Stock comes back: the line is served in order, the late order last.
    assert api.put("/api/v1/products/FIFO/stock", json={"stock": 5}).status_code == 200
    assert [_status(api, order_id) for order_id in ("W", "S-2", "S-3", "LATE")] == [
        "accepted", "accepted", "accepted", "waitlisted"]
    assert _stock(api) == (0, 6)


def test_an_order_queues_behind_one_waitlisted_earlier_in_the_same_batch(sale):
    api, broadcast_id = sale
    # One batch (its reservations kept in the book: more orders than SKUs): the first needs 3 of the 2 units, and
    # the free units stay with it, the head of the line.
    statuses = _post(api, broadcast_id, order_event("FIFO", 3, order_id="B-0", unit_price="10.00"),
                     order_event("FIFO", 1, order_id="B-1", unit_price="10.00"))
    assert statuses == ["waitlisted", "waitlisted"]
    assert _stock(api) == (2, 0)
    assert api.put("/api/v1/products/FIFO/stock", json={"stock": 4}).status_code == 200
    assert [_status(api, order_id) for order_id in ("B-0", "B-1")] == ["accepted", "accepted"]


def test_a_chat_claim_made_after_the_line_formed_waits_behind_it(sale):
    api, broadcast_id = sale
    _head_needing_three_and_four_single_units(api, broadcast_id)

    [result] = post_chat(api, broadcast_id, chat("c-late", "v-late", "拍了 1号", datetime.now(UTC)))
    assert result["claim"]["status"] == "claimed"
    draft = api.get(f"/api/v1/orders/{result['claim']['order_id']}").get_json()
    assert draft["status"] == "claimed"
    assert draft["waitlisted_at"] is not None and draft["reserved_until"] is None
    assert _stock(api) == (1, 1)


def test_with_nobody_in_line_a_new_order_takes_a_free_unit_at_once(sale):
    api, broadcast_id = sale
    assert _post(api, broadcast_id, order_event("FIFO", 1, order_id="A-0", unit_price="10.00")) == ["accepted"]
    assert _post(api, broadcast_id, _cancel("A-0")) == ["cancelled"]
    assert _post(api, broadcast_id, order_event("FIFO", 2, order_id="A-1", unit_price="10.00")) == ["accepted"]
    assert _stock(api) == (0, 2)


def test_an_order_paid_while_in_line_stays_behind_the_earlier_ones(sale):
    api, broadcast_id = sale
    _head_needing_three_and_four_single_units(api, broadcast_id)

    paid = {"id": "pay-S-3", "type": "payment", "ts": now_iso(), "order_id": "S-3", "status": "paid", "amount": "10.00"}
    assert api.events(broadcast_id, [paid]).status_code == 200
    assert [_status(api, order_id) for order_id in ("W", "S-2", "S-3")] == ["waitlisted"] * 3
    assert _stock(api) == (1, 1)  # the free unit is still the line's, not the paying buyer's


def test_an_order_whose_sku_an_auditor_fixes_joins_the_end_of_that_skus_line(sale):
    from tests.support.auth import csrf_token, login

    api, broadcast_id = sale
    _head_needing_three_and_four_single_units(api, broadcast_id)
    response = api.events(broadcast_id, [order_event("FIFO-X", 1, order_id="TYPO", unit_price="10.00")])
    assert response.get_json()["results"][0]["order"]["status"] == "held"

    auditor = login(api.client.application, "auditor")
    fixed = auditor.patch("/api/v1/orders/TYPO", json={"items": [{"sku": "FIFO"}], "reason": "typo in the SKU"},
                          headers={"X-CSRFToken": csrf_token(auditor, "/")})
    assert fixed.status_code == 200, fixed.get_json()
    typo = api.get("/api/v1/orders/TYPO").get_json()
    assert typo["waitlisted_at"] is not None and typo["reserved_until"] is None
    assert "stock_short" in {f["code"] for f in typo["findings"]}
    assert _stock(api) == (1, 1)
    assert api.put("/api/v1/products/FIFO/stock", json={"stock": 5}).status_code == 200
    assert [_status(api, order_id) for order_id in ("W", "S-2", "S-3")] == ["accepted"] * 3
    assert _stock(api) == (0, 6)  # TYPO, last in line, still waits


def test_an_order_waiting_for_one_sku_does_not_stop_the_sales_of_the_other_sku_in_its_basket(sale):
    api, _ = sale
    api.product("PLENTY", stock=5, price="10.00")
    broadcast_id = api.live_broadcast("Two products", skus=("FIFO", "PLENTY"))
    basket = [{"sku": "FIFO", "qty": 3, "unit_price": "10.00"}, {"sku": "PLENTY", "qty": 1, "unit_price": "10.00"}]
    assert _post(api, broadcast_id, order_event("FIFO", order_id="BASKET", unit_price="10.00", items=basket)) == [
        "waitlisted"]
    assert _post(api, broadcast_id, order_event("PLENTY", 2, order_id="P-1", unit_price="10.00")) == ["accepted"]
    assert _post(api, broadcast_id, order_event("FIFO", 1, order_id="F-1", unit_price="10.00")) == ["waitlisted"]

    # PLENTY's stock changing serves no line (nobody is short of it); FIFO's serves the basket first.
    assert api.put("/api/v1/products/PLENTY/stock", json={"stock": 4}).status_code == 200
    assert [_status(api, order_id) for order_id in ("BASKET", "F-1")] == ["waitlisted", "waitlisted"]
    assert api.put("/api/v1/products/FIFO/stock", json={"stock": 4}).status_code == 200
    assert [_status(api, order_id) for order_id in ("BASKET", "F-1")] == ["accepted", "accepted"]


def test_an_order_held_for_its_quantity_takes_no_place_in_line_and_stops_no_sale(sale):
    api, broadcast_id = sale
    response = api.events(broadcast_id, [order_event("FIFO", 1_000_000, order_id="HUGE", unit_price="10.00")])
    assert response.get_json()["results"][0]["order"]["status"] == "held"
    huge = api.get("/api/v1/orders/HUGE").get_json()
    assert huge["waitlisted_at"] is None and huge["reserved_until"] is None
    assert {"abnormal_quantity", "stock_short"} <= {f["code"] for f in huge["findings"]}
    assert _post(api, broadcast_id, order_event("FIFO", 1, order_id="NEXT", unit_price="10.00")) == ["accepted"]
    assert _stock(api) == (1, 1)
    # Stock coming back serves no line it is not in: the huge order still waits for the auditor.
    assert api.put("/api/v1/products/FIFO/stock", json={"stock": 3}).status_code == 200
    assert [_status(api, order_id) for order_id in ("HUGE", "NEXT")] == ["held", "accepted"]


def test_one_order_that_still_does_not_fit_stops_only_the_lines_it_waits_for(sale):
    api, _ = sale
    api.product("C", stock=1, price="10.00")
    api.product("D", stock=1, price="10.00")
    broadcast_id = api.live_broadcast("Two lines", skus=("C", "D"))
    both = [{"sku": "C", "qty": 1, "unit_price": "10.00"}, {"sku": "D", "qty": 1, "unit_price": "10.00"}]
    assert _post(api, broadcast_id, order_event("C", order_id="BOTH", unit_price="10.00", items=both)) == ["accepted"]
    assert _post(api, broadcast_id, order_event("C", 2, order_id="TWO-C", unit_price="10.00")) == ["waitlisted"]
    assert _post(api, broadcast_id, order_event("D", 1, order_id="ONE-D", unit_price="10.00")) == ["waitlisted"]
    # The cancel frees one C and one D: TWO-C (first in line) still needs two C, which stops C's line only.
    assert _post(api, broadcast_id, _cancel("BOTH")) == ["cancelled"]
    assert [_status(api, order_id) for order_id in ("TWO-C", "ONE-D")] == ["waitlisted", "accepted"]
    assert api.get("/api/v1/products/C").get_json()["stock"] == 1
    assert _post(api, broadcast_id, order_event("C", 1, order_id="LATE-C", unit_price="10.00")) == ["waitlisted"]


def test_a_completed_chat_draft_keeps_the_unit_it_held_ahead_of_the_line(sale):
    api, broadcast_id = sale
    [claim] = post_chat(api, broadcast_id, chat("c-hold", "v-hold", "拍了 2件 1号", datetime.now(UTC)))
    assert claim["claim"]["status"] == "claimed"
    assert _stock(api) == (0, 2)  # the draft holds both units
    assert _post(api, broadcast_id, order_event("FIFO", 1, order_id="AFTER", unit_price="10.00")) == ["waitlisted"]
    order = order_event("FIFO", 2, order_id="FROM-CHAT", unit_price="10.00", comment_id="c-hold")
    order["buyer"]["id"] = "v-hold"
    assert api.events(broadcast_id, [order]).status_code == 200
    assert [_status(api, order_id) for order_id in ("FROM-CHAT", "AFTER")] == ["accepted", "waitlisted"]
    assert _stock(api) == (0, 2)


def test_a_completed_chat_draft_that_needs_fewer_units_gives_the_rest_to_the_line(sale):
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-two", "v-two", "拍了 2件 1号", datetime.now(UTC)))
    assert _post(api, broadcast_id, order_event("FIFO", 1, order_id="WAITS", unit_price="10.00")) == ["waitlisted"]
    order = order_event("FIFO", 1, order_id="ONLY-ONE", unit_price="10.00", comment_id="c-two")
    order["buyer"]["id"] = "v-two"
    assert api.events(broadcast_id, [order]).status_code == 200
    # The order differs from the claim, so a person looks at it (held, its one unit kept); the other unit is WAITS'.
    only_one = api.get("/api/v1/orders/ONLY-ONE").get_json()
    assert only_one["status"] == "held" and only_one["reserved_until"] is not None
    assert _status(api, "WAITS") == "accepted"
    assert _stock(api) == (0, 2)


@pytest.mark.slow
def test_the_units_waiting_per_sku_count_only_the_skus_each_order_is_short_of(sale):
    api, _ = sale
    api.product("PLENTY", stock=5, price="10.00")
    broadcast_id = api.live_broadcast("Waiting units", skus=("FIFO", "PLENTY"))
    basket = [{"sku": "FIFO", "qty": 3, "unit_price": "10.00"}, {"sku": "PLENTY", "qty": 2, "unit_price": "10.00"}]
    assert _post(api, broadcast_id, order_event("FIFO", order_id="BASKET", unit_price="10.00", items=basket)) == [
        "waitlisted"]
    stock = {item["sku"]: item["waitlisted"] for item in
             api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()["stock"]}
    assert (stock["FIFO"], stock["PLENTY"]) == (3, 0)
