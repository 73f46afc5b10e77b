"""Order totals kept by the database (orders/totals.py): the triggers count every writer, and a fold keeps the rows
bounded, on SQLite and PostgreSQL."""
from __future__ import annotations

import random
import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.db import cents_to_money
from app.db.kept_sums import FOLD_AFTER_ROWS
from app.extensions import db
from live import broadcasts as lineup
from orders.models import Order
from orders.totals import OrderTotalsRow, compact_totals, read_totals
from tests.support.databases import dispose, make_app, migrate_to_head

STATUSES = ("received", "accepted", "held", "waitlisted", "paid", "cancelled", "expired", "packing", "shipped",
            "delivered", "returned_to_sender")
PAID = ("paid", "packing", "partially_shipped", "shipped", "delivered", "delivery_failed", "returned_to_sender", "lost")
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


def scanned_totals(session, broadcast_id: int) -> dict:
    """Return the totals as the old scan over every order of the broadcast computed them (the reference)."""
    rows = session.execute(sa.select(Order.status, Order.units, Order.total, Order.paid_amount)
                           .where(Order.broadcast_id == broadcast_id)).all()
    counted = [row for row in rows if row.status == "accepted" or row.status in PAID]
    paid = [row for row in rows if row.status in PAID]
    return {"orders": len(counted), "units": sum(row.units for row in counted),
            "gmv": str(cents_to_money(sum(int(row.total * 100) for row in counted))),
            "paid_orders": len(paid), "paid_gmv": str(cents_to_money(sum(int((row.paid_amount or 0) * 100) for row in paid))),
            "held": sum(row.status == "held" for row in rows), "waitlisted": sum(row.status == "waitlisted" for row in rows),
            "paid_waiting": str(cents_to_money(sum(int((row.paid_amount or 0) * 100) for row in rows
                                                   if row.status in ("held", "waitlisted"))))}


def _order(broadcast_id: int, n: int, rng: random.Random) -> Order:
    total = Decimal(rng.randint(0, 99_999)) / 100
    return Order(order_id=f"T-{broadcast_id}-{n}", broadcast_id=broadcast_id, source="in_stream", buyer_id=f"b{n % 7}",
                 status=rng.choice(STATUSES), units=rng.randint(1, 5), total=total,
                 paid_amount=total if rng.random() < 0.5 else None, placed_at=NOW)


def test_totals_follow_every_kind_of_write_and_the_fold_keeps_the_rows_bounded(any_app):
    rng = random.Random(17)
    with any_app.app_context():
        session = db.session
        postgresql = session.get_bind().dialect.name == "postgresql"
        folds = 0
        broadcasts = [lineup.create_broadcast(session, f"totals {n}", "douyin").id for n in range(2)]
        session.commit()
        orders: list[int] = []
        for step in range(240):
            broadcast_id = rng.choice(broadcasts)
            action = rng.random()
            if action < 0.35 or not orders:  # ORM insert
                order = _order(broadcast_id, step, rng)
                session.add(order)
                session.flush()
                orders.append(order.id)
            elif action < 0.55:  # Core UPDATE of many columns at once, as the batch intake writes
                pk = rng.choice(orders)
                session.execute(sa.update(Order).where(Order.id == pk).values(
                    status=rng.choice(STATUSES), units=rng.randint(1, 9), total=Decimal(rng.randint(0, 5000)) / 100))
            elif action < 0.62:  # Core UPDATE of one tracked column
                session.execute(sa.update(Order).where(Order.id == rng.choice(orders)).values(units=rng.randint(1, 9)))
            elif action < 0.7:  # ORM change of one tracked column
                order = session.get(Order, rng.choice(orders))
                order.paid_amount = None if order.paid_amount else order.total
            elif action < 0.8:  # an UPDATE that touches no tracked column changes nothing
                session.execute(sa.update(Order).where(Order.id == rng.choice(orders)).values(buyer_name="x"))
            elif action < 0.88:  # the same values written again change nothing either
                pk = rng.choice(orders)
                status = session.scalar(sa.select(Order.status).where(Order.id == pk))
                session.execute(sa.update(Order).where(Order.id == pk).values(status=status))
            elif action < 0.93:  # delete
                pk = orders.pop(rng.randrange(len(orders)))
                session.execute(sa.delete(Order).where(Order.id == pk))
            for checked in broadcasts:
                assert read_totals(session, checked) == scanned_totals(session, checked), step
            if rng.random() < 0.3:
                before = session.scalar(sa.select(sa.func.count()).where(OrderTotalsRow.broadcast_id == broadcast_id))
                assert compact_totals(session, broadcast_id) == scanned_totals(session, broadcast_id), step
                rows = session.scalar(sa.select(sa.func.count()).where(OrderTotalsRow.broadcast_id == broadcast_id))
                if postgresql or before > FOLD_AFTER_ROWS:  # SQLite folds only past FOLD_AFTER_ROWS change rows
                    assert rows <= len(STATUSES), step
                    folds += 1
                else:
                    assert rows == before, step
            if rng.random() < 0.2:
                (session.commit if rng.random() < 0.7 else session.rollback)()
                orders = list(session.scalars(sa.select(Order.id)))
        assert folds > 0  # the walk reached a fold
        session.commit()
        for broadcast_id in broadcasts:
            assert compact_totals(session, broadcast_id) == scanned_totals(session, broadcast_id)
        session.commit()


