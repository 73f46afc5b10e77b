"""Units an after-sales return puts back on sale are in the product's stock history: one `return` row per SKU.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.aftersales.models import AftersaleCase
from orders.aftersales.restock import restock_returned
from orders.aftersales.sweeper import sweep
from orders.models import StockLevel
from tests.support.aftersales import agent_of, place_paid_order, ship, shipped_shop


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, after-sales agent) with ORD-1 (2 × TEE of 10 in stock) paid and shipped."""
    return shipped_shop(any_app, any_api)


def inspected_return(agent, sellable: int | None = None, sku: str = "TEE") -> dict:
    """Return the case of ORD-1 taken to inspected (every unit received; sellable: all of them unless given)."""
    response = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"})
    assert response.status_code == 201, response.get_json()
    base = f"/api/v1/aftersales/{response.get_json()['case_id']}"
    inspect = {} if sellable is None else {"lines": [{"sku": sku, "sellable_qty": sellable}]}
    for step, body in (("approve", {}), ("receive", {}), ("inspect", inspect)):
        answer = agent.post(f"{base}/{step}", json=body)
        assert answer.status_code == 200, (step, answer.get_json())
    return answer.get_json()


def returns_of(api, sku: str) -> list[dict]:
    """Return the `return` rows of a SKU's stock history, as the API lists them (newest first)."""
    response = api.get(f"/api/v1/products/{sku}/stock-history")
    assert response.status_code == 200, response.get_json()
    return [entry for entry in response.get_json()["entries"] if entry["kind"] == "return"]


def test_a_refunded_return_puts_sellable_units_back_and_the_stock_history_lists_it(shop, any_app):
    api, _broadcast_id, agent = shop
    case = inspected_return(agent, sellable=1)
    assert returns_of(api, "TEE") == []
    refund = agent.post(f"/api/v1/aftersales/{case['case_id']}/refunds", json={"amount": "198.00"})
    assert refund.status_code == 201, refund.get_json()
    with any_app.app_context():
        level = db.session.execute(sa.select(StockLevel.available, StockLevel.sold).where(StockLevel.sku == "TEE"))
        assert tuple(level.one()) == (9, 1)  # the one sellable unit back, the damaged one not
    [row] = returns_of(api, "TEE")
    assert row["sku"] == "TEE"
    assert (row["available_before"], row["available_after"]) == (8, 9)
    assert (row["reserved"], row["sold"]) == (0, 1)
    assert row["reason"] == f"after-sales case {case['case_id']}: returned units inspected sellable"
    assert row["actor"]
    assert datetime.fromisoformat(row["at"]) <= utcnow()
    page = agent_of(any_app, "auditor").get("/products/TEE")
    assert page.status_code == 200 and 'data-kind="return"' in page.get_data(as_text=True)


def test_the_refund_timer_is_named_system_in_the_return_row(shop, any_app):
    api, _broadcast_id, agent = shop
    case = inspected_return(agent)
    with any_app.app_context():
        assert sweep(db.session, datetime.fromisoformat(case["deadline_at"])) == 1
    assert agent.get(f"/api/v1/aftersales/{case['case_id']}").get_json()["status"] == "refunded"
    [row] = returns_of(api, "TEE")
    assert row["actor"] == "system" and (row["available_before"], row["available_after"]) == (8, 10)
    assert case["case_id"] in row["reason"]


@pytest.mark.slow
def test_the_return_row_names_the_agent_who_refunded(shop):
    api, _broadcast_id, agent = shop
    case = inspected_return(agent)
    assert agent.post(f"/api/v1/aftersales/{case['case_id']}/refunds", json={"amount": "198.00"}).status_code == 201
    [row] = returns_of(api, "TEE")
    assert row["actor"] == "aftersales"


def test_restock_returned_names_the_actor_it_is_given(shop, any_app):
    api, _broadcast_id, agent = shop
    case_id = inspected_return(agent)["case_id"]
    with any_app.app_context():
        case = db.session.scalar(sa.select(AftersaleCase).where(AftersaleCase.case_id == case_id))
        assert restock_returned(db.session, case, utcnow(), "li.wei") == (["TEE"], [])
        db.session.commit()
    [row] = returns_of(api, "TEE")
    assert row["actor"] == "li.wei" and row["available_after"] - row["available_before"] == 2


def test_an_exchange_writes_a_return_row_for_the_returned_sku_only(shop, any_app):
    api, broadcast_id, agent = shop
    api.product("SHOE", stock=0, variants=[{"sku": "SHOE-38", "name": "38", "stock": 10},
                                           {"sku": "SHOE-39", "name": "39", "stock": 10}])
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "SHOE"}).status_code == 201
    place_paid_order(api, broadcast_id, "ORD-2", [("SHOE-38", 2)])
    ship(agent, "ORD-2", tracking_no="SF1234567890188")
    case_id = agent.post("/api/v1/orders/ORD-2/aftersales",
                         json={"type": "exchange", "reason": "size_fit", "lines": [{"sku": "SHOE-38", "qty": 1}]}
                         ).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    for step in ("approve", "receive", "inspect"):
        assert agent.post(f"{base}/{step}", json={}).status_code == 200, step
    sent = agent.post(f"{base}/replacement",
                      json={"carrier": "SF", "tracking": "SF1234567890177", "lines": [{"sku": "SHOE-39", "qty": 1}]})
    assert sent.status_code == 200, sent.get_json()
    [row] = returns_of(api, "SHOE")  # the product's history: the replacement sent is an order's sale, not listed
    assert row["sku"] == "SHOE-38" and (row["available_before"], row["available_after"]) == (8, 9)
    assert case_id in row["reason"]
    assert returns_of(api, "SHOE-39") == []


def test_a_restock_the_stock_cannot_hold_any_more_writes_no_return_row(shop, any_app):
    api, _broadcast_id, agent = shop
    case = inspected_return(agent)
    with any_app.app_context():  # the sold units went elsewhere since (e.g. written off by hand)
        db.session.execute(sa.update(StockLevel).where(StockLevel.sku == "TEE").values(sold=0))
        db.session.commit()
    refund = agent.post(f"/api/v1/aftersales/{case['case_id']}/refunds", json={"amount": "198.00"})
    assert refund.status_code == 201, refund.get_json()
    assert refund.get_json()["case"]["status"] == "refunded"
    assert returns_of(api, "TEE") == []


def test_the_return_kind_is_in_the_openapi_enum(any_api):
    spec = any_api.get("/api/v1/openapi.json").get_json()
    entry = spec["components"]["schemas"]["StockHistoryPage"]["properties"]["entries"]["items"]
    kinds = (entry.get("properties") or spec["components"]["schemas"][entry["$ref"].rsplit("/", 1)[1]]["properties"])
    assert "return" in kinds["kind"]["enum"]

