"""A flash sale's `skus` and a member price's `prices` name SKUs of the catalogue, or the promotion is refused.

Probe 2, D-f: `POST /api/v1/promotions` stored a flash sale for "NOPE" (a sale that can never apply) without a word;
the line-up answers 404 unknown_sku for the same SKU, and so do promotions now.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.openapi.spec import build_spec
from orders.promotions.models import Promotion

START, END = "2025-03-01T20:00:00+08:00", "2025-03-01T21:00:00+08:00"


@pytest.fixture
def broadcast_id(api) -> int:
    """Create MUG (sold under its own SKU) and TEE with variants TEE-M and TEE-L; return a new broadcast's id."""
    api.product("MUG")
    api.product("TEE", variants=[{"sku": f"TEE-{size}", "size": size, "stock": 5} for size in ("M", "L")])
    return api.post("/api/v1/broadcasts", json={"title": "Spring tea", "platform": "douyin"}).get_json()["id"]


def flash(broadcast_id: int, skus: list, **more) -> dict:
    return {"code": "FLASH", "kind": "flash", "broadcast_id": broadcast_id, "skus": skus, "price": "29.90",
            "remaining": 10, "starts_at": START, "ends_at": END} | more


def member(prices: dict, **more) -> dict:
    return {"code": "GOLD", "kind": "member", "tier": "gold", "prices": prices} | more


def stored(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Promotion.code)))


def refusal(response) -> tuple:
    body = response.get_json()
    return response.status_code, body["error"], [(e["code"], e["field"]) for e in body["errors"]]


def test_a_flash_sale_of_an_unknown_sku_is_refused_at_its_entry_and_not_stored(api, app, broadcast_id):
    status, error, errors = refusal(api.post("/api/v1/promotions", json=flash(broadcast_id, ["MUG", "NOPE", "TEE-S"])))
    assert status == 404
    assert error == {"code": "unknown_sku", "field": "skus[1]", "message": "no product has SKU 'NOPE'"}
    assert errors == [("unknown_sku", "skus[1]"), ("unknown_sku", "skus[2]")]
    assert stored(app) == []


def test_member_prices_for_an_unknown_sku_are_refused_naming_the_price_and_not_stored(api, app, broadcast_id):
    status, error, errors = refusal(api.post("/api/v1/promotions", json=member({"MUG": "80", "NOPE": "1.00"})))
    assert status == 404
    assert error == {"code": "unknown_sku", "field": "prices.NOPE", "message": "no product has SKU 'NOPE'"}
    assert errors == [("unknown_sku", "prices.NOPE")]
    assert stored(app) == []


def test_product_and_variant_skus_of_the_catalogue_are_accepted(api, broadcast_id):
    sale = api.post("/api/v1/promotions", json=flash(broadcast_id, ["MUG", "TEE", "TEE-L"]))
    assert sale.status_code == 201, sale.get_json()
    assert sale.get_json()["skus"] == ["MUG", "TEE", "TEE-L"]
    prices = api.post("/api/v1/promotions", json=member({"TEE-M": "50", " MUG ": "80"}))
    assert prices.status_code == 201, prices.get_json()
    assert prices.get_json()["prices"] == {"TEE-M": "50.00", "MUG": "80.00"}


def test_sku_case_matters_as_it_does_in_the_catalogue(api, app, broadcast_id):
    assert refusal(api.post("/api/v1/promotions", json=flash(broadcast_id, ["tee-l"])))[1]["field"] == "skus[0]"
    assert stored(app) == []


def test_an_unknown_sku_is_listed_with_the_other_problems_and_the_first_sets_the_status(api, app, broadcast_id):
    status, error, errors = refusal(api.post("/api/v1/promotions", json=flash(broadcast_id, ["NOPE"], code="两个")))
    assert (status, error["field"]) == (400, "code")
    assert errors == [("invalid_code", "code"), ("unknown_sku", "skus[0]")]
    status, _, errors = refusal(api.post("/api/v1/promotions", json=flash(broadcast_id, ["NOPE"], price="x")))
    assert status == 404 and errors == [("unknown_sku", "skus[0]"), ("invalid_amount", "price")]
    assert stored(app) == []


def test_an_update_that_sends_unknown_skus_or_prices_is_refused_and_changes_nothing(api, broadcast_id):
    api.post("/api/v1/promotions", json=flash(broadcast_id, ["MUG"]))
    api.post("/api/v1/promotions", json=member({"MUG": "80"}))
    before = [api.get(f"/api/v1/promotions/{code}").get_json() for code in ("FLASH", "GOLD")]
    for code, body, field in [("FLASH", {"skus": ["MUG", "NOPE"]}, "skus[1]"),
                              ("GOLD", {"prices": {"NOPE": "1"}, "priority": 1}, "prices.NOPE")]:
        status, error, _ = refusal(api.put(f"/api/v1/promotions/{code}", json=body))
        assert (status, error["code"], error["field"]) == (404, "unknown_sku", field)
    assert [api.get(f"/api/v1/promotions/{code}").get_json() for code in ("FLASH", "GOLD")] == before
    changed = api.put("/api/v1/promotions/FLASH", json={"skus": ["TEE-M", "MUG"]})
    assert changed.status_code == 200 and changed.get_json()["skus"] == ["TEE-M", "MUG"]


def test_an_update_that_sends_no_skus_is_not_refused_for_skus_stored_before_they_were_checked(api, app, broadcast_id):
    api.post("/api/v1/promotions", json=flash(broadcast_id, ["MUG"]))
    with app.app_context():  # as a flash sale stored before SKUs were looked up
        db.session.execute(sa.update(Promotion).values(skus=["GONE"]))
        db.session.commit()
    response = api.put("/api/v1/promotions/FLASH", json={"priority": 5, "remaining": 3})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["priority"], response.get_json()["skus"]) == (5, ["GONE"])
    assert api.put("/api/v1/promotions/FLASH", json={"skus": ["GONE"]}).status_code == 404


def test_a_chinese_reader_gets_the_unknown_sku_in_chinese(api, broadcast_id):
    response = api.post("/api/v1/promotions", json=flash(broadcast_id, ["NOPE"]),
                        headers={"Accept-Language": "zh-CN"})
    assert response.get_json()["error"]["message"] == "没有 SKU 为 'NOPE' 的商品"


def test_the_document_says_creating_a_promotion_can_answer_404_unknown_sku():
    paths = build_spec()["paths"]
    for operation in (paths["/api/v1/promotions"]["post"], paths["/api/v1/promotions/{code}"]["put"]):
        assert "404" in operation["responses"] and "unknown_sku" in operation["description"]
