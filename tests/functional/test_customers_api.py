"""Customer records and the PII access log (issue 11): GET /api/v1/customers/<buyer_id>, its page, the log."""
from __future__ import annotations

import pytest

from tests.support.api import order_event
from tests.support.auth import csrf_token, login


@pytest.fixture
def live(api):
    """Return a live broadcast selling A1 (¥99)."""
    api.product("A1", stock=100, price="99.00")
    return api.live_broadcast(title="Spring tea", skus=("A1",))


def place(api, broadcast_id: int, order_id: str, **buyer) -> None:
    """Post one order of buyer B-7 (fields overridden by buyer)."""
    event = order_event("A1", 1, order_id=order_id)
    event["buyer"].update({"id": "B-7", "name": "张三", "phone": "13812345678"} | buyer)
    assert api.events(broadcast_id, [event]).status_code == 200


@pytest.fixture
def buyer(api, live):
    """Buyer B-7 with two orders in two broadcasts, one of them paid, the newest at tier gold."""
    place(api, live, "C-1")
    other = api.live_broadcast(title="Autumn tea", skus=("A1",))
    event = order_event("A1", 2, order_id="C-2")
    event["buyer"].update({"id": "B-7", "name": "张三", "phone": "13812345678", "member_tier": "gold"})
    assert api.events(other, [event]).status_code == 200
    payment = {"id": "pay-C-2", "type": "payment", "ts": event["ts"], "order_id": "C-2", "payment_id": "P-2",
               "status": "paid", "amount": "198.00"}
    assert api.events(other, [payment]).get_json()["results"][0]["status"] == "accepted"
    return "B-7"


def test_a_customer_has_totals_over_every_broadcast_tier_and_notices(api, buyer):
    body = api.get(f"/api/v1/customers/{buyer}").get_json()
    assert body["totals"]["orders"] == 2 and body["totals"]["broadcasts"] == 2
    assert body["totals"]["paid_orders"] == 1 and body["totals"]["paid_gmv"] == "198.00"
    assert body["totals"]["units"] == 3 and body["totals"]["refund_due_orders"] == 0
    assert body["member_tier"] == "gold" and body["name"] == "张三"
    assert [o["order_id"] for o in body["orders"]] == ["C-2", "C-1"]
    assert body["notices_total"] >= 1 and {n["order_id"] for n in body["notices"]} <= {"C-1", "C-2"}
    assert body["blocklisted"] is False and body["blocklist"] == []


def test_a_customer_contact_is_masked_for_every_role(app, api, users, buyer):
    for client in (login(app, "auditor"), login(app, "admin"), login(app, "host")):
        body = client.get(f"/api/v1/customers/{buyer}").get_json()
        assert body["contact"]["phone"] == "138****5678" and body["contact"]["address"]["detail"] == "****"
        assert body["orders"][0]["buyer"]["phone"] == "138****5678"


def test_a_blocklisted_phone_flags_the_customer(app, api, users, buyer):
    client = login(app, "auditor")
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    assert client.post("/api/v1/blocklist", json={"kind": "phone", "value": "+86 138 1234 5678", "reason": "fraud"},
                       headers=headers).status_code == 201
    body = api.get(f"/api/v1/customers/{buyer}").get_json()
    assert body["blocklisted"] is True and body["blocklist"] == ["phone"]
    page = client.get(f"/customers/{buyer}").get_data(as_text=True)
    assert 'id="blocklisted"' in page


@pytest.mark.parametrize(("role", "status"), [("auditor", 200), ("admin", 200), ("host", 200),
                                              ("moderator", 403), ("analyst", 403)])
def test_the_customer_page_and_api_follow_the_look_up_roles(app, users, buyer, role, status):
    client = login(app, role)
    assert client.get(f"/customers/{buyer}").status_code == status
    assert client.get(f"/api/v1/customers/{buyer}").status_code == status


def test_the_customer_page_shows_orders_totals_and_masked_contact(app, users, buyer):
    page = login(app, "auditor").get(f"/customers/{buyer}").get_data(as_text=True)
    assert "C-1" in page and "C-2" in page and "¥198.00" in page and "gold" in page
    assert "138****5678" in page and "13812345678" not in page


def test_an_unknown_buyer_is_a_404_and_a_long_id_a_400(app, api, users):
    assert api.get("/api/v1/customers/NOBODY").status_code == 404
    response = api.get("/api/v1/customers/" + "x" * 65)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "buyer_id"
    assert login(app, "auditor").get("/customers/NOBODY").status_code == 404


def test_admins_read_who_saw_which_contact_in_the_api_and_on_the_page(app, api, users, buyer):
    auditor = login(app, "auditor")
    headers = {"X-CSRFToken": csrf_token(auditor, "/")}
    assert auditor.post("/api/v1/orders/C-1/contact", json={}, headers=headers).status_code == 200
    admin = login(app, "admin")
    body = admin.get("/api/v1/pii-access-log?buyer_id=B-7").get_json()
    assert body["total"] == 1 and body["page"] == 1
    entry = body["entries"][0]
    assert (entry["username"], entry["buyer_id"], entry["subject"], entry["channel"]) == (
        "auditor", "B-7", "order:C-1", "contact")
    assert admin.get(f"/api/v1/pii-access-log?user_id={entry['user_id']}&from=2000-01-01").get_json()["total"] == 1
    assert admin.get("/api/v1/pii-access-log?to=2001-01-01").get_json()["total"] == 0
    page = admin.get("/admin/pii-access-log").get_data(as_text=True)
    assert "order:C-1" in page and "B-7" in page
    bad = admin.get("/api/v1/pii-access-log?from=soon")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "from"


@pytest.mark.parametrize("role", ["auditor", "host", "moderator", "analyst"])
def test_only_admins_read_the_pii_access_log(app, api, users, role):
    client = login(app, role)
    assert client.get("/api/v1/pii-access-log").status_code == 403
    assert client.get("/admin/pii-access-log").status_code == 403
    assert api.get("/api/v1/pii-access-log").status_code == 403


def test_the_search_box_is_in_the_top_bar_of_roles_that_may_look_up(app, users):
    for role, shown in (("auditor", True), ("admin", True), ("host", True), ("moderator", False), ("analyst", False)):
        page = login(app, role).get("/").get_data(as_text=True)
        assert ('class="topbar-search"' in page) is shown, role
    assert 'href="/admin/pii-access-log"' in login(app, "admin").get("/").get_data(as_text=True)
