"""A shoe claimed by its numeric size (session 12's probe: every shoe claim of the demo stayed unresolved): the
claim drafts that size, and the platform's order for it completes the draft without a claim_mismatch hold."""
from __future__ import annotations

from tests.functional.test_chat_ingestion import chat, post_chat
from tests.functional.test_claims_drafts import T0, claims, stock
from tests.support import databases
from tests.support.api import ApiClient, order_event


def test_sold_a_link_a_size_and_a_quantity_drafts_that_size_and_the_order_completes_it(any_app):
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("SHOE", price="459.00", variants=[{"sku": f"SHOE-{size}", "name": size, "stock": 3}
                                                  for size in ("38", "39", "40")])
    broadcast_id = api.live_broadcast(skus=("SHOE",))  # link 1

    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "SOLD A1 39 1", T0))

    assert result["claim"]["status"] == "claimed"
    [claim] = claims(api, broadcast_id)["claims"]
    assert (claim["variant_sku"], claim["qty"]) == ("SHOE-39", 1)
    assert stock(api, "SHOE-39")["reserved"] == 1
    placed = api.events(broadcast_id, [order_event("SHOE-39", 1, order_id="DY-1", comment_id="c-1",
                                                   unit_price="459.00")])
    assert placed.get_json()["results"][0]["status"] == "accepted"
    order = api.get("/api/v1/orders/DY-1").get_json()
    assert "claim_mismatch" not in [finding["code"] for finding in order["findings"]]
    assert stock(api, "SHOE-39") == {"available": 2, "reserved": 1, "sold": 0}
