"""Products, variants, stock and broadcasts through the API, with field-naming errors."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.models import Product


def test_product_with_variants_keeps_stock_per_variant(api):
    body = api.product("TEE", stock=0, variants=[
        {"sku": "TEE-M", "name": "M", "stock": 5}, {"sku": "TEE-L", "name": "L", "stock": 7, "price": "109.00"}])
    assert body["stock"] == 12
    assert [(v["sku"], v["stock"], v["price"]) for v in body["variants"]] == [("TEE-M", 5, "99.00"), ("TEE-L", 7, "109.00")]
    assert api.get("/api/v1/products/TEE-L").get_json()["sku"] == "TEE"


@pytest.mark.parametrize("body, field", [
    ({"name": "x", "price": "1", "stock": 1}, "sku"),
    ({"sku": "A", "price": "1", "stock": 1}, "name"),
    ({"sku": "A\x00B", "name": "x", "price": "1", "stock": 1}, "sku"),
    ({"sku": "A", "name": "mug\x00", "price": "1", "stock": 1}, "name"),
    ({"sku": "A", "name": "x", "stock": 1}, "price"),
    ({"sku": "A", "name": "x", "price": "-1", "stock": 1}, "price"),
    ({"sku": "A", "name": "x", "price": "1.001", "stock": 1}, "price"),
    ({"sku": "A", "name": "x", "price": "1", "stock": -1}, "stock"),
    ({"sku": "A", "name": "x", "price": "1", "stock": "5"}, "stock"),
    ({"sku": "A", "name": "x", "price": "1", "variants": [{"sku": "A-1", "name": "v"}]}, "variants[0].stock"),
    ({"sku": "A", "name": "x", "price": "1", "variants": "no"}, "variants"),
])
def test_bad_product_bodies_name_the_field_and_write_nothing(api, app, body, field):
    response = api.post("/api/v1/products", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 0


def test_a_sku_cannot_be_created_twice(api):
    api.product("A1")
    response = api.post("/api/v1/products", json={"sku": "A1", "name": "again", "price": "1", "stock": 1})
    assert response.status_code == 409
    assert response.get_json()["error"] == {"code": "sku_exists", "field": "sku", "message": "SKU 'A1' exists already"}


def test_restock_sets_available_units(api):
    api.product("A1", stock=2)
    response = api.put("/api/v1/products/A1/stock", json={"stock": 40})
    assert response.status_code == 200
    assert api.get("/api/v1/products/A1").get_json()["stock"] == 40
    assert api.put("/api/v1/products/A1/stock", json={"stock": -3}).get_json()["error"]["field"] == "stock"
    assert api.put("/api/v1/products/NOPE/stock", json={"stock": 3}).status_code == 404


def test_broadcast_lifecycle_and_lineup(api):
    created = api.post("/api/v1/broadcasts", json={"title": "Autumn", "platform": "douyin"})
    assert created.status_code == 201
    broadcast_id = created.get_json()["id"]
    assert created.get_json()["status"] == "scheduled"
    api.product("A1")
    lineup = api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "A1", "live_price": "79.90"})
    assert lineup.get_json()["live_price"] == "79.90"
    from datetime import datetime, timedelta, timezone

    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=2)  # the API takes times near now
    at = start.astimezone(timezone(timedelta(hours=8))).isoformat()
    started = api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": at}).get_json()
    assert started["status"] == "live" and started["started_at"] == start.isoformat()
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={}).status_code == 409
    before = (start - timedelta(hours=1)).isoformat()
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": before}).status_code == 400
    ended = api.post(f"/api/v1/broadcasts/{broadcast_id}/end").get_json()
    assert ended["status"] == "ended"


def test_order_without_unit_price_is_priced_at_the_live_price(api):
    from tests.support.api import order_event

    api.product("A1", price="99.00")
    broadcast_id = api.live_broadcast()
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "A1", "live_price": "79.90"})
    event = order_event("A1", 2)
    del event["items"][0]["unit_price"]
    order = api.events(broadcast_id, [event]).get_json()["results"][0]["order"]
    assert order["total"] == "159.80"


def test_bad_broadcast_bodies_name_the_field(api):
    assert api.post("/api/v1/broadcasts", json={"platform": "douyin"}).get_json()["error"]["field"] == "title"
    assert api.post("/api/v1/broadcasts", json=[1]).get_json()["error"]["field"] == "body"
    assert api.post("/api/v1/broadcasts/999/products", json={"sku": "x"}).status_code == 404


def test_order_listing_filters_and_validates(api):
    from tests.support.api import order_event

    api.product("A1", stock=1)
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [order_event("A1", 1), order_event("A1", 1)])
    listed = api.get(f"/api/v1/orders?broadcast_id={broadcast_id}&status=waitlisted").get_json()
    assert listed["total"] == 1 and listed["orders"][0]["status"] == "waitlisted"
    assert api.get("/api/v1/orders?status=bogus").get_json()["error"]["field"] == "status"
    assert api.get("/api/v1/orders?page=0").get_json()["error"]["field"] == "page"
