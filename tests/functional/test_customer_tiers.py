"""Member tiers (issue 15): rules as data, recalculation that records a tier change only when the tier changes,
crossing a threshold up and down, and the tier rules API."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.customers.models import Customer, CustomerTierChange
from tests.support.auth import csrf_token, login
from tests.support.customers import place, recalc, refund

RULES = {"window_days": 365, "tiers": [{"code": "silver", "name": "银卡", "min_spend": "150.00"},
                                       {"code": "gold", "name": "金卡", "min_spend": "300.00", "min_orders": 4}]}


@pytest.fixture
def shop(api):
    """Return a live broadcast selling A1 at ¥99."""
    api.product("A1", stock=500, price="99.00")
    return api.live_broadcast(title="Spring tea", skus=("A1",))


@pytest.fixture
def admin(app, users):
    """Return (client, headers) of a logged-in admin."""
    client = login(app, "admin")
    return client, {"X-CSRFToken": csrf_token(client, "/")}


@pytest.fixture
def rules(admin):
    """Store RULES through the API."""
    client, headers = admin
    response = client.put("/api/v1/customer-tiers", json=RULES, headers=headers)
    assert response.status_code == 200, response.get_json()
    return RULES


def history(app, buyer_id: str) -> list[tuple]:
    """Return the (from, to) tier changes of a buyer, oldest first."""
    with app.app_context():
        rows = db.session.execute(sa.select(CustomerTierChange.from_tier, CustomerTierChange.to_tier)
                                  .join(Customer, Customer.id == CustomerTierChange.customer_id)
                                  .where(Customer.buyer_id == buyer_id).order_by(CustomerTierChange.id)).all()
        return [tuple(row) for row in rows]


def test_tiers_rise_with_spend_and_a_change_is_recorded_once(app, api, shop, rules):
    place(api, shop, "T-1", "B-1")
    assert recalc(app)["tier_changes"] == 0
    assert api.get("/api/v1/customers/B-1").get_json()["tier"] is None
    place(api, shop, "T-2", "B-1")  # ¥198: crosses silver's ¥150
    record = api.get("/api/v1/customers/B-1").get_json()
    assert record["tier"] is None and record["tier_due"] == "silver"  # due until the recalculation applies it
    assert recalc(app)["tier_changes"] == 1
    assert recalc(app)["tier_changes"] == 0  # unchanged: no second entry
    record = api.get("/api/v1/customers/B-1").get_json()
    assert record["tier"] == "silver" and record["tier_due"] == "silver" and record["tier_name"] == "银卡"
    assert [(c["from"], c["to"], c["spend"], c["orders"]) for c in record["tier_history"]] == [
        (None, "silver", "198.00", 2)]
    place(api, shop, "T-3", "B-1", qty=2)  # ¥396 in all: gold by spend
    recalc(app)
    assert history(app, "B-1") == [(None, "silver"), ("silver", "gold")]


def test_a_refund_takes_a_buyer_back_down_across_the_threshold(app, api, shop, rules):
    place(api, shop, "R-1", "B-2", qty=2)
    recalc(app)
    refund(app, "R-1", "60.00")  # ¥198 − ¥60 = ¥138: below silver
    record = api.get("/api/v1/customers/B-2").get_json()
    assert record["refunded"] == "60.00" and record["tier"] == "silver" and record["tier_due"] is None
    assert recalc(app)["tier_changes"] == 1
    assert api.get("/api/v1/customers/B-2").get_json()["tier"] is None
    assert history(app, "B-2") == [(None, "silver"), ("silver", None)]


def test_orders_leaving_the_window_lower_the_tier(app, api, shop, rules):
    for n in range(4):
        place(api, shop, f"W-{n}", "B-3")
    recalc(app)
    assert api.get("/api/v1/customers/B-3").get_json()["tier"] == "gold"  # four orders
    recalc(app, now=utcnow() + timedelta(days=400))
    assert history(app, "B-3") == [(None, "gold"), ("gold", None)]


def test_an_unpaid_order_counts_as_an_order_but_not_towards_a_tier(app, api, shop, rules):
    place(api, shop, "U-1", "B-4", qty=3, paid=False)
    recalc(app)
    body = api.get("/api/v1/customers/B-4").get_json()
    assert body["order_count"] == 1 and body["paid_gmv"] == "0.00" and body["tier"] is None
    assert body["rfm"]["segment"] == "prospect"


def test_changed_rules_apply_at_the_next_recalculation(app, api, shop, rules, admin):
    place(api, shop, "C-1", "B-5", qty=2)
    recalc(app)
    client, headers = admin
    higher = {"tiers": [{"code": "silver", "min_spend": "500.00"}]}
    assert client.put("/api/v1/customer-tiers", json=higher, headers=headers).status_code == 200
    record = api.get("/api/v1/customers/B-5").get_json()
    assert record["tier"] == "silver" and record["tier_due"] is None  # no tier under the new rules, until recalculated
    recalc(app)
    assert history(app, "B-5") == [(None, "silver"), ("silver", None)]


def test_the_tier_rules_api_validates_and_only_admins_change_them(app, api, users, admin):
    default = api.get("/api/v1/customer-tiers").get_json()
    assert [t["code"] for t in default["tiers"]] == ["silver", "gold", "diamond"] and default["window_days"] == 365
    client, headers = admin
    bad = client.put("/api/v1/customer-tiers", json={"tiers": [{"code": "Gold!"}]}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "tiers[0].code"
    assert len(bad.get_json()["errors"]) == 2  # the code and the missing threshold
    for role in ("aftersales", "auditor", "host"):
        other = login(app, role)
        response = other.put("/api/v1/customer-tiers", json=RULES, headers={"X-CSRFToken": csrf_token(other, "/")})
        assert response.status_code == 403, role
    assert api.put("/api/v1/customer-tiers", json=RULES).status_code == 403
    assert api.get("/api/v1/customer-tiers").get_json() == default


def test_recalculation_through_the_api_and_for_one_buyer(app, api, shop, rules, users):
    place(api, shop, "A-1", "B-6", qty=2)
    place(api, shop, "A-2", "B-7")
    agent = login(app, "aftersales")
    headers = {"X-CSRFToken": csrf_token(agent, "/")}
    one = agent.post("/api/v1/customers/recalculate", json={"buyer_id": "B-6"}, headers=headers).get_json()
    assert one == {"customers": 1, "created": 1, "updated": 1, "tier_changes": 1}
    every = agent.post("/api/v1/customers/recalculate", json={}, headers=headers).get_json()
    assert every["customers"] == 2 and every["created"] == 1 and every["tier_changes"] == 0
    missing = agent.post("/api/v1/customers/recalculate", json={"buyer_id": "NOBODY"}, headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["field"] == "buyer_id"
    host = login(app, "host")
    assert host.post("/api/v1/customers/recalculate", json={},
                     headers={"X-CSRFToken": csrf_token(host, "/")}).status_code == 403


def test_the_cli_and_the_periodic_job_recalculate(app, api, shop):
    from app.background import jobs

    place(api, shop, "J-1", "B-8")
    result = app.test_cli_runner().invoke(args=["customers", "recalculate"])
    assert result.exit_code == 0 and "recalculated 1 customers: 1 new" in result.output
    assert "customer-recalculation" in {job.name for job in jobs()}
