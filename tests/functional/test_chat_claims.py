"""Purchase claims in chat, as a flash sale makes them: a claimed variant matches its order, a wave of the
same claim is no raid and nothing hides a claim, capitals in SKUs and sizes are no shouting (issue 10, 7-9)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.test_chat_ingestion import Moderator, chat, post_chat
from tests.support import databases
from tests.support.api import ApiClient, order_event

# Platform times must be near the present (issue 10, item 14).
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


@pytest.fixture
def sale(any_app):
    """Return (api client, moderator, broadcast id) of a live broadcast selling A12 in sizes M and L."""
    databases.create_users(any_app)
    api = ApiClient(any_app.test_client(), databases.create_token(any_app, "adapter"))
    api.product("A12", variants=[{"sku": "A12-M", "name": "M", "stock": 50},
                                 {"sku": "A12-L", "name": "L", "stock": 50}])
    return api, Moderator(any_app), api.live_broadcast(skus=("A12",))


def test_a_claimed_size_matches_the_order_for_that_variant(sale):
    api, _, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "SOLD A12 M 2", T0))
    response = api.events(broadcast_id, [order_event("A12-M", 2, order_id="O-1", comment_id="c-1")])
    assert response.status_code == 200, response.get_json()
    order = api.get("/api/v1/orders/O-1").get_json()
    assert order["status"] == "accepted", order["findings"]
    # The claim made a draft order that told the buyer first; the platform's order completed it (issue 13).
    assert [n["kind"] for n in order["notices"]] == ["claimed", "received"]


def test_an_order_for_another_size_than_claimed_is_still_held(sale):
    api, _, broadcast_id = sale
    post_chat(api, broadcast_id, chat("c-1", "v1", "SOLD A12 M 2", T0))
    api.events(broadcast_id, [order_event("A12-L", 2, order_id="O-1", comment_id="c-1")])
    order = api.get("/api/v1/orders/O-1").get_json()
    assert order["status"] == "held"
    assert [f["code"] for f in order["findings"]] == ["claim_mismatch"]


def test_a_flash_sale_wave_of_the_same_claim_is_neither_a_raid_nor_hidden(sale):
    api, mod, broadcast_id = sale
    events = [chat(f"c-{n}", f"v{n}", "SOLD A12 M 1", T0 + timedelta(seconds=2 * n)) for n in range(10)]
    results = post_chat(api, broadcast_id, *events)
    assert [r["action"] for r in results] == ["allow"] * 10
    messages = mod.messages(broadcast_id)
    assert [m["status"] for m in messages] == ["visible"] * 10
    assert not any(r["code"] == "spam_raid" for m in messages for r in m["reasons"])


def test_a_raid_never_hides_a_message_that_carries_a_claim(sale):
    api, mod, broadcast_id = sale
    # "S O L D A12 M 1" squashes to the same key as "SOLD A12 M 1" but is no claim: a raid of it must not
    # take the one real claim with it.
    events = [chat("c-0", "v0", "SOLD A12 M 1", T0)]
    events += [chat(f"c-{n}", f"v{n}", "S O L D A12 M 1", T0 + timedelta(seconds=n)) for n in range(1, 10)]
    post_chat(api, broadcast_id, *events)
    claim = next(m for m in mod.messages(broadcast_id) if m["id"] == "c-0")
    assert claim["claim"] is not None
    assert claim["status"] == "visible"


def test_a_claim_with_an_upper_case_sku_is_not_held_as_shouting(sale):
    api, mod, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "SOLD SCARF-01-GRY 1", T0))
    assert result["action"] == "allow"
    [message] = mod.messages(broadcast_id)
    assert message["reasons"] == []
