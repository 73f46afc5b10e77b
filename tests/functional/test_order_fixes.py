"""Auditors fix an order's SKU, variant and quantity, and its history keeps each value before and after (issue 10, items 5-6).

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

import pytest

from tests.support import databases
from tests.support.api import order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def shop(any_app, any_api):
    """Return (api, broadcast id) for a live broadcast selling A1 (3 units) and TEE in M (2 units) and L (0)."""
    any_api.product("A1", stock=3, price="99.00")
    any_api.product("TEE", stock=0, price="59.00", variants=[{"sku": "TEE-M", "name": "M", "stock": 2},
                                                               {"sku": "TEE-L", "name": "L", "stock": 0}])
    return any_api, any_api.live_broadcast(skus=("A1", "TEE"))


@pytest.fixture
def auditor(any_app):
    """Return an auditor's logged-in client and the CSRF header its writes carry."""
    databases.create_users(any_app)
    client = login(any_app, "auditor")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def _place(api, broadcast_id, event) -> dict:
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    return result["order"]


def _stock(api, sku) -> tuple[int, int, int]:
    product = api.get(f"/api/v1/products/{sku.split('-')[0]}").get_json()
    level = product if product["sku"] == sku else next(v for v in product["variants"] if v["sku"] == sku)
    return level["stock"], level["reserved"], level["sold"]


def _edits(api, order_id) -> list[dict]:
    history = api.get(f"/api/v1/orders/{order_id}").get_json()["history"]
    return [change for row in history for change in (row["data"] or {}).get("changes", [])]


