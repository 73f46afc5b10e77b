"""A claim written "SOLD <link> <size> [colour] <qty>" reserves that link's variant, not the pinned product
(probe 1, F1); size and colour words said for a product without variants leave the claim unresolved."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support import databases
from tests.support.api import ApiClient

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)


@pytest.fixture
def show(app):
    """Return (api, broadcast id): link 1 is TEA (no variants, pinned), link 8 is SHIRT in M/L × 黑色/白色."""
    databases.create_users(app)
    api = ApiClient(app.test_client(), databases.create_token(app, "adapter"))
    api.product("TEA", stock=20, price="268.00")
    api.product("SHIRT", price="59.00", variants=[
        {"sku": f"SHIRT-{size}-{code}", "name": f"{size} {colour}", "size": size, "colour": colour, "stock": 5}
        for size in ("M", "L") for code, colour in (("BLK", "黑色"), ("WHT", "白色"))])
    broadcast_id = api.live_broadcast()
    for sku, link in (("TEA", 1), ("SHIRT", 8)):
        response = api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": sku, "link_no": link})
        assert response.status_code == 201, response.get_json()
    pin = {"id": "pin-1", "type": "product_pin", "ts": T0.isoformat(), "sku": "TEA"}
    assert api.events(broadcast_id, [pin]).status_code == 200
    return api, broadcast_id


def claim(api, broadcast_id, text: str) -> dict:
    """Post one chat claim and return it as the claims API reports it."""
    event = {"id": "c-1", "type": "chat", "ts": (T0 + timedelta(seconds=1)).isoformat(), "viewer_id": "v1",
             "text": text}
    assert api.events(broadcast_id, [event]).status_code == 200
    [found] = api.get(f"/api/v1/broadcasts/{broadcast_id}/claims").get_json()["claims"]
    return found


def reserved(api, sku: str) -> int:
    """Return the units of a SKU (product or variant) held by unpaid orders."""
    product = api.get(f"/api/v1/products/{sku.split('-')[0]}").get_json()
    [row] = [row for row in [product, *product["variants"]] if row["sku"] == sku]
    return row["reserved"]


@pytest.mark.parametrize("text, variant_sku, qty", [
    ("SOLD 8 M 黑色 1", "SHIRT-M-BLK", 1),
    ("SOLD 8 L 白色 2", "SHIRT-L-WHT", 2),
    ("拍 8 M 黑色", "SHIRT-M-BLK", 1),
])
def test_a_bare_link_before_the_size_and_colour_reserves_that_variant_and_not_the_pinned_product(
        show, text, variant_sku, qty):
    api, broadcast_id = show
    found = claim(api, broadcast_id, text)
    assert (found["link"], found["product_sku"], found["variant_sku"], found["qty"], found["status"]) == (
        "8", "SHIRT", variant_sku, qty, "claimed")
    assert reserved(api, variant_sku) == qty and reserved(api, "TEA") == 0


@pytest.mark.parametrize("text", ["SOLD M 1", "+1 黑色", "拍了 1号 XL"])
def test_a_size_or_colour_for_a_product_without_variants_is_unresolved_and_reserves_nothing(show, text):
    api, broadcast_id = show
    found = claim(api, broadcast_id, text)
    assert (found["product_sku"], found["status"], found["reason"], found.get("order_id")) == (
        "TEA", "unresolved", "unknown_variant", None)
    assert reserved(api, "TEA") == 0
