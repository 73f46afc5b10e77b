"""The periodic customer recalculation reads only the orders of buyers whose orders changed (or left the window)
since its last run, and leaves every customer row, tier change and cut point exactly as a full pass would at the
same moment (SQLite and PostgreSQL): random payments, refunds, new orders and buyers, and time passing, compared
round after round with a full pass run in a savepoint at the same moment.

The orders' times are set by hand: the test moves a simulated clock days and months ahead of the real one, and an
order changed "at" a moment of that clock says so in its updated_at, as the ORM would at that moment.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.customers.models import Customer, CustomerTierChange
from orders.customers.policy import load_cuts, recalculated_at, save_policy
from orders.customers.recalculate import recalculate, recalculate_changed
from orders.customers.tiers import DEFAULT_POLICY
from orders.models import Order
from tests.support.api import order_event

BUYERS = [f"B-{n:02d}" for n in range(40)]


class Shop:
    """Orders of random buyers on two platforms, changed at the moments of a simulated clock."""

    def __init__(self, app, api, seed: int):
        self.app, self.api, self.rng = app, api, random.Random(seed)
        api.product("A1", stock=100_000, price="99.00")
        self.broadcasts = [api.live_broadcast(title="Douyin", skus=("A1",))]
        created = api.post("/api/v1/broadcasts", json={"title": "Kuaishou", "platform": "kuaishou"}).get_json()
        assert api.post(f"/api/v1/broadcasts/{created['id']}/start", json={}).status_code == 200
        assert api.post(f"/api/v1/broadcasts/{created['id']}/products", json={"sku": "A1"}).status_code == 201
        self.broadcasts.append(created["id"])
        self.count = 0

    def place(self, how_many: int) -> list[str]:
        """Place orders of random buyers (some buy on both platforms); return their ids."""
        by_broadcast: dict[int, list[dict]] = {}
        ids = []
        for _ in range(how_many):
            self.count += 1
            order_id = f"R-{self.count}"
            event = order_event("A1", self.rng.randint(1, 3), order_id=order_id)
            event["buyer"]["id"] = self.rng.choice(BUYERS)
            by_broadcast.setdefault(self.rng.choice(self.broadcasts), []).append(event)
            ids.append(order_id)
        for broadcast_id, events in by_broadcast.items():
            results = self.api.events(broadcast_id, events).get_json()["results"]
            assert all(result["status"] == "accepted" for result in results), results[0]
        return ids

    def set(self, order_id: str, **values) -> None:
        """Change an order's columns in the database (values must say updated_at: the simulated moment)."""
        with self.app.app_context():
            db.session.execute(sa.update(Order).where(Order.order_id == order_id).values(**values))
            db.session.commit()

    def orders(self) -> list[tuple[str, Decimal, Decimal | None]]:
        """Return (order id, total, paid amount) of every order."""
        with self.app.app_context():
            return [tuple(row) for row in db.session.execute(
                sa.select(Order.order_id, Order.total, Order.paid_amount).order_by(Order.id))]

    def history(self, now: datetime) -> None:
        """Spread the orders over the past 420 days, most paid, some partly refunded, none changed lately."""
        for order_id, total, _paid in self.orders():
            placed = now - timedelta(days=self.rng.uniform(0, 420))
            paid = self.rng.random() < 0.8
            self.set(order_id, placed_at=placed, updated_at=placed + timedelta(hours=2),
                     paid_amount=total if paid else None, paid_at=placed + timedelta(hours=1) if paid else None,
                     refunded_amount=Decimal("30.00") if paid and self.rng.random() < 0.15 else Decimal("0"))

    def changes(self, start: datetime, end: datetime) -> None:
        """Make random changes at moments between start and end: payments, refunds, new orders (new buyers too)."""
        def moment() -> datetime:
            return start + (end - start) * self.rng.uniform(0.05, 0.95)

        orders = self.orders()
        for order_id, total, paid in self.rng.sample(orders, k=min(len(orders), self.rng.randint(0, 6))):
            at = moment()
            if paid is None:
                self.set(order_id, paid_amount=total, paid_at=at, updated_at=at)
            else:
                self.set(order_id, refunded_amount=min(total, Decimal("50.00")), updated_at=at)
        for order_id in self.place(self.rng.randint(0, 4)):
            at = moment()
            paid_amount = self.rng.choice([None, Decimal("99.00")])
            self.set(order_id, placed_at=at, updated_at=at, paid_amount=paid_amount,
                     paid_at=at if paid_amount else None)


