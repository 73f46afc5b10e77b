"""Stored promotion counters under concurrent orders, on SQLite and PostgreSQL: no use taken twice, no cap passed.

Split from test_promotions_store.py (its fixtures and helpers are shared from there).
"""
from __future__ import annotations

import threading

import pytest

from app.extensions import db
from orders.audit.pricing.model import CounterUse
from orders.promotions import service
from tests.integration.test_promotions_store import coupon, counters, ctx, flash, make_orders, open_uses  # noqa: F401


def race(app, order_pks: list[int], uses: list[CounterUse], buyer=lambda i: f"buyer-{i}") -> list[bool]:
    """Return what consume() answered to each of len(order_pks) threads started together, each committing."""
    # On SQLite every transaction, even a read, holds the write lock (BEGIN IMMEDIATE): end the caller's.
    db.session.rollback()
    barrier = threading.Barrier(len(order_pks))
    results: list[bool | BaseException | None] = [None] * len(order_pks)

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[i] = service.consume(db.session, uses, buyer(i), order_pks[i])
                db.session.commit()
            except BaseException as error:  # reported below, not lost in the thread
                db.session.rollback()
                results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(order_pks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [r for r in results if not isinstance(r, bool)]
    assert not errors, errors[:3]
    return results  # type: ignore[return-value]


@pytest.mark.slow
def test_50_simultaneous_uses_of_a_coupon_with_one_use_left_apply_exactly_once(any_app, ctx):
    coupon(uses_left=1)
    pks = make_orders(50)
    assert race(any_app, pks, [CounterUse("SAVE20", "coupon_uses", 1)]).count(True) == 1
    assert counters("SAVE20") == (None, 0) and open_uses() == 1


@pytest.mark.slow
def test_50_simultaneous_flash_buyers_get_exactly_the_10_units_left(any_app, ctx):
    flash(remaining=10)
    pks = make_orders(50)
    assert race(any_app, pks, [CounterUse("FLASH", "flash_units", 1)]).count(True) == 10
    assert counters("FLASH") == (0, None) and open_uses() == 10


@pytest.mark.slow
def test_one_buyer_racing_20_orders_stays_within_a_per_buyer_cap(any_app, ctx):
    coupon(uses_left=None, per_buyer=2)
    pks = make_orders(20)
    assert race(any_app, pks, [CounterUse("SAVE20", "coupon_uses", 1)], buyer=lambda i: "ann").count(True) == 2
    assert service.buyer_usage(db.session, 1, "ann") == ({"SAVE20": 2}, {})
