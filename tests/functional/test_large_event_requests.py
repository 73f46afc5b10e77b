"""A request heavier than one part (500 order lines) is taken in as consecutive transactions, answered as one."""
from __future__ import annotations

from app.db.group_commit import group_commit
from tests.support.api import order_event


def test_a_request_of_many_lines_is_committed_in_parts_and_answered_in_request_order(app, api):
    api.product("A1", stock=10_000)
    broadcast_id = api.live_broadcast(skus=("A1",))
    events = [order_event("A1", 1, order_id=f"BIG-{n}", event_id=f"big-{n}") for n in range(620)]
    events.append(dict(events[3]))  # the same event id again, in the last part: a duplicate, as in one transaction
    before = group_commit(app).stats.groups
    results = api.events(broadcast_id, events).get_json()["results"]
    assert [result["id"] for result in results] == [event["id"] for event in events]
    assert [result["status"] for result in results] == ["accepted"] * 620 + ["duplicate"]
    assert group_commit(app).stats.groups - before == 2
    assert api.get(f"/api/v1/orders?broadcast_id={broadcast_id}&per_page=1").get_json()["total"] == 620