def _order(row: tuple) -> tuple:
    """Return a sort key of a row whose columns may be None."""
    return tuple((value is None, str(value)) for value in row)


def snapshot() -> dict:
    """Return everything a recalculation writes: customer rows, tier changes, cut points and the run's time.

    Rows are told apart by platform and buyer, not by id: PostgreSQL does not give back ids a rolled-back
    savepoint used."""
    columns = [column for column in Customer.__table__.columns if column.name != "id"]
    customers = sorted((tuple(row) for row in db.session.execute(sa.select(*columns))), key=_order)
    change = CustomerTierChange.__table__
    changes = sorted((tuple(row) for row in db.session.execute(
        sa.select(Customer.platform, Customer.buyer_id,
                  *[column for column in change.columns if column.name not in ("id", "customer_id")])
        .join(Customer, Customer.id == change.c.customer_id))), key=_order)
    return {"customers": customers, "tier_changes": changes, "cuts": load_cuts(db.session).as_dict(),
            "recalculated_at": recalculated_at(db.session)}


def differences(got: dict, expected: dict) -> list:
    """Return what differs, for a readable failure: customer columns (platform and buyer, column, incremental,
    full), then the other items."""
    names = [name for name in Customer.__table__.columns.keys() if name != "id"]
    found = [(left[:2], name, a, b) for left, right in zip(got["customers"], expected["customers"])
             for name, a, b in zip(names, left, right) if a != b]
    if len(got["customers"]) != len(expected["customers"]):
        found.append(("rows", len(got["customers"]), len(expected["customers"])))
    return found + [(key, got[key], expected[key]) for key in ("tier_changes", "cuts", "recalculated_at")
                    if got[key] != expected[key]]


def compare_round(app, now: datetime) -> int:
    """Run a full pass at now in a savepoint, undo it, run the incremental one; assert both wrote the same.

    Return how many customers the incremental run read from their orders."""
    with app.app_context():
        savepoint = db.session.begin_nested()
        full = recalculate(db.session, now)
        expected = snapshot()
        savepoint.rollback()
        incremental = recalculate_changed(db.session, now)
        assert not incremental.full
        got = snapshot()
        assert differences(got, expected) == []
        assert got == expected
        db.session.commit()
        assert incremental.customers <= full.customers
        return incremental.customers


@pytest.mark.parametrize("seed", [7, 2026])
@pytest.mark.slow
def test_incremental_runs_leave_what_full_passes_would_round_after_round(any_app, any_api, seed, monkeypatch):
    # The simulated clock runs weeks ahead: no daily safety-net full pass, so every round is an incremental one.
    monkeypatch.setattr("orders.customers.recalculate.FULL_PASS_EVERY", timedelta(days=3650))
    shop = Shop(any_app, any_api, seed)
    shop.place(160)
    start = utcnow() + timedelta(hours=1)  # after every real updated_at: only the simulated changes are new
    shop.history(start)
    with any_app.app_context():
        assert recalculate_changed(db.session, start).full  # no run before: a full pass
        db.session.commit()
    now, read = start, []
    for step in (timedelta(minutes=10), timedelta(hours=3), timedelta(days=2), timedelta(minutes=10),
                 timedelta(days=9), timedelta(hours=7), timedelta(minutes=30)):
        shop.changes(now, now + step)
        now += step
        read.append(compare_round(any_app, now))
    with any_app.app_context():
        everyone = db.session.scalar(sa.select(sa.func.count(Customer.id)))
    assert min(read) < everyone // 2  # the runs read the changed buyers, not the whole base


