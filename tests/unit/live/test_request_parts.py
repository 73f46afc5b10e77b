"""A large events request is cut into consecutive parts of bounded weight (live.ingest.merged.request_parts)."""
from __future__ import annotations

from live.ingest.merged import event_weight, request_parts


def _order(lines: int) -> dict:
    return {"type": "order", "items": [{"sku": "A", "qty": 1}] * lines}


def test_parts_keep_the_order_and_every_event_and_stay_within_the_weight():
    events = [_order(100) for _ in range(12)] + [{"type": "chat"} for _ in range(700)] + [_order(3)]
    parts = request_parts(events, max_weight=500)
    assert [event for part in parts for event in part] == events
    assert all(sum(event_weight(event) for event in part) <= 500 for part in parts)
    assert [len(part) for part in parts][:3] == [5, 5, 2 + 300]


def test_a_small_request_is_one_part_and_an_event_heavier_than_a_part_is_alone():
    assert request_parts([{"type": "chat"}] * 100) == [[{"type": "chat"}] * 100]
    assert request_parts([_order(600), {"type": "chat"}], max_weight=500) == [[_order(600)], [{"type": "chat"}]]
    assert event_weight("not an event") == 1 and event_weight({"type": "order", "items": []}) == 1
