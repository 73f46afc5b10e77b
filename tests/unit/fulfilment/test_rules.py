"""Pure fulfilment rules: checkpoints fold to one status whatever order they arrive in; orders follow shipments."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders.fulfilment.rules import (CHECKPOINT_TO_SHIPMENT, Checkpoint, dedupe_key, order_status, plan_shipment,
                                     preferred_status, shipment_state)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_a_parcel_moves_through_its_journey_to_delivered():
    state = shipment_state([Checkpoint(at(0), "picked_up", "揽收"), Checkpoint(at(5), "in_transit", "在途"),
                            Checkpoint(at(20), "out_for_delivery", "派件"), Checkpoint(at(22), "delivered", "签收")])
    assert (state.status, state.delivered_at, state.last_checkpoint_at) == ("delivered", at(22), at(22))


def test_no_checkpoint_leaves_a_shipment_shipped():
    assert shipment_state([]).status == "shipped"


def test_a_scan_after_delivery_does_not_move_it_back_but_a_return_does():
    delivered = [Checkpoint(at(1), "delivered", "签收"), Checkpoint(at(2), "in_transit", "stray scan")]
    assert shipment_state(delivered).status == "delivered"
    returned = delivered + [Checkpoint(at(3), "returned", "拒收退回")]
    assert shipment_state(returned) .status == "returned_to_sender" and shipment_state(returned).delivered_at is None


def test_an_exception_is_overcome_by_a_later_delivery_and_lost_by_a_later_scan():
    assert shipment_state([Checkpoint(at(1), "exception", "x"), Checkpoint(at(2), "delivered", "y")]).status == "delivered"
    assert shipment_state([Checkpoint(at(1), "lost", "x"), Checkpoint(at(2), "in_transit", "found")]).status == "in_transit"
    assert shipment_state([Checkpoint(at(2), "exception", "x"), Checkpoint(at(1), "in_transit", "y")]).status == \
        "delivery_failed"


def test_scans_at_the_same_instant_count_in_journey_order():
    same = [Checkpoint(at(1), "delivered", "签收"), Checkpoint(at(1), "out_for_delivery", "派件")]
    assert shipment_state(same).status == "delivered"


checkpoints = st.lists(st.builds(Checkpoint, st.integers(0, 30).map(at), st.sampled_from(sorted(CHECKPOINT_TO_SHIPMENT)),
                                 st.sampled_from(["a", "b", "c", None])), max_size=12)


def store(stored: dict[str, Checkpoint], arriving: list[Checkpoint]) -> dict[str, Checkpoint]:
    """Return what is stored after checkpoints arrive one by one, as orders/fulfilment/tracking.py stores them."""
    for checkpoint in arriving:
        kept = stored.get(checkpoint.key)
        if kept is None or preferred_status(kept.status, checkpoint.status) != kept.status:
            stored[checkpoint.key] = checkpoint
    return stored


@given(checkpoints, st.randoms(use_true_random=False))
@pytest.mark.slow
def test_any_arrival_order_and_any_duplicates_give_the_same_state(found, rng):
    arrived = found + found[: len(found) // 2]  # redelivered callbacks
    rng.shuffle(arrived)
    assert shipment_state(store({}, arrived).values()) == shipment_state(store({}, found).values())


@given(checkpoints, st.integers(0, 12), st.randoms(use_true_random=False))
def test_checkpoints_arriving_in_two_batches_converge_like_one(found, split, rng):
    """Storing after each of two batches ends where storing everything at once, in any order, ends."""
    shuffled = list(found)
    rng.shuffle(shuffled)
    in_batches = store(store({}, found[:split]), found[split:])
    assert shipment_state(in_batches.values()) == shipment_state(store({}, shuffled).values())


def test_the_dedupe_key_is_time_and_words_not_the_label_a_provider_gave():
    assert dedupe_key(at(1), "in_transit", "派件  中") == dedupe_key(at(1), "out_for_delivery", "派件 中")
    assert dedupe_key(at(1), "in_transit", None) != dedupe_key(at(1), "delivered", None)
    assert dedupe_key(at(1), "in_transit", "x") == dedupe_key(at(1).astimezone(timezone(timedelta(hours=8))), "x", "x")


def test_an_order_follows_its_shipments():
    ordered = {"TEE": 2, "CAP": 1}
    assert order_status("paid", ordered, {}, []) == "paid"
    assert order_status("packing", ordered, {"TEE": 2}, ["in_transit"]) == "partially_shipped"
    assert order_status("partially_shipped", ordered, {"TEE": 2, "CAP": 1}, ["delivered", "shipped"]) == "shipped"
    assert order_status("shipped", ordered, {"TEE": 2, "CAP": 1}, ["delivered", "delivered"]) == "delivered"
    assert order_status("shipped", ordered, {"TEE": 2, "CAP": 1}, ["delivery_failed", "lost"]) == "lost"
    assert order_status("cancelled", ordered, {"TEE": 2, "CAP": 1}, ["delivered"]) == "cancelled"


def test_a_shipment_never_carries_more_than_is_left():
    ordered, shipped = {"TEE": 3, "CAP": 1}, {"TEE": 2}
    assert plan_shipment(ordered, shipped, None) == ({"TEE": 1, "CAP": 1}, [])
    plan, problems = plan_shipment(ordered, shipped, [("TEE", 1), ("TEE", 1), ("HAT", 1)])
    assert plan == {"TEE": 1}
    assert [(p.code, p.field) for p in problems] == [("qty_exceeds_remaining", "lines[1].qty"),
                                                     ("unknown_sku", "lines[2].sku")]
    assert plan_shipment(ordered, {"TEE": 3, "CAP": 1}, None)[1][0].code == "nothing_to_ship"