def test_only_the_buyer_whose_order_changed_is_read_and_an_order_leaving_the_window_counts_as_a_change(
        any_app, any_api, monkeypatch):
    monkeypatch.setattr("orders.customers.recalculate.FULL_PASS_EVERY", timedelta(days=3650))
    shop = Shop(any_app, any_api, seed=1)
    one, two, three = shop.place(3)
    start = utcnow() + timedelta(hours=1)
    buyers = {}
    for order_id, days_ago, buyer in ((one, 10, "ONE"), (two, 100, "TWO"), (three, 364, "THREE")):
        placed = start - timedelta(days=days_ago)
        shop.set(order_id, buyer_id=buyer, placed_at=placed, paid_amount=Decimal("99.00"), paid_at=placed,
                 updated_at=placed)
        buyers[order_id] = buyer
    with any_app.app_context():
        recalculate_changed(db.session, start)
        db.session.commit()
    later = start + timedelta(minutes=10)
    shop.set(two, refunded_amount=Decimal("9.00"), updated_at=later - timedelta(minutes=5))
    with any_app.app_context():
        result = recalculate_changed(db.session, later)
        db.session.commit()
        assert (result.full, result.customers) == (False, 1)
        spend = dict(db.session.execute(sa.select(Customer.buyer_id, Customer.window_spend)).all())
        assert spend == {"ONE": Decimal("99.00"), "TWO": Decimal("90.00"), "THREE": Decimal("99.00")}
    # Two days on, THREE's order (364 days old) has left the 365-day window though nothing changed in it.
    much_later = later + timedelta(days=2)
    with any_app.app_context():
        result = recalculate_changed(db.session, much_later)
        db.session.commit()
        # THREE, and TWO once more: its change came within CHANGE_OVERLAP of the last run, which a transaction
        # still open then could have hidden from it.
        assert (result.full, result.customers) == (False, 2)
        row = db.session.execute(sa.select(Customer.window_orders, Customer.window_spend, Customer.recency_days)
                                 .where(Customer.buyer_id == "THREE")).one()
        assert tuple(row) == (0, Decimal("0.00"), 366)
        # ONE's row was not read from its orders, but its days since the last payment moved with the clock.
        assert db.session.scalar(sa.select(Customer.recency_days).where(Customer.buyer_id == "ONE")) == 12


def test_new_tier_rules_or_a_day_without_a_full_pass_make_the_next_run_a_full_one(any_app, any_api):
    shop = Shop(any_app, any_api, seed=3)
    shop.place(5)
    start = utcnow() + timedelta(hours=1)
    shop.history(start)
    with any_app.app_context():
        assert recalculate_changed(db.session, start).full
        db.session.commit()
        assert not recalculate_changed(db.session, start + timedelta(minutes=10)).full
        db.session.commit()
        save_policy(db.session, DEFAULT_POLICY.__class__(DEFAULT_POLICY.tiers, window_days=90), "admin")
        db.session.commit()
        assert recalculate_changed(db.session, start + timedelta(minutes=20)).full
        db.session.commit()
        assert not recalculate_changed(db.session, start + timedelta(hours=23)).full
        db.session.commit()
        assert recalculate_changed(db.session, start + timedelta(hours=24, minutes=20)).full
        db.session.commit()


def test_the_job_and_the_cli_run_incrementally_and_the_cli_does_a_full_pass_on_request(app, api):
    from orders.customers.recalculate import recalculate_job

    shop = Shop(app, api, seed=5)
    shop.place(3)
    with app.app_context():
        recalculate_job(app)
    runner = app.test_cli_runner()
    again = runner.invoke(args=["customers", "recalculate"])
    assert again.exit_code == 0 and "only buyers whose orders changed" in again.output
    full = runner.invoke(args=["customers", "recalculate", "--full"])
    assert full.exit_code == 0 and "(a full pass)" in full.output