def test_an_order_held_for_its_variant_is_fixed_not_approved_onto_the_parent_sku(shop, auditor):
    api, broadcast_id = shop
    order = _place(api, broadcast_id, order_event("TEE", 1, order_id="NOSIZE", unit_price="59.00"))
    assert order["status"] == "held" and "variant_missing" in [f["code"] for f in order["findings"]]
    client, headers = auditor
    refused = client.post("/api/v1/orders/NOSIZE/approve", json={"reason": "ship any"}, headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"] | {"message": ""} == {"code": "needs_fix", "field": "items[0].sku", "message": ""}
    override = client.post("/api/v1/orders/NOSIZE/findings/variant_missing/override", json={"reason": "x"}, headers=headers)
    assert override.status_code == 409

    fixed = client.patch("/api/v1/orders/NOSIZE", json={"items": [{"sku": "TEE-M"}], "reason": "buyer said M in chat"},
                         headers=headers)
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["status"] == "accepted"
    assert fixed.get_json()["items"][0]["sku"] == "TEE-M"
    assert _stock(api, "TEE-M") == (1, 1, 0)
    assert _edits(api, "NOSIZE") == [{"field": "items[0].sku", "before": "TEE", "after": "TEE-M"}]


def test_fixing_the_quantity_re_reserves_atomically_or_not_at_all(shop, auditor):
    api, broadcast_id = shop
    event = order_event("A1", 2, order_id="QTY")
    event["buyer"]["phone"] = None
    assert _place(api, broadcast_id, event)["status"] == "held"
    assert _stock(api, "A1") == (1, 2, 0)
    client, headers = auditor
    fewer = client.patch("/api/v1/orders/QTY", json={"items": [{"qty": 1}]}, headers=headers)
    assert fewer.status_code == 200, fewer.get_json()
    assert (fewer.get_json()["status"], fewer.get_json()["units"]) == ("held", 1)
    assert _stock(api, "A1") == (2, 1, 0)

    too_many = client.patch("/api/v1/orders/QTY", json={"items": [{"qty": 4}]}, headers=headers)
    assert too_many.status_code == 409
    assert too_many.get_json()["error"]["code"] == "stock_short"
    assert too_many.get_json()["error"]["field"] == "items[0].sku"
    order = api.get("/api/v1/orders/QTY").get_json()
    assert (order["items"][0]["qty"], order["status"]) == (1, "held")
    assert _stock(api, "A1") == (2, 1, 0)  # the order kept its unit

    other = client.patch("/api/v1/orders/QTY", json={"items": [{"sku": "TEE-L"}]}, headers=headers)
    assert other.status_code == 409 and _stock(api, "A1") == (2, 1, 0)
    assert [c["after"] for c in _edits(api, "QTY")] == [1]


@pytest.mark.parametrize("items, code, field", [
    ([{"sku": "GHOST"}], "unknown_sku", "items[0].sku"),
    ([{"sku": "TEE"}], "variant_required", "items[0].sku"),
    ([{"qty": 0}], "out_of_range", "items[0].qty"),
    ([{"qty": "2"}], "invalid_type", "items[0].qty"),
    ([{}, {"qty": 1}], "unknown_line", "items[1]"),
    ([{"price": "1.00"}], "unknown_field", "items[0].price"),
    ("A1", "invalid_type", "items"),
])
def test_a_bad_item_fix_names_its_field_and_changes_nothing(shop, auditor, items, code, field):
    api, broadcast_id = shop
    event = order_event("A1", 1, order_id="BAD")
    event["buyer"]["phone"] = None
    _place(api, broadcast_id, event)
    client, headers = auditor
    response = client.patch("/api/v1/orders/BAD", json={"items": items}, headers=headers)
    assert response.status_code == 400, response.get_json()
    assert (response.get_json()["error"]["code"], response.get_json()["error"]["field"]) == (code, field)
    assert api.get("/api/v1/orders/BAD").get_json()["items"][0]["sku"] == "A1"
    assert _stock(api, "A1") == (2, 1, 0)


def test_fields_an_edit_cannot_change_are_refused_by_name_not_ignored(shop, auditor):
    api, broadcast_id = shop
    event = order_event("A1", 1, order_id="TOP")
    event["buyer"]["phone"] = None
    _place(api, broadcast_id, event)
    client, headers = auditor
    for body, field in (({"buyer": {"phone": "13900000002"}, "status": "paid", "total": "0.01"}, "status"),
                        ({"total": "0.01", "reason": "x"}, "total")):
        response = client.patch("/api/v1/orders/TOP", json=body, headers=headers)
        assert response.status_code == 400
        assert (response.get_json()["error"]["code"], response.get_json()["error"]["field"]) == ("unknown_field", field)
    assert api.get("/api/v1/orders/TOP").get_json()["buyer"]["phone"] is None


def test_a_buyer_edit_records_the_values_before_and_after_masked_per_role(any_app, shop, auditor):
    api, broadcast_id = shop
    event = order_event("A1", 1, order_id="PHONE")
    event["buyer"]["phone"] = "12345"
    _place(api, broadcast_id, event)
    client, headers = auditor
    edited = client.patch("/api/v1/orders/PHONE", headers=headers, json={
        "buyer": {"phone": "13912345678", "name": "张三", "address": {"detail": "文二路 2 号"}}, "reason": "buyer replied"})
    assert edited.status_code == 200, edited.get_json()
    full = client.get("/api/v1/orders/PHONE").get_json()["history"]
    note = next(row for row in full if (row["data"] or {}).get("changes"))
    assert note["actor"] == "auditor" and note["reason"] == "buyer replied"
    # The name did not change, so it is not recorded.
    assert note["data"]["changes"] == [
        {"field": "buyer.address.detail", "before": "文三路 1 号", "after": "文二路 2 号"},
        {"field": "buyer.phone", "before": "12345", "after": "13912345678"},
    ]
    masked = [change for row in api.get("/api/v1/orders/PHONE").get_json()["history"]
              for change in (row["data"] or {}).get("changes", [])]
    assert masked == [{"field": "buyer.address.detail", "before": "****", "after": "****"},
                      {"field": "buyer.phone", "before": "*****", "after": "139****5678"}]
    host = login(any_app, "host")
    shown = _history_table(host.get("/orders/PHONE").get_data(as_text=True))
    assert "139****5678" in shown and "13912345678" not in shown and "文二路" not in shown
    # The order page masks for auditors too, until "Show contact" (issue 11); the API above shows them in full.
    shown = _history_table(client.get("/orders/PHONE").get_data(as_text=True))
    assert "139****5678" in shown and "13912345678" not in shown and "文二路" not in shown


def _history_table(page: str) -> str:
    start = page.index('id="history"')
    return page[start:page.index("</table>", start)]
