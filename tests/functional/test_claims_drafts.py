"""Comment selling (issue 13): a chat claim by link number becomes a draft order that reserves stock, the platform's
order completes it (one order, one reservation), and unresolved claims say why."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.test_chat_ingestion import Moderator, chat, post_chat
from tests.support import databases
from tests.support.api import ApiClient, order_event

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


@pytest.fixture
def sale(any_app):
    """Return (api client, broadcast id): link 1 is TEE (sizes M and L, 3 each), link 2 is MUG (5 units)."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("TEE", price="59.00", variants=[{"sku": "TEE-M", "name": "M", "stock": 3},
                                                {"sku": "TEE-L", "name": "L", "stock": 3}])
    api.product("MUG", stock=5, price="20.00")
    return api, api.live_broadcast(skus=("TEE", "MUG"))


def claims(api, broadcast_id, status=None):
    query = f"?status={status}" if status else ""
    response = api.get(f"/api/v1/broadcasts/{broadcast_id}/claims{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def stock(api, sku):
    """Return {available, reserved, sold} of a SKU (a product or one of its variants)."""
    product = api.get(f"/api/v1/products/{sku.split('-')[0]}").get_json()
    rows = [product] + product["variants"]
    [row] = [row for row in rows if row["sku"] == sku]
    return {"available": row["stock"], "reserved": row["reserved"], "sold": row["sold"]}


def test_a_claim_by_link_number_becomes_a_draft_that_reserves_its_units(sale):
    api, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2件 2号", T0))
    assert result["claim"]["status"] == "claimed"
    body = claims(api, broadcast_id)
    assert body["total"] == 1
    [claim] = body["claims"]
    assert {k: claim[k] for k in ("comment_id", "viewer_id", "text", "product_sku", "variant_sku", "qty", "status")} == {
        "comment_id": "c-1", "viewer_id": "v1", "text": "拍了 2件 2号", "product_sku": "MUG", "variant_sku": None,
        "qty": 2, "status": "claimed"}
    order = api.get(f"/api/v1/orders/{claim['order_id']}").get_json()
    assert order["status"] == "claimed" and order["source"] == "in_stream"
    assert order["buyer"]["id"] == "v1" and order["comment_id"] == "c-1"
    assert order["claim"] == {"comment_id": "c-1", "text": "拍了 2件 2号"}
    assert [n["kind"] for n in order["notices"]] == ["claimed"]
    assert {f["field"] for f in order["findings"]} >= {"buyer.phone", "buyer.name"}
    assert stock(api, "MUG")["reserved"] == 2


def test_sizes_pick_the_variant_and_the_quantity_defaults_to_one(sale):
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "1号链接 拍了 L", T0))
    [claim] = claims(api, broadcast_id)["claims"]
    assert (claim["product_sku"], claim["variant_sku"], claim["qty"]) == ("TEE", "TEE-L", 1)
    assert stock(api, "TEE-L")["reserved"] == 1


@pytest.mark.parametrize("text, reason", [
    ("拍了 9号", "unknown_link"),
    ("拍了 1号", "variant_missing"),
    ("拍了 1号 XXL", "unknown_variant"),
    ("拍了 2号 50件", "qty_over_limit"),
    ("+1", "link_missing"),
])
def test_an_unresolvable_claim_stays_visible_with_its_reason_and_reserves_nothing(sale, text, reason):
    api, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", text, T0))
    assert result["claim"] == {"status": "unresolved", "reason": reason}
    [claim] = claims(api, broadcast_id, "unresolved")["claims"]
    assert claim["reason"] == reason and "order_id" not in claim
    assert stock(api, "MUG")["reserved"] == 0


def test_the_platform_order_with_the_comment_id_completes_the_draft(sale):
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2件 2号", T0))
    response = api.events(broadcast_id, [order_event("MUG", 2, order_id="DY-1", comment_id="c-1",
                                                     unit_price="20.00")])
    assert response.get_json()["results"][0]["status"] == "accepted"
    order = api.get("/api/v1/orders/DY-1").get_json()
    assert order["status"] == "accepted", order["findings"]
    assert order["claim"] == {"comment_id": "c-1", "text": "拍了 2件 2号"}
    assert [n["kind"] for n in order["notices"]] == ["claimed", "received"]
    assert stock(api, "MUG") == {"available": 3, "reserved": 2, "sold": 0}
    [claim] = claims(api, broadcast_id)["claims"]
    assert claim["status"] == "ordered" and claim["order_id"] == "DY-1"
    assert api.get("/api/v1/orders?broadcast_id=%d" % broadcast_id).get_json()["total"] == 1
    api.events(broadcast_id, [{"id": "pay-1", "type": "payment", "ts": T0.isoformat(), "order_id": "DY-1",
                               "status": "paid", "amount": "40.00"}])
    assert claims(api, broadcast_id)["claims"][0]["status"] == "paid"


