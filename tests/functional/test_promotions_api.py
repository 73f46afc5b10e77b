"""/api/v1/promotions and the /promotions page: CRUD, field-naming validation, roles, duplicate codes."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.promotions.models import Promotion
from tests.support.auth import csrf_token, login

START, END = "2025-03-01T20:00:00+08:00", "2025-03-01T21:00:00+08:00"


@pytest.fixture(autouse=True)
def catalogue(api) -> None:
    """Put the SKUs these promotions name in the catalogue (a flash sale or member price of an unknown one is refused)."""
    api.product("MUG")
    api.product("TEA")


@pytest.fixture
def broadcast_id(api) -> int:
    """Return the id of a scheduled broadcast."""
    return api.post("/api/v1/broadcasts", json={"title": "Spring tea", "platform": "douyin"}).get_json()["id"]


def flash_body(broadcast_id: int, overrides: dict | None = None, **more) -> dict:
    return {"code": "flash-mug", "kind": "flash", "broadcast_id": broadcast_id, "skus": ["MUG"], "price": 29.9,
            "remaining": 10, "per_buyer": 2, "starts_at": START, "ends_at": END} | (overrides or {}) | more


COUPON = {"code": "SAVE20", "kind": "coupon", "coupon_type": "fixed", "value": "20", "min_spend": 200, "uses_left": 100}
PERCENT = {"code": "P15", "kind": "coupon", "coupon_type": "percent", "value": "15", "max_discount": "50"}
THRESHOLD = {"code": "MJ", "kind": "threshold", "every": "200", "off": "30", "cap": "60", "priority": 1}
MEMBER = {"code": "GOLD", "kind": "member", "tier": "gold", "prices": {"TEA": "70", "MUG": 45.5}, "stacking": "exclusive"}


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Promotion))


def test_a_flash_sale_is_created_and_shown_with_money_as_strings(api, broadcast_id):
    response = api.post("/api/v1/promotions", json=flash_body(broadcast_id))
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in ("code", "kind", "broadcast_id", "skus", "price", "remaining", "per_buyer",
                                 "stacking", "priority", "active")} == {
        "code": "FLASH-MUG", "kind": "flash", "broadcast_id": broadcast_id, "skus": ["MUG"], "price": "29.90",
        "remaining": 10, "per_buyer": 2, "stacking": "stackable", "priority": 100, "active": True}
    assert (body["starts_at"], body["ends_at"]) == ("2025-03-01T12:00:00+00:00", "2025-03-01T13:00:00+00:00")
    assert api.get("/api/v1/promotions/flash-mug").get_json() == body


@pytest.mark.parametrize("body, expected", [
    (COUPON, {"coupon_type": "fixed", "value": "20.00", "min_spend": "200.00", "max_discount": None, "uses_left": 100,
              "per_buyer": None}),
    (PERCENT, {"coupon_type": "percent", "value": "15.00", "max_discount": "50.00", "min_spend": "0.00",
               "uses_left": None}),
    (THRESHOLD, {"every": "200.00", "off": "30.00", "cap": "60.00", "priority": 1}),
    (MEMBER, {"tier": "gold", "prices": {"TEA": "70.00", "MUG": "45.50"}, "stacking": "exclusive",
              "broadcast_id": None}),
])
def test_each_kind_is_stored_with_only_its_own_fields(api, body, expected):
    response = api.post("/api/v1/promotions", json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert {k: created[k] for k in expected} == expected
    assert "remaining" not in created or body["kind"] == "flash"


def test_the_list_shows_a_broadcasts_own_and_global_promotions(api, broadcast_id):
    other = api.post("/api/v1/broadcasts", json={"title": "Other", "platform": "douyin"}).get_json()["id"]
    api.post("/api/v1/promotions", json=flash_body(broadcast_id, code="HERE"))
    api.post("/api/v1/promotions", json=flash_body(other, code="THERE"))
    api.post("/api/v1/promotions", json=COUPON)
    codes = lambda path: [p["code"] for p in api.get(path).get_json()["promotions"]]  # noqa: E731
    assert codes("/api/v1/promotions") == ["SAVE20", "THERE", "HERE"]
    assert codes(f"/api/v1/promotions?broadcast_id={broadcast_id}") == ["SAVE20", "HERE"]
    assert api.get("/api/v1/promotions?broadcast_id=x").get_json()["error"]["field"] == "broadcast_id"


def test_an_update_changes_only_the_fields_sent_and_can_set_counters(api, broadcast_id):
    api.post("/api/v1/promotions", json=COUPON)
    response = api.put("/api/v1/promotions/save20", json={"uses_left": None, "priority": 7, "max_discount": "15"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["uses_left"], body["priority"], body["max_discount"], body["value"]) == (None, 7, "15.00", "20.00")
    api.post("/api/v1/promotions", json=flash_body(broadcast_id))
    assert api.put("/api/v1/promotions/FLASH-MUG", json={"remaining": 3}).get_json()["remaining"] == 3


def test_an_update_is_validated_as_a_whole_and_keeps_code_and_kind(api, app):
    api.post("/api/v1/promotions", json=COUPON)
    before = api.get("/api/v1/promotions/SAVE20").get_json()
    for body, field in [({"value": "-1"}, "value"), ({"starts_at": END, "ends_at": START}, "ends_at"),
                        ({"kind": "flash"}, "kind"), ({"code": "OTHER"}, "code"), ({"every": "5"}, "every"),
                        ({"uses_left": -1}, "uses_left")]:
        response = api.put("/api/v1/promotions/SAVE20", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["field"] == field
    assert api.get("/api/v1/promotions/SAVE20").get_json() == before
    echoed = api.put("/api/v1/promotions/SAVE20", json=before | {"priority": 3})
    assert echoed.status_code == 200 and echoed.get_json()["priority"] == 3


def test_delete_deactivates_and_the_promotion_stays_listed(api):
    api.post("/api/v1/promotions", json=COUPON)
    response = api.client.delete("/api/v1/promotions/SAVE20", headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert api.get("/api/v1/promotions").get_json()["promotions"][0]["active"] is False
    assert api.put("/api/v1/promotions/SAVE20", json={"active": True}).get_json()["active"] is True


def test_unknown_codes_answer_404(api):
    assert api.get("/api/v1/promotions/NOPE").status_code == 404
    assert api.put("/api/v1/promotions/NOPE", json={"priority": 1}).get_json()["error"]["code"] == "not_found"


def test_a_code_cannot_be_created_twice_in_any_case(api, app):
    assert api.post("/api/v1/promotions", json=COUPON).status_code == 201
    response = api.post("/api/v1/promotions", json=THRESHOLD | {"code": " save20 "})
    assert response.status_code == 409
    assert response.get_json()["error"] == {"code": "code_exists", "field": "code",
                                            "message": "promotion code 'SAVE20' exists already"}
    assert stored(app) == 1


@pytest.mark.parametrize("overrides, field", [
    ({"code": None}, "code"),
    ({"code": "两个字"}, "code"),
    ({"code": "A" * 33}, "code"),
    ({"kind": "bogo"}, "kind"),
    ({"broadcast_id": None}, "broadcast_id"),
    ({"broadcast_id": 999}, "broadcast_id"),
    ({"stacking": "sometimes"}, "stacking"),
    ({"priority": -1}, "priority"),
    ({"priority": "1"}, "priority"),
    ({"starts_at": "2025-03-01T20:00:00"}, "starts_at"),
    ({"starts_at": None}, "starts_at"),
    ({"ends_at": START}, "ends_at"),
    ({"active": "yes"}, "active"),
    ({"skus": []}, "skus"),
    ({"skus": ["MUG", "MUG"]}, "skus"),
    ({"skus": ["MUG", 7]}, "skus[1]"),
    ({"price": None}, "price"),
    ({"price": "29.999"}, "price"),
    ({"price": "cheap"}, "price"),
    ({"remaining": None}, "remaining"),
    ({"remaining": -1}, "remaining"),
    ({"per_buyer": 0}, "per_buyer"),
    ({"tier": "gold"}, "tier"),
])
def test_bad_flash_sales_name_the_field_and_write_nothing(api, app, broadcast_id, overrides, field):
    response = api.post("/api/v1/promotions", json=flash_body(broadcast_id, overrides))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    assert stored(app) == 0


@pytest.mark.parametrize("body, field", [
    (COUPON | {"coupon_type": None}, "coupon_type"),
    (COUPON | {"coupon_type": "bogus"}, "coupon_type"),
    (COUPON | {"value": 0}, "value"),
    (PERCENT | {"value": "100.5"}, "value"),
    (COUPON | {"max_discount": "0"}, "max_discount"),
    (COUPON | {"min_spend": -5}, "min_spend"),
    (COUPON | {"uses_left": 1.5}, "uses_left"),
    (COUPON | {"per_buyer": 0}, "per_buyer"),
    (COUPON | {"remaining": 5}, "remaining"),
    (THRESHOLD | {"every": None}, "every"),
    (THRESHOLD | {"off": "200"}, "off"),
    (THRESHOLD | {"cap": "-1"}, "cap"),
    (MEMBER | {"tier": ""}, "tier"),
    (MEMBER | {"prices": {}}, "prices"),
    (MEMBER | {"prices": ["TEA"]}, "prices"),
    (MEMBER | {"prices": {"TEA": "x"}}, "prices.TEA"),
])
@pytest.mark.slow
def test_bad_coupons_thresholds_and_member_prices_name_the_field_and_write_nothing(api, app, body, field):
    response = api.post("/api/v1/promotions", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    assert stored(app) == 0


def test_every_problem_is_listed_and_the_first_is_the_error(api):
    response = api.post("/api/v1/promotions", json={"kind": "coupon", "coupon_type": "fixed", "value": "-2",
                                                    "uses_left": "many"})
    body = response.get_json()
    assert body["error"]["field"] == "code"
    assert [e["field"] for e in body["errors"]] == ["code", "value", "uses_left"]


def test_a_body_that_is_not_an_object_is_refused(api):
    response = api.client.post("/api/v1/promotions", data="[1]", content_type="application/json",
                               headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "body"


@pytest.mark.parametrize("role, may_manage", [("admin", True), ("auditor", True), ("host", True),
                                              ("analyst", False), ("moderator", False)])
def test_roles_that_manage_promotions_and_roles_that_only_read(app, users, role, may_manage):
    client = login(app, users[role])
    headers = {"X-CSRFToken": csrf_token(client, "/promotions")}
    created = client.post("/api/v1/promotions", json=COUPON, headers=headers)
    assert created.status_code == (201 if may_manage else 403)
    assert client.get("/api/v1/promotions").status_code == 200
    if may_manage:
        assert client.put("/api/v1/promotions/SAVE20", json={"priority": 2}, headers=headers).status_code == 200
        assert client.delete("/api/v1/promotions/SAVE20", headers=headers).status_code == 200
    else:
        assert client.delete("/api/v1/promotions/SAVE20", headers=headers).status_code == 403


def test_a_console_session_needs_the_csrf_header_and_nobody_anonymous_gets_in(app, users):
    client = login(app, users["host"])
    assert client.post("/api/v1/promotions", json=COUPON).get_json()["error"]["code"] == "csrf_failed"
    assert app.test_client().get("/api/v1/promotions").status_code == 401
    assert stored(app) == 0


def test_the_page_lists_promotions_as_text_and_shows_forms_to_managers(app, api, users):
    api.post("/api/v1/promotions", json=MEMBER | {"tier": "<script>alert(1)</script>"})
    api.post("/api/v1/promotions", json=COUPON)
    host = login(app, users["host"]).get("/promotions").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in host and "<script>alert(1)" not in host
    assert 'class="promo-form" data-kind="flash"' in host and 'class="deactivate" data-code="SAVE20"' in host
    assert 'href="/promotions"' in host
    analyst = login(app, users["analyst"]).get("/promotions").get_data(as_text=True)
    assert "SAVE20" in analyst and "promo-form" not in analyst and "deactivate" not in analyst
    assert app.test_client().get("/promotions").status_code == 302


def test_the_page_speaks_chinese(app, api, users):
    api.post("/api/v1/promotions", json=COUPON)
    client = login(app, users["host"])
    page = client.get("/promotions", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "SAVE20" in page and "¥20.00" in page
