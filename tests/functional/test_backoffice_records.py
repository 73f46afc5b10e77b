"""Back-office writes leave a true record: every approval is in the order's history, a line edit names a line the
order has, and a blocklist entry is one per buyer identity, able to match an order (issue 3)."""
from __future__ import annotations

import pytest

from tests.support.api import order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def auditor(app, users):
    """Return an auditor's logged-in client and the CSRF header its writes carry."""
    client = login(app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def _result(api, broadcast_id, event) -> dict:
    return api.events(broadcast_id, [event]).get_json()["results"][0]["order"]


def test_an_approval_the_review_holds_again_is_recorded_with_its_reason_and_overrides(api, auditor):
    api.product("A1", stock=50, price="99.00")
    broadcast_id = api.live_broadcast(skus=("A1",))
    first = order_event("A1", 1)
    second = order_event("A1", 1, buyer=first["buyer"])
    assert _result(api, broadcast_id, first)["status"] == "accepted"
    held = _result(api, broadcast_id, second)
    assert held["status"] == "held" and "duplicate_order" in [f["code"] for f in held["findings"]]
    client, headers = auditor
    assert client.put(f"/api/v1/broadcasts/{broadcast_id}/audit-policy", json={"max_qty_per_buyer_per_product": 1},
                      headers=headers).status_code == 200

    approved = client.post(f"/api/v1/orders/{held['order_id']}/approve", json={"reason": "same buyer, two sizes"},
                           headers=headers)

    assert approved.status_code == 200 and approved.get_json()["status"] == "held"  # held again, for the new limit
    history = api.get(f"/api/v1/orders/{held['order_id']}").get_json()["history"]
    notes = [row for row in history if row["action"] == "note" and (row["data"] or {}).get("overridden")]
    assert [(row["actor"], row["reason"], row["data"]["overridden"]) for row in notes] == [
        ("auditor", "same buyer, two sizes", "duplicate_order")]


def test_an_empty_line_edit_past_the_orders_lines_is_refused_and_writes_nothing(api, auditor):
    api.product("A1", stock=5, price="99.00")
    broadcast_id = api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1)
    event["buyer"]["phone"] = None
    order = _result(api, broadcast_id, event)
    assert order["status"] == "held"
    client, headers = auditor
    before = api.get(f"/api/v1/orders/{order['order_id']}").get_json()["history"]

    refused = client.patch(f"/api/v1/orders/{order['order_id']}", json={"items": [{}, {}], "reason": "r"}, headers=headers)

    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "unknown_line" and refused.get_json()["error"]["field"] == "items[1]"
    assert api.get(f"/api/v1/orders/{order['order_id']}").get_json()["history"] == before


@pytest.mark.parametrize("kind, value", [("phone", "abc"), ("phone", "12345"), ("buyer_id", "b" * 65),
                                         ("address", "—— ——")])
def test_a_blocklist_value_that_could_match_no_order_is_refused(auditor, kind, value):
    client, headers = auditor
    refused = client.post("/api/v1/blocklist", json={"kind": kind, "value": value}, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "value"
    assert client.get("/api/v1/blocklist").get_json()["entries"] == []


def test_the_same_phone_typed_another_way_is_the_existing_entry(auditor):
    client, headers = auditor
    first = client.post("/api/v1/blocklist", json={"kind": "phone", "value": "+86 139-0000-1111", "reason": "fraud"},
                        headers=headers)
    again = client.post("/api/v1/blocklist", json={"kind": "phone", "value": "13900001111", "reason": "again"},
                        headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert len(client.get("/api/v1/blocklist").get_json()["entries"]) == 1
