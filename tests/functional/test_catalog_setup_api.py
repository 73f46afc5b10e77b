"""Setting up the catalogue through the API: search and paging, edits, restocks with reasons and their history,
the CSV import (dry run, then all or nothing), and who may do what."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.models import Product, StockHistory, StockLevel
from tests.support.api import order_event
from tests.support.auth import csrf_token, login


def _history(api, sku):
    return api.get(f"/api/v1/products/{sku}/stock-history").get_json()


def test_the_list_keeps_its_keys_and_adds_paging_and_search_by_name_or_any_sku(api):
    for n in range(1, 4):
        api.product(f"MUG-{n}", stock=n)
    api.post("/api/v1/products", json={"sku": "TEE", "name": "T-shirt", "price": "59", "variants": [
        {"sku": "TEE-RED-M", "size": "M", "colour": "Red", "stock": 3}]})
    listed = api.get("/api/v1/products?per_page=2").get_json()
    assert (listed["total"], listed["page"], listed["per_page"], len(listed["products"])) == (4, 1, 2, 2)
    assert set(listed["products"][0]) >= {"sku", "name", "price", "stock", "reserved", "sold", "variants"}
    assert [p["sku"] for p in api.get("/api/v1/products?per_page=2&page=2").get_json()["products"]] == ["MUG-3", "TEE"]
    assert [p["sku"] for p in api.get("/api/v1/products?q=product mug-2").get_json()["products"]] == ["MUG-2"]
    assert [p["sku"] for p in api.get("/api/v1/products?q=tee-red").get_json()["products"]] == ["TEE"]
    assert [p["sku"] for p in api.get("/api/v1/products?q=m / red").get_json()["products"]] == ["TEE"]
    assert api.get("/api/v1/products?q=%25").get_json()["total"] == 0  # % is a character, not a wildcard
    assert api.get("/api/v1/products?q=" + "x" * 101).get_json()["error"]["field"] == "q"
    assert api.get("/api/v1/products?page=0").get_json()["error"]["field"] == "page"


def test_a_variant_made_of_size_and_colour_is_named_after_them(api):
    created = api.post("/api/v1/products", json={"sku": "TEE", "name": "T-shirt", "price": "59",
                                                 "image_url": "https://img.example.com/tee.jpg", "variants": [
                                                     {"sku": "TEE-M-BLK", "size": "M", "colour": "黑色", "stock": 3}]})
    assert created.status_code == 201
    variant = created.get_json()["variants"][0]
    assert (variant["name"], variant["size"], variant["colour"]) == ("M / 黑色", "M", "黑色")
    assert created.get_json()["image_url"] == "https://img.example.com/tee.jpg"


def test_patch_changes_name_price_picture_and_variants_and_adds_one_with_its_stock(api):
    api.post("/api/v1/products", json={"sku": "TEE", "name": "T-shirt", "price": "59", "variants": [
        {"sku": "TEE-M", "size": "M", "stock": 3}]})
    response = api.client.patch("/api/v1/products/TEE", headers=api._headers(), json={
        "name": "Cotton T-shirt", "price": "69.50", "image_url": "http://img.example.com/t.png",
        "variants": [{"sku": "TEE-M", "size": "L", "price": "79"},
                     {"sku": "TEE-XL", "size": "XL", "colour": "White", "stock": 4}]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["name"], body["price"], body["image_url"]) == ("Cotton T-shirt", "69.50", "http://img.example.com/t.png")
    assert [(v["sku"], v["name"], v["price"], v["stock"]) for v in body["variants"]] == [
        ("TEE-M", "L", "79.00", 3), ("TEE-XL", "XL / White", "69.50", 4)]
    history = _history(api, "TEE")["entries"]
    assert [(e["sku"], e["kind"], e["available_before"], e["available_after"]) for e in history][0] == ("TEE-XL", "created", 0, 4)
    cleared = api.client.patch("/api/v1/products/TEE", headers=api._headers(),
                               json={"image_url": None, "variants": [{"sku": "TEE-M", "price": None}]}).get_json()
    assert cleared["image_url"] is None and cleared["variants"][0]["price"] == "69.50"


@pytest.mark.parametrize("body, status, field", [
    ({"image_url": "javascript:alert(1)"}, 400, "image_url"),
    ({"image_url": "data:image/png;base64,AAAA"}, 400, "image_url"),
    ({"price": "1.001"}, 400, "price"),
    ({"name": "x" * 201}, 400, "name"),
    ({"sku": "NEW"}, 400, "sku"),
    ({}, 400, "body"),
    ({"variants": [{"sku": "TEE-S", "size": "S"}]}, 400, "variants[0].stock"),
    ({"variants": [{"sku": "MUG", "size": "S", "stock": 1}]}, 409, "variants[0].sku"),
    ({"variants": [{"sku": "TEE-M", "size": "x" * 33}]}, 400, "variants[0].size"),
])
def test_bad_patches_name_the_field_and_change_nothing(api, app, body, status, field):
    api.product("MUG")
    api.post("/api/v1/products", json={"sku": "TEE", "name": "T-shirt", "price": "59", "variants": [
        {"sku": "TEE-M", "size": "M", "stock": 3}]})
    sent = body if not body or "name" in body else {**body, "name": "Renamed"}  # a good change goes with the bad
    response = api.client.patch("/api/v1/products/TEE", headers=api._headers(), json=sent)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["field"] == field
    product = api.get("/api/v1/products/TEE").get_json()
    assert product["name"] == "T-shirt" and [v["sku"] for v in product["variants"]] == ["TEE-M"]


def test_a_product_sold_under_its_own_sku_cannot_gain_variants(api):
    api.product("MUG")
    response = api.client.patch("/api/v1/products/MUG", headers=api._headers(),
                                json={"variants": [{"sku": "MUG-S", "size": "S", "stock": 1}]})
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "no_variants")


def test_restock_needs_a_reason_and_every_change_is_kept_with_who_why_and_before_after(api):
    api.product("MUG", stock=2)
    missing = api.post("/api/v1/products/MUG/restock", json={"units": 5})
    assert (missing.status_code, missing.get_json()["error"]["field"]) == (400, "reason")
    assert api.post("/api/v1/products/MUG/restock", json={"units": 0, "reason": "x"}).get_json()["error"]["field"] == "units"
    restocked = api.post("/api/v1/products/MUG/restock", json={"units": 5, "reason": "delivery 42"})
    assert restocked.get_json()["available"] == 7
    corrected = api.post("/api/v1/products/MUG/stock-corrections", json={"stock": 6, "reason": "one broken"})
    assert corrected.get_json()["stock"] == 6
    assert api.post("/api/v1/products/MUG/stock-corrections", json={"stock": 6}).get_json()["error"]["field"] == "reason"
    assert api.put("/api/v1/products/MUG/stock", json={"stock": 9}).status_code == 200  # the integration's count
    entries = _history(api, "MUG")["entries"]
    assert [(e["kind"], e["actor"], e["reason"], e["available_before"], e["available_after"]) for e in entries] == [
        ("set", "token:test-adapter", None, 6, 9),
        ("correction", "token:test-adapter", "one broken", 7, 6),
        ("restock", "token:test-adapter", "delivery 42", 2, 7),
        ("created", "token:test-adapter", None, 0, 2),
    ]
    assert api.post("/api/v1/products/NOPE/restock", json={"units": 1, "reason": "x"}).status_code == 404


def test_a_restock_promotes_the_waitlist_and_orders_write_no_stock_history(api, app):
    api.product("ONE", stock=1)
    broadcast_id = api.live_broadcast(skus=("ONE",))
    results = api.events(broadcast_id, [order_event("ONE", 1), order_event("ONE", 1)]).get_json()["results"]
    assert [r["order"]["status"] for r in results] == ["accepted", "waitlisted"]
    api.post("/api/v1/products/ONE/restock", json={"units": 3, "reason": "found a box"})
    product = api.get("/api/v1/products/ONE").get_json()
    assert (product["stock"], product["reserved"]) == (2, 2)
    entry = _history(api, "ONE")["entries"][0]
    # The history holds the restock itself; the reservations before and after it are the orders' record.
    assert (entry["available_before"], entry["available_after"]) == (0, 3)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StockHistory)) == 2


def test_the_history_pages_and_a_variant_sku_shows_only_that_variant(api):
    api.post("/api/v1/products", json={"sku": "TEE", "name": "T", "price": "9", "variants": [
        {"sku": "TEE-M", "name": "M", "stock": 1}, {"sku": "TEE-L", "name": "L", "stock": 1}]})
    for n in range(3):
        api.post("/api/v1/products/TEE-M/restock", json={"units": 1, "reason": f"box {n}"})
    assert _history(api, "TEE")["total"] == 5
    only_m = _history(api, "TEE-M")
    assert only_m["total"] == 4 and {e["sku"] for e in only_m["entries"]} == {"TEE-M"}
    assert api.get("/api/v1/products/TEE/stock-history?page=2").get_json()["entries"] == []
    assert api.get("/api/v1/products/NOPE/stock-history").status_code == 404


CSV = ("sku,name,price,variant_sku,size,colour,variant_price,stock\r\n"
       "TEE,T-shirt,59,TEE-M,M,Black,,10\r\n"
       "TEE,,,TEE-L,L,Black,69,5\r\n"
       "MUG,Mug,19.9,,,,,30\r\n")


def _import(api, body: bytes, dry_run: bool):
    return api.post(f"/api/v1/products/import?dry_run={int(dry_run)}", data=body,
                    headers={"Content-Type": "text/csv"})


def test_a_dry_run_previews_each_line_and_the_import_then_writes_it(api):
    preview = _import(api, CSV.encode("utf-8-sig"), dry_run=True).get_json()
    assert preview["valid"] and [r["action"] for r in preview["rows"]] == ["create", "create", "create"]
    assert api.get("/api/v1/products").get_json()["total"] == 0
    done = _import(api, CSV.encode(), dry_run=False)
    assert done.status_code == 200 and done.get_json()["summary"]["create"] == 3
    tee = api.get("/api/v1/products/TEE").get_json()
    assert [(v["sku"], v["name"], v["price"], v["stock"]) for v in tee["variants"]] == [
        ("TEE-M", "M / Black", "59.00", 10), ("TEE-L", "L / Black", "69.00", 5)]
    again = _import(api, CSV.replace("MUG,Mug,19.9,,,,,30", "MUG,Mug,21,,,,,28").encode(), dry_run=True).get_json()
    assert [(r["action"], r["changes"]) for r in again["rows"]] == [
        ("unchanged", []), ("unchanged", []), ("update", ["price", "stock"])]
    _import(api, CSV.replace("MUG,Mug,19.9,,,,,30", "MUG,Mug,21,,,,,28").encode(), dry_run=False)
    assert api.get("/api/v1/products/MUG").get_json()["price"] == "21.00"
    entry = _history(api, "MUG")["entries"][0]
    assert (entry["kind"], entry["reason"], entry["available_before"], entry["available_after"]) == (
        "import", "CSV import", 30, 28)


def test_an_import_with_one_bad_line_writes_nothing_and_names_the_field_per_line(api):
    api.product("MUG", stock=5)
    body = CSV + "BAD,Bad,abc,,,,,1\r\nMUG,,,MUG-S,S,,,1\r\n"
    response = _import(api, body.encode(), dry_run=False)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_rows"
    errors = {r["line"]: [e["field"] for e in r["errors"]] for r in response.get_json()["rows"] if r["errors"]}
    assert errors == {5: ["price"], 6: ["variant_sku"]}
    assert api.get("/api/v1/products").get_json()["total"] == 1


def test_a_chinese_excel_file_in_gb18030_is_read(api):
    body = "sku,name,price,stock\r\nTEA,龙井茶 250克,89,12\r\n".encode("gb18030")
    assert _import(api, body, dry_run=False).status_code == 200
    assert api.get("/api/v1/products/TEA").get_json()["name"] == "龙井茶 250克"


@pytest.mark.parametrize("body, status, field", [
    (b"", 400, "body"),
    (b"sku,weight\r\nA,1\r\n", 400, "weight"),
    (b"name,price\r\nA,1\r\n", 400, "sku"),
    (b"sku,name,price,stock\r\n" + b"A,x,1,1\r\n" * 2 + b"\xff\xfe\xfa", 400, "body"),
    (b"sku,name,price,stock\r\n" + b"".join(b"S%d,n,1,1\r\n" % i for i in range(5001)), 400, "body"),
    (b"sku\r\n" + b"x" * (1024 * 1024), 413, "body"),
])
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(api, body, status, field):
    response = _import(api, body, dry_run=True)
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize("role, status", [("host", 201), ("admin", 201), ("auditor", 403), ("moderator", 403),
                                          ("analyst", 403)])
def test_hosts_and_admins_change_the_catalogue_and_everyone_reads_it(app, users, role, status):
    client = login(app, role)
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    created = client.post("/api/v1/products", json={"sku": "S1", "name": "n", "price": "1", "stock": 1}, headers=headers)
    assert created.status_code == status
    assert client.get("/api/v1/products").status_code == 200
    patched = client.patch("/api/v1/products/S1", json={"name": "m"}, headers=headers)
    assert patched.status_code == (200 if status == 201 else 403)
    imported = client.post("/api/v1/products/import?dry_run=1", data=b"sku\r\nS1\r\n", headers=headers)
    assert imported.status_code == (200 if status == 201 else 403)


@pytest.mark.parametrize("role, status", [("host", 200), ("auditor", 200), ("moderator", 403), ("analyst", 403)])
def test_hosts_and_auditors_restock(app, users, api, role, status):
    api.product("S1", stock=1)
    client = login(app, role)
    response = client.post("/api/v1/products/S1/restock", json={"units": 2, "reason": "box"},
                           headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == status
    if status == 200:
        assert _history(api, "S1")["entries"][0]["actor"] == role


def test_the_stock_check_still_holds_after_a_restock(app, api):
    api.product("S1", stock=1)
    api.post("/api/v1/products/S1/restock", json={"units": 2, "reason": "box"})
    with app.app_context():
        level = db.session.scalar(sa.select(StockLevel).where(StockLevel.sku == "S1"))
        assert (level.available, level.received_total) == (3, 3)
        assert db.session.scalar(sa.select(Product.name).where(Product.sku == "S1")) == "Product S1"


def test_the_catalogue_answers_fit_the_openapi_document(api):
    from app.openapi.spec import build_spec
    from tests.functional.test_openapi import conforms

    doc = build_spec()

    def schema_of(path, method, status="200"):
        return doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]

    api.post("/api/v1/products", json={"sku": "TEE", "name": "T", "price": "9", "image_url": "https://x.example/a.png",
                                       "variants": [{"sku": "TEE-M", "size": "M", "stock": 1}]})
    answers = [
        ("/api/v1/products", "get", api.get("/api/v1/products?q=tee")),
        ("/api/v1/products/{sku}", "patch", api.client.patch("/api/v1/products/TEE", headers=api._headers(),
                                                             json={"variants": [{"sku": "TEE-M", "colour": None}]})),
        ("/api/v1/products/{sku}/restock", "post", api.post("/api/v1/products/TEE-M/restock",
                                                            json={"units": 1, "reason": "box"})),
        ("/api/v1/products/{sku}/stock-corrections", "post", api.post("/api/v1/products/TEE-M/stock-corrections",
                                                                      json={"stock": 1, "reason": "count"})),
        ("/api/v1/products/{sku}/stock-history", "get", api.get("/api/v1/products/TEE/stock-history")),
        ("/api/v1/products/import", "post", _import(api, CSV.encode(), dry_run=True)),
    ]
    for path, method, response in answers:
        assert response.status_code == 200, (path, response.get_json())
        assert conforms(response.get_json(), schema_of(path, method), doc) == [], (path, method)


@pytest.mark.parametrize("role, status", [("host", 200), ("auditor", 200), ("admin", 200), ("moderator", 403),
                                          ("analyst", 403)])
def test_the_catalogue_pages_open_for_the_roles_that_use_them(app, users, api, role, status):
    api.product("MUG", stock=2)
    client = login(app, role)
    assert client.get("/products").status_code == status
    assert client.get("/products/MUG").status_code == status
    assert client.get("/products/import").status_code == (200 if role in ("host", "admin") else 403)
    if status == 200:
        page = client.get("/products", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        assert "库存低" in page and 'data-state="low"' in page