def test_a_broadcast_without_orders_has_zero_totals(any_app):
    with any_app.app_context():
        broadcast_id = lineup.create_broadcast(db.session, "empty", "douyin").id
        expected = {"orders": 0, "units": 0, "gmv": "0.00", "paid_orders": 0, "paid_gmv": "0.00", "held": 0,
                    "waitlisted": 0, "paid_waiting": "0.00"}
        assert read_totals(db.session, broadcast_id) == expected
        assert compact_totals(db.session, broadcast_id) == expected


def test_the_migration_counts_the_orders_that_exist_and_installs_the_triggers(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    migrate_to_head(url)
    app = make_app(url)
    try:
        with app.app_context():
            broadcast_id = lineup.create_broadcast(db.session, "migrated", "douyin").id
            db.session.add(Order(order_id="M-1", broadcast_id=broadcast_id, source="in_stream", status="accepted",
                                 units=2, total=Decimal("12.50"), placed_at=NOW))
            db.session.commit()
            assert compact_totals(db.session, broadcast_id)["gmv"] == "12.50"
            db.session.execute(sa.update(Order).values(status="paid", paid_amount=Decimal("12.50")))
            assert compact_totals(db.session, broadcast_id) == scanned_totals(db.session, broadcast_id)
    finally:
        dispose(app)


@pytest.mark.postgres
def test_concurrent_folds_of_one_broadcast_push_the_whole_totals(postgres_url):
    """Two transactions folding one broadcast's totals at once (ingestion and a staff action on PostgreSQL): the
    second waits for the first and pushes totals that include the first's fold."""
    app = make_app(postgres_url)
    try:
        with app.app_context():
            broadcast_id = lineup.create_broadcast(db.session, "racing", "douyin").id
            for n in range(5):
                db.session.add(Order(order_id=f"R-{n}", broadcast_id=broadcast_id, source="in_stream",
                                     status="accepted", units=1, total=Decimal("10.00"), placed_at=NOW))
            db.session.commit()
            first = db.session
            first.add(Order(order_id="R-first", broadcast_id=broadcast_id, source="in_stream", status="accepted",
                            units=1, total=Decimal("10.00"), placed_at=NOW))
            assert compact_totals(first, broadcast_id)["orders"] == 6  # folded, not committed yet
            seen = {}

            def second_transaction() -> None:
                with app.app_context():
                    db.session.add(Order(order_id="R-second", broadcast_id=broadcast_id, source="in_stream",
                                         status="held", units=1, total=Decimal("10.00"), placed_at=NOW))
                    seen["totals"] = compact_totals(db.session, broadcast_id)
                    db.session.commit()
                    db.session.remove()

            other = threading.Thread(target=second_transaction)
            other.start()
            other.join(timeout=1)
            assert other.is_alive()  # waiting for the first fold's turn
            first.commit()
            other.join(timeout=10)
            assert seen["totals"]["orders"] == 6 and seen["totals"]["held"] == 1
            assert read_totals(db.session, broadcast_id) == scanned_totals(db.session, broadcast_id)
    finally:
        dispose(app)


def test_packing_and_shipping_a_paid_order_keeps_it_in_the_host_totals_and_waiting_money_is_shown(app):
    with app.app_context():
        session = db.session
        broadcast_id = lineup.create_broadcast(session, "ships", "douyin").id
        paid = Order(order_id="P-1", broadcast_id=broadcast_id, source="in_stream", buyer_id="b1", status="paid",
                     units=2, total=Decimal("100.00"), paid_amount=Decimal("100.00"), placed_at=NOW)
        waiting = Order(order_id="W-1", broadcast_id=broadcast_id, source="in_stream", buyer_id="b2",
                        status="waitlisted", units=1, total=Decimal("30.00"), paid_amount=Decimal("30.00"), placed_at=NOW)
        session.add_all([paid, waiting])
        session.commit()
        before = compact_totals(session, broadcast_id)
        assert (before["orders"], before["paid_orders"], before["paid_gmv"]) == (1, 1, "100.00")
        assert (before["waitlisted"], before["paid_waiting"]) == (1, "30.00")
        for status in ("packing", "shipped", "delivered"):
            paid.status = status
            session.commit()
            assert compact_totals(session, broadcast_id) == before, status
