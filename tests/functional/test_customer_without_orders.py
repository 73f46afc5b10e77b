"""A buyer LiveDesk knows without an order (issue 15, probe 2 D-j): a complaint, or another care record, makes a
customer record with no orders, zero totals and the care records; a buyer id known to nothing stays a 404. Before,
a complaint of a buyer without orders was accepted but `GET /api/v1/customers/<id>` answered 404 "no order"."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.support.auth import csrf_token, login


@pytest.fixture
def agent(app, users):
    """Return (after-sales agent's client, headers for its API calls)."""
    client = login(app, "aftersales")
    return client, {"X-CSRFToken": csrf_token(client, "/settings")}


def complain(agent, buyer_id: str, **body) -> dict:
    """Register a back-office complaint of buyer_id (no order); return it."""
    client, headers = agent
    response = client.post("/api/v1/complaints", json={"buyer_id": buyer_id, "category": "logistics",
                                                       "text": "问了三次没人回", "channel": "back_office", **body},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_buyer_known_only_by_a_complaint_has_a_record_with_no_orders_and_the_complaint(api, agent):
    complaint = complain(agent, "never-seen")
    response = api.get("/api/v1/customers/never-seen")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["buyer_id"] == "never-seen" and body["orders"] == [] and body["order_count"] == 0
    assert body["paid_gmv"] == "0.00" and body["refunded"] == "0.00" and body["totals"]["orders"] == 0
    assert [c["complaint_id"] for c in body["complaints"]] == [complaint["complaint_id"]]
    assert body["complaint_count"] == 1 and body["notices"] == [] and body["notices_total"] == 0
    assert body["platform"] is None and body["platforms"] == [] and body["name"] is None
    assert body["contact"] == {"phone": None, "address": None, "order_id": None}
    assert body["rfm"]["recency_days"] is None and body["tier"] is None and body["tags"] == []


def test_a_buyer_id_livedesk_knows_nothing_about_is_still_a_404(app, api, agent):
    complain(agent, "never-seen")
    for path in ("/api/v1/customers/NOBODY", "/api/v1/customers/never-seen?platform=douyin"):
        response = api.get(path)
        assert response.status_code == 404 and response.get_json()["error"]["field"] == "buyer_id", path
    assert login(app, "auditor").get("/customers/NOBODY").status_code == 404


def test_a_follow_up_for_a_buyer_known_by_a_complaint_is_on_their_record(api, agent):
    client, headers = agent
    complain(agent, "called-us")
    task = client.post("/api/v1/followups", json={"buyer_id": "called-us", "note": "回电确认地址"}, headers=headers)
    assert task.status_code == 201, task.get_json()
    body = api.get("/api/v1/customers/called-us").get_json()
    assert [t["note"] for t in body["followups"]] == ["回电确认地址"] and body["orders"] == []


def test_the_page_of_a_buyer_known_only_by_a_complaint_lists_it_and_offers_no_per_platform_change(app, agent):
    complaint = complain(agent, "never-seen")
    for role in ("admin", "auditor", "host", "aftersales"):
        page = login(app, role).get("/customers/never-seen")
        assert page.status_code == 200, role
        html = page.get_data(as_text=True)
        assert complaint["complaint_id"] in html and 'id="no-orders"' in html and 'id="customer-orders"' not in html
        assert 'data-platform=""' in html and ">None<" not in html
        # Tags, export, erasure and recalculation are kept per platform: none is offered for a buyer on none.
        for control in ('id="tags-form"', 'id="export"', 'id="erase-open"', 'id="recalculate"'):
            assert control not in html, (role, control)


def test_a_change_kept_per_platform_is_a_409_for_a_buyer_known_on_no_platform(agent):
    complain(agent, "never-seen")
    client, headers = agent
    tags = client.post("/api/v1/customers/never-seen/tags", json={"tags": ["VIP"]}, headers=headers)
    assert tags.status_code == 409 and tags.get_json()["error"]["code"] == "no_platform"
    recalc = client.post("/api/v1/customers/recalculate", json={"buyer_id": "never-seen"}, headers=headers)
    assert recalc.status_code == 409
    assert client.post("/api/v1/customers/NOBODY/tags", json={"tags": ["VIP"]}, headers=headers).status_code == 404


def test_a_platform_complaint_gives_a_buyer_without_orders_the_platform_of_its_broadcast(api, agent):
    broadcast_id = api.live_broadcast()
    event = {"id": "c-1", "type": "complaint", "ts": datetime.now(timezone.utc).isoformat(), "complaint_id": "DY-C-1",
             "buyer_id": "dy-fan", "category": "logistics", "text": "还没发货"}
    assert api.events(broadcast_id, [event]).get_json()["results"][0]["status"] == "accepted"
    body = api.get("/api/v1/customers/dy-fan").get_json()
    assert body["platform"] == "douyin" and body["platforms"] == ["douyin"] and body["orders"] == []
    assert [(c["platform_complaint_id"], c["channel"]) for c in body["complaints"]] == [("DY-C-1", "platform")]
    client, headers = agent
    tags = client.post("/api/v1/customers/dy-fan/tags", json={"tags": ["催发货"]}, headers=headers)
    assert tags.status_code == 200 and tags.get_json()["platform"] == "douyin"
    assert api.get("/api/v1/customers/dy-fan").get_json()["tags"] == ["催发货"]
    assert api.get("/api/v1/customers/dy-fan?platform=kuaishou").status_code == 404


def test_an_admin_erases_what_a_buyer_without_orders_known_on_a_platform_wrote(app, api, users):
    broadcast_id = api.live_broadcast()
    event = {"id": "c-2", "type": "complaint", "ts": datetime.now(timezone.utc).isoformat(), "complaint_id": "DY-C-2",
             "buyer_id": "dy-fan", "category": "logistics", "text": "打我电话 138 0013 8000"}
    assert api.events(broadcast_id, [event]).get_json()["results"][0]["status"] == "accepted"
    admin = login(app, "admin")
    erased = admin.post("/api/v1/customers/dy-fan/erase", json={"confirm": "dy-fan"},
                        headers={"X-CSRFToken": csrf_token(admin, "/settings")})
    assert erased.status_code == 200, erased.get_json()
    assert erased.get_json()["erased"]["orders"] == 0
    body = api.get("/api/v1/customers/dy-fan").get_json()
    assert body["erased_at"] is not None and "138" not in body["complaints"][0]["text"]