def test_the_same_buyer_and_items_complete_the_draft_without_a_comment_id(sale):
    api, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2号", T0))
    event = order_event("MUG", 1, order_id="DY-2", unit_price="20.00")
    event["buyer"]["id"] = "v1"
    api.events(broadcast_id, [event])
    assert claims(api, broadcast_id)["claims"][0]["order_id"] == "DY-2"
    assert stock(api, "MUG")["reserved"] == 1


def test_delivered_twice_or_order_before_comment_it_converges_to_one_order_and_one_reservation(sale):
    api, broadcast_id = sale
    order = order_event("MUG", 2, order_id="DY-3", comment_id="c-9", unit_price="20.00")
    api.events(broadcast_id, [order])
    assert api.get("/api/v1/orders/DY-3").get_json()["status"] == "held"  # its comment was not seen yet
    comment = chat("c-9", "v9", "拍了 2件 2号", T0)
    post_chat(api, broadcast_id, comment)
    post_chat(api, broadcast_id, comment)
    api.events(broadcast_id, [dict(order, id="evt-again")])
    stored = api.get("/api/v1/orders/DY-3").get_json()
    assert stored["status"] == "accepted", stored["findings"]
    assert api.get("/api/v1/orders?broadcast_id=%d" % broadcast_id).get_json()["total"] == 1
    assert stock(api, "MUG")["reserved"] == 2
    [claim] = claims(api, broadcast_id)["claims"]
    assert (claim["status"], claim["order_id"]) == ("ordered", "DY-3")


def test_claims_mode_off_only_tags_the_claim(sale, any_app):
    api, broadcast_id = sale
    response = Moderator(any_app, "host").put(f"/api/v1/broadcasts/{broadcast_id}/claim-policy", {"mode": "off"})
    assert response.status_code == 200 and response.get_json()["mode"] == "off"
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2号", T0))
    assert result["claim"] == {"status": "claimed"}
    assert stock(api, "MUG")["reserved"] == 0
    assert "order_id" not in claims(api, broadcast_id)["claims"][0]


def test_a_bad_claim_policy_names_its_field_and_a_token_cannot_change_it(sale, any_app):
    api, broadcast_id = sale
    assert api.put(f"/api/v1/broadcasts/{broadcast_id}/claim-policy", json={"mode": "off"}).status_code == 403
    response = Moderator(any_app, "host").put(f"/api/v1/broadcasts/{broadcast_id}/claim-policy", {"hold_minutes": 0})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "hold_minutes"


def test_an_unpaid_draft_expires_and_its_unit_goes_to_the_next_claim_in_line(any_app):
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("ONE", stock=1, price="10.00")
    broadcast_id = api.live_broadcast(skus=("ONE",))
    post_chat(api, broadcast_id, chat("c-2", "v2", "拍了 1号", T0 + timedelta(seconds=1)),
              chat("c-1", "v1", "拍了 1号", T0))  # the earlier comment arrives second and still comes first
    first, second = claims(api, broadcast_id)["claims"]
    assert first["comment_id"] == "c-1"
    assert api.get(f"/api/v1/orders/{first['order_id']}").get_json()["reserved_until"] is not None
    assert api.get(f"/api/v1/orders/{second['order_id']}").get_json()["waitlisted_at"] is not None
    with any_app.app_context():
        from app.extensions import db
        from orders.expiry import sweep

        assert sweep(db.session, datetime.now(UTC) + timedelta(minutes=11)) == 1
        db.session.remove()
    first, second = claims(api, broadcast_id)["claims"]
    assert (first["status"], second["status"]) == ("expired", "claimed")
    promoted = api.get(f"/api/v1/orders/{second['order_id']}").get_json()
    assert promoted["reserved_until"] is not None and promoted["waitlisted_at"] is None
    # reserved (c-2 came first), taken back by the earlier c-1, then reserved again
    assert [n["kind"] for n in promoted["notices"]] == ["claimed", "claim_bumped", "claimed"]
    assert stock(api, "ONE") == {"available": 0, "reserved": 1, "sold": 0}
