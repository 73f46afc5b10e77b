"""PATCH /api/v1/products/<variant SKU> changes that variant alone; a product SKU changes the product as before.

Probe 2, D-e: a variant's SKU used to resolve to its product, so `{"price": "1.00"}` sent for one variant
re-priced every sibling without a price of its own, and `{"name": ...}` renamed the product.
"""
from __future__ import annotations

import jsonschema_rs
import pytest

from app.openapi.spec import build_spec
from tests.functional.test_openapi import conforms
from tests.support.auth import csrf_token, login

SIZES = ("M", "L", "XL")


@pytest.fixture
def shirt(api) -> dict:
    """Create P2-V (99.00) with variants P2-V-M, P2-V-L, P2-V-XL, none with a price of its own; return it."""
    return api.post("/api/v1/products", json={"sku": "P2-V", "name": "Polo", "price": "99", "variants": [
        {"sku": f"P2-V-{size}", "size": size, "colour": "Navy", "stock": 5} for size in SIZES]}).get_json()


def patch(api, sku: str, body):
    return api.client.patch(f"/api/v1/products/{sku}", headers=api._headers(), json=body)


def prices(product: dict) -> dict:
    return {v["sku"]: (v["price"], v["own_price"]) for v in product["variants"]}


def test_a_price_sent_to_a_variant_sku_reprices_that_variant_alone(api, shirt):
    response = patch(api, "P2-V-L", {"price": "1.00"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["sku"], body["name"], body["price"]) == ("P2-V", "Polo", "99.00")
    assert prices(body) == {"P2-V-M": ("99.00", False), "P2-V-L": ("1.00", True), "P2-V-XL": ("99.00", False)}
    assert api.get("/api/v1/products/P2-V-L").get_json() == body == api.get("/api/v1/products/P2-V").get_json()


def test_a_variant_sku_changes_its_own_name_size_and_colour_and_nothing_of_its_siblings(api, shirt):
    body = patch(api, "P2-V-XL", {"size": "XXL", "colour": "Red"}).get_json()
    xl = body["variants"][2]
    assert (xl["sku"], xl["name"], xl["size"], xl["colour"]) == ("P2-V-XL", "XXL / Red", "XXL", "Red")
    renamed = patch(api, "P2-V-XL", {"name": "Polo XXL red"})
    assert renamed.status_code == 200, renamed.get_json()
    assert [v["name"] for v in renamed.get_json()["variants"]] == ["M / Navy", "L / Navy", "Polo XXL red"]
    assert renamed.get_json()["name"] == "Polo"  # the product keeps its name
    assert [v["stock"] for v in renamed.get_json()["variants"]] == [5, 5, 5]


def test_price_null_on_a_variant_sku_makes_it_follow_the_product_again(api, shirt):
    patch(api, "P2-V-M", {"price": "80"})
    assert prices(patch(api, "P2-V-M", {"price": None}).get_json())["P2-V-M"] == ("99.00", False)
    assert prices(patch(api, "P2-V", {"price": "79"}).get_json()) == {  # a product SKU re-prices every follower
        f"P2-V-{size}": ("79.00", False) for size in SIZES}


@pytest.mark.parametrize("body, status, code, field", [
    ({"image_url": "https://img.example.com/p.png"}, 400, "product_field", "image_url"),
    ({"price": "1.00", "variants": [{"sku": "P2-V-S", "size": "S", "stock": 1}]}, 400, "product_field", "variants"),
    ({"size": "S", "stock": 3}, 400, "unknown_field", "stock"),
    ({"sku": "P2-V-S"}, 400, "unknown_field", "sku"),
    ({}, 400, "missing_field", "body"),
    ({"price": "1.001"}, 400, "invalid_amount", "price"),
    ({"name": " "}, 400, "missing_field", "name"),
    ({"size": "x" * 33}, 400, "too_long", "size"),
    ([{"price": "1.00"}], 400, "invalid_json", "body"),
])
def test_a_bad_variant_patch_names_the_field_and_changes_nothing(api, shirt, body, status, code, field):
    before = api.get("/api/v1/products/P2-V").get_json()
    response = patch(api, "P2-V-L", body)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert api.get("/api/v1/products/P2-V").get_json() == before


def test_a_field_only_the_product_has_is_refused_saying_it_belongs_to_the_product(api, shirt):
    error = patch(api, "P2-V-L", {"image_url": None}).get_json()["error"]
    assert error["field"] == "image_url"
    assert "belongs to the product 'P2-V'" in error["message"] and "'P2-V-L'" in error["message"]
    assert "PATCH /api/v1/products/P2-V" in error["message"]


def test_a_product_sku_still_changes_the_product_name_and_price(api, shirt):
    body = patch(api, "P2-V", {"name": "Polo shirt", "price": "89",
                               "variants": [{"sku": "P2-V-M", "price": "70"}]}).get_json()
    assert (body["name"], body["price"]) == ("Polo shirt", "89.00")
    assert prices(body) == {"P2-V-M": ("70.00", True), "P2-V-L": ("89.00", False), "P2-V-XL": ("89.00", False)}
    assert patch(api, "NOPE", {"price": "1"}).get_json()["error"] == {
        "code": "not_found", "field": "sku", "message": "no product has SKU 'NOPE'"}


@pytest.mark.parametrize("role, status", [("host", 200), ("admin", 200), ("auditor", 403), ("moderator", 403)])
def test_who_may_change_a_variant_is_who_may_change_the_catalogue(app, users, api, shirt, role, status):
    client = login(app, role)
    response = client.patch("/api/v1/products/P2-V-M", json={"colour": "Black"},
                            headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == status
    colour = api.get("/api/v1/products/P2-V").get_json()["variants"][0]["colour"]
    assert colour == ("Black" if status == 200 else "Navy")


def test_the_document_describes_a_variant_patch_and_its_answer(api, shirt):
    doc = build_spec()
    op = doc["paths"]["/api/v1/products/{sku}"]["patch"]
    body_schema = {**op["requestBody"]["content"]["application/json"]["schema"], "components": doc["components"]}
    validator = jsonschema_rs.Draft202012Validator(body_schema)
    assert validator.is_valid({"price": None, "size": "L"}) and validator.is_valid({"price": "79", "variants": []})
    assert not validator.is_valid({"stock": 3}) and not validator.is_valid({})
    answer = patch(api, "P2-V-L", {"price": None, "size": "L"})
    assert answer.status_code == 200
    assert conforms(answer.get_json(), op["responses"]["200"]["content"]["application/json"]["schema"], doc) == []
