"""Customer records (issue 15): the API contract, live totals after orders and refunds, tags, the list with its
filters, offers to a segment, and the pages of each role."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.customers.models import OfferGrant
from orders.promotions.models import Promotion
from tests.support.auth import csrf_token, login
from tests.support.customers import place, recalc, refund

RFM_KEYS = {"recency_days", "frequency", "monetary", "r", "f", "m", "score", "segment"}


@pytest.fixture
def shop(app, api, users):
    """Buyers on a live broadcast: B-1 with three paid orders (¥495), B-2 with one (¥99), B-3 unpaid; recalculated."""
    api.product("A1", stock=500, price="99.00")
    broadcast = api.live_broadcast(title="Spring tea", skus=("A1",))
    for order_id, qty in (("S-1", 1), ("S-2", 2), ("S-3", 2)):
        place(api, broadcast, order_id, "B-1", qty=qty)
    place(api, broadcast, "S-4", "B-2", name="李四")
    place(api, broadcast, "S-5", "B-3", paid=False, name="王五")
    recalc(app)
    return broadcast


def agent(app, role: str = "aftersales"):
    """Return (client, headers) of a logged-in user."""
    client = login(app, role)
    return client, {"X-CSRFToken": csrf_token(client, "/")}


def test_the_record_has_the_contract_fields_and_keeps_the_old_ones(api, shop):
    body = api.get("/api/v1/customers/B-1").get_json()
    assert {"buyer_id", "orders", "paid_gmv", "refunded", "complaints", "surveys", "tier", "rfm"} <= set(body)
    assert {"name", "member_tier", "contact", "blocklisted", "blocklist", "totals", "page", "per_page", "notices",
            "notices_total"} <= set(body)
    assert body["buyer_id"] == "B-1" and body["platform"] == "douyin"
    assert [o["order_id"] for o in body["orders"]] == ["S-3", "S-2", "S-1"] and body["order_count"] == 3
    assert body["paid_gmv"] == "495.00" and body["refunded"] == "0.00" and body["tier"] == "silver"
    assert isinstance(body["complaints"], list) and isinstance(body["surveys"], list)
    assert set(body["rfm"]) == RFM_KEYS and body["rfm"]["frequency"] == 3 and body["rfm"]["monetary"] == "495.00"
    assert body["rfm"]["recency_days"] == 0 and body["rfm"]["r"] == 5


def test_the_record_is_right_straight_after_new_orders_and_refunds(app, api, shop):
    place(api, shop, "S-6", "B-2", qty=3)
    refund(app, "S-4", "99.00")
    body = api.get("/api/v1/customers/B-2").get_json()
    assert body["order_count"] == 2 and body["paid_gmv"] == "396.00" and body["refunded"] == "99.00"
    assert body["totals"]["window_spend"] == "297.00" and body["rfm"]["monetary"] == "297.00"



def test_a_refunded_duplicate_payment_is_not_a_refund_of_the_purchase(app, api, shop):
    """Probe 14: B-2 paid S-4 twice and got the second payment back; they still spent ¥99 (RFM, tier)."""
    second = {"id": "pay-S-4-again", "type": "payment", "ts": datetime.now(timezone.utc).isoformat(),
              "order_id": "S-4", "payment_id": "P-S-4-again", "status": "paid", "amount": "99.00"}
    assert api.events(shop, [second]).get_json()["results"][0]["status"] == "accepted"
    refund(app, "S-4", "99.00")
    body = api.get("/api/v1/customers/B-2").get_json()
    assert body["paid_gmv"] == "99.00" and body["refunded"] == "99.00"
    assert body["totals"]["window_spend"] == "99.00" and body["rfm"]["monetary"] == "99.00"
    refund(app, "S-4", "150.00")  # then most of the purchase too: what is left of it counts
    assert api.get("/api/v1/customers/B-2").get_json()["totals"]["window_spend"] == "48.00"

def test_the_same_buyer_id_on_another_platform_is_another_customer(app, api, shop):
    other = api.post("/api/v1/broadcasts", json={"title": "Kuaishou night", "platform": "kuaishou"}).get_json()["id"]
    api.post(f"/api/v1/broadcasts/{other}/start", json={})
    api.post(f"/api/v1/broadcasts/{other}/products", json={"sku": "A1"})
    place(api, other, "K-1", "B-1")
    newest = api.get("/api/v1/customers/B-1").get_json()
    assert newest["platform"] == "kuaishou" and newest["order_count"] == 1 and newest["platforms"] == ["kuaishou", "douyin"]
    douyin = api.get("/api/v1/customers/B-1?platform=douyin").get_json()
    assert douyin["order_count"] == 3 and douyin["tier"] == "silver"
    assert api.get("/api/v1/customers/B-1?platform=taobao").status_code == 404
    assert api.get("/api/v1/customers/B-1?platform=" + "x" * 33).status_code == 400


def test_tags_are_set_by_after_sales_and_admins_and_are_bounded(app, api, shop):
    client, headers = agent(app)
    response = client.post("/api/v1/customers/B-1/tags", json={"tags": [" VIP ", "批发", "VIP"]}, headers=headers)
    assert response.status_code == 200 and response.get_json()["tags"] == ["VIP", "批发"]
    assert api.get("/api/v1/customers/B-1").get_json()["tags"] == ["VIP", "批发"]
    for bad, field in (({"tags": "VIP"}, "tags"), ({"tags": ["x" * 25]}, "tags[0]"), ({"tags": ["ok", 5]}, "tags[1]"),
                       ({"tags": ["a\nb"]}, "tags[0]"), ({"tags": [str(n) for n in range(21)]}, "tags")):
        answer = client.post("/api/v1/customers/B-1/tags", json=bad, headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == field, bad
    auditor, auditor_headers = agent(app, "auditor")
    assert auditor.post("/api/v1/customers/B-1/tags", json={"tags": []}, headers=auditor_headers).status_code == 403
    events = api.get("/api/v1/customers/B-1").get_json()["events"]
    assert [(e["kind"], e["actor"]) for e in events] == [("tags_changed", "aftersales")]


def test_the_list_filters_by_segment_tier_and_search(api, shop):
    every = api.get("/api/v1/customers").get_json()
    assert every["total"] == 3 and every["recalculated_at"] is not None
    assert {c["buyer_id"] for c in every["customers"]} == {"B-1", "B-2", "B-3"}
    assert [c["buyer_id"] for c in api.get("/api/v1/customers?tier=silver").get_json()["customers"]] == ["B-1"]
    assert {c["buyer_id"] for c in api.get("/api/v1/customers?tier=none").get_json()["customers"]} == {"B-2", "B-3"}
    assert [c["buyer_id"] for c in api.get("/api/v1/customers?segment=prospect").get_json()["customers"]] == ["B-3"]
    assert [c["name"] for c in api.get("/api/v1/customers?q=李").get_json()["customers"]] == ["李四"]
    assert [c["buyer_id"] for c in api.get("/api/v1/customers?q=B-2").get_json()["customers"]] == ["B-2"]
    assert [c["buyer_id"] for c in api.get("/api/v1/customers?sort=spend&per_page=1").get_json()["customers"]] == ["B-1"]
    assert api.get("/api/v1/customers?q=%25").get_json()["total"] == 0  # LIKE wildcards are text
    assert api.get("/api/v1/customers?tier=platinum").get_json()["total"] == 0  # no such tier: nobody
    for bad in ("segment=vip", "tier=a%01", "sort=name", "page=0", "q=" + "x" * 65, "platform=" + "p" * 33):
        response = api.get(f"/api/v1/customers?{bad}")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == bad.split("=")[0], bad


def test_an_offer_grants_a_coupon_to_a_segment_and_the_pricing_knows_the_coupon(app, api, shop):
    client, headers = agent(app)
    segment = api.get("/api/v1/customers/B-2").get_json()["rfm"]["segment"]
    body = {"title": "回购礼", "code": "back10", "segment": segment, "coupon_type": "fixed", "value": "10"}
    response = client.post("/api/v1/offers", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    offer = response.get_json()
    assert offer["code"] == "BACK10" and offer["granted"] >= 1 and offer["created_by"] == "aftersales"
    with app.app_context():
        coupon = db.session.scalar(sa.select(Promotion).where(Promotion.code == "BACK10"))
        assert (coupon.kind, coupon.coupon_type, coupon.per_buyer, coupon.active) == ("coupon", "fixed", 1, True)
        assert db.session.scalar(sa.select(sa.func.count(OfferGrant.id))) == offer["granted"]
    assert [o["code"] for o in api.get("/api/v1/customers/B-2").get_json()["offers"]] == ["BACK10"]
    assert [o["code"] for o in api.get("/api/v1/offers").get_json()["offers"]] == ["BACK10"]
    again = client.post("/api/v1/offers", json={"title": "Again", "code": "BACK10", "tier": "silver"}, headers=headers)
    assert again.status_code == 201 and again.get_json()["granted"] == 1  # the existing coupon, issued as it is
    assert api.get("/api/v1/promotions/BACK10").get_json()["value"] == "10.00"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"code": "X1", "segment": "loyal", "coupon_type": "fixed", "value": "5"}, 400, "title"),
    ({"title": "t", "code": "X1", "coupon_type": "fixed", "value": "5"}, 400, "segment"),
    ({"title": "t", "code": "X1", "segment": "vip", "coupon_type": "fixed", "value": "5"}, 400, "segment"),
    ({"title": "t", "code": "X1", "tier": "platinum", "coupon_type": "fixed", "value": "5"}, 400, "tier"),
    ({"title": "t", "code": "X1", "segment": "loyal", "coupon_type": "fixed"}, 400, "value"),
    ({"title": "t", "code": "x y", "segment": "loyal", "coupon_type": "fixed", "value": "5"}, 400, "code"),
    ({"title": "t", "code": "X1", "segment": "loyal", "colour": "red"}, 400, "colour"),
])
def test_a_bad_offer_names_the_field_and_writes_nothing(app, api, shop, body, status, field):
    client, headers = agent(app)
    response = client.post("/api/v1/offers", json=body, headers=headers)
    assert response.status_code == status and response.get_json()["error"]["field"] == field
    assert api.get("/api/v1/offers").get_json()["offers"] == []
    assert api.get("/api/v1/promotions/X1").status_code == 404


def test_an_offer_may_not_reuse_a_code_of_another_kind_or_restate_an_existing_coupon(app, api, shop):
    client, headers = agent(app)
    assert api.post("/api/v1/promotions", json={"code": "FLAT", "kind": "threshold", "every": "100",
                                                "off": "10"}).status_code == 201
    other_kind = client.post("/api/v1/offers", json={"title": "t", "code": "FLAT", "segment": "new"}, headers=headers)
    assert other_kind.status_code == 409 and other_kind.get_json()["error"]["code"] == "not_a_coupon"
    assert api.post("/api/v1/promotions", json={"code": "C5", "kind": "coupon", "coupon_type": "fixed",
                                                "value": "5"}).status_code == 201
    restated = client.post("/api/v1/offers", json={"title": "t", "code": "C5", "segment": "new", "value": "9"},
                           headers=headers)
    assert restated.status_code == 409 and restated.get_json()["error"]["field"] == "value"
    host, host_headers = agent(app, "host")
    assert host.post("/api/v1/offers", json={"title": "t", "code": "C5", "segment": "new"},
                     headers=host_headers).status_code == 403


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("auditor", 200), ("host", 200), ("aftersales", 200),
                                              ("moderator", 403), ("analyst", 403)])
def test_the_customer_pages_follow_their_roles(app, shop, role, status):
    client = login(app, role)
    for path in ("/customers", "/customers/B-1", "/offers", "/customers?segment=prospect"):
        assert client.get(path).status_code == status, path
    assert ('href="/customers"' in client.get("/").get_data(as_text=True)) is (status == 200)


def test_the_record_page_shows_tier_rfm_tags_and_the_buttons_of_the_role(app, shop):
    admin = login(app, "admin").get("/customers/B-1").get_data(as_text=True)
    assert 'id="tier-badge"' in admin and 'id="rfm-score"' in admin and 'id="erase-open"' in admin
    assert 'id="export"' in admin and 'id="tags-form"' in admin and "138****5678" in admin
    host = login(app, "host").get("/customers/B-1").get_data(as_text=True)
    assert 'id="erase-open"' not in host and 'id="export"' not in host and 'id="tags-form"' not in host
    auditor = login(app, "auditor").get("/customers/B-1").get_data(as_text=True)
    assert 'id="export"' in auditor and 'id="erase-open"' not in auditor
    listing = login(app, "host").get("/customers?tier=silver").get_data(as_text=True)
    assert "B-1" in listing and "李四" not in listing
    assert login(app, "host").get("/customers?segment=vip").status_code == 400
    assert login(app, "host").get("/customers/" + "x" * 65).status_code == 404


def test_hostile_tags_and_titles_are_text(app, api, shop):
    client, headers = agent(app)
    client.post("/api/v1/customers/B-1/tags", json={"tags": ["<img src=x>"]}, headers=headers)
    client.post("/api/v1/offers", json={"title": "<script>x</script>", "code": "H1", "tier": "silver",
                                        "coupon_type": "fixed", "value": "1"}, headers=headers)
    page = client.get("/customers/B-1").get_data(as_text=True) + client.get("/offers").get_data(as_text=True)
    assert "<img src=x" not in page and "<script>x</script>" not in page
    assert "&lt;img src=x&gt;" in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_record_shows_complaints_and_follow_ups_of_customer_care(app, api, shop):
    client, headers = agent(app)
    complaint = client.post("/api/v1/complaints", json={"text": "茶叶受潮了", "channel": "back_office",
                                                       "category": "product_quality", "order_id": "S-1"},
                            headers=headers)
    assert complaint.status_code == 201, complaint.get_json()
    task = client.post("/api/v1/followups", json={"buyer_id": "B-1", "note": "回访确认换货"}, headers=headers)
    assert task.status_code == 201, task.get_json()
    body = api.get("/api/v1/customers/B-1").get_json()
    assert body["complaint_count"] == 1 and [c["order_id"] for c in body["complaints"]] == ["S-1"]
    assert [t["note"] for t in body["followups"]] == ["回访确认换货"] and body["surveys"] == []
    page = client.get("/customers/B-1").get_data(as_text=True)
    assert complaint.get_json()["complaint_id"] in page and "回访确认换货" in page and 'id="customer-followups"' in page
