"""Claim counts kept by the database (orders/claims/totals.py): the triggers on claims and on their orders count
every writer, a fold keeps the rows bounded, and the counts equal the status rule's query, on SQLite and PostgreSQL."""
from __future__ import annotations

import random
import threading
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.db.kept_sums import FOLD_AFTER_ROWS
from app.extensions import db
from live import broadcasts as lineup
from orders.claims.models import CLAIM_REASONS, ChatClaim
from orders.claims.status import CLAIM_STATUSES, status_column
from orders.claims.totals import ClaimTotalsRow, compact_claim_counts, read_claim_counts
from orders.models import Order
from tests.support.databases import dispose, make_app, migrate_to_head

ORDER_STATUSES = ("claimed", "received", "accepted", "held", "waitlisted", "paid", "cancelled", "rejected", "expired")
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


def scanned_counts(session, broadcast_id: int) -> dict[str, int]:
    """Return the counts as the query of every claim joined to its order computed them (the reference)."""
    status = status_column()
    rows = session.execute(sa.select(status, sa.func.count()).select_from(ChatClaim).outerjoin(
        Order, Order.id == ChatClaim.order_pk).where(ChatClaim.broadcast_id == broadcast_id).group_by(status))
    counts = dict.fromkeys(CLAIM_STATUSES, 0)
    counts.update({name: int(n) for name, n in rows})
    return counts


def _order(broadcast_id: int, n: int, rng: random.Random) -> Order:
    return Order(order_id=f"C-{broadcast_id}-{n}", broadcast_id=broadcast_id, source="comment", buyer_id=f"v{n % 5}",
                 status=rng.choice(ORDER_STATUSES), placed_at=NOW)


def _claim(broadcast_id: int, n: int, rng: random.Random, orders: list[int]) -> ChatClaim:
    linked = orders and rng.random() < 0.5
    return ChatClaim(broadcast_id=broadcast_id, comment_id=f"c{n}", viewer_id=f"v{n % 5}", text="3号 要2件", at=NOW,
                     reason=None if linked or rng.random() < 0.5 else rng.choice(CLAIM_REASONS),
                     order_pk=rng.choice(orders) if linked else None,
                     ordered_at=NOW if linked and rng.random() < 0.5 else None)


def test_counts_follow_claims_and_their_orders_and_the_fold_keeps_the_rows_bounded(any_app):
    rng = random.Random(13)
    with any_app.app_context():
        session = db.session
        postgresql = session.get_bind().dialect.name == "postgresql"
        folds = 0
        broadcasts = [lineup.create_broadcast(session, f"claims {n}", "douyin").id for n in range(2)]
        session.commit()
        orders: list[int] = []
        claims: list[int] = []
        for step in range(260):
            broadcast_id = rng.choice(broadcasts)
            action = rng.random()
            if action < 0.15 or not orders:  # a draft or platform order
                order = _order(broadcast_id, step, rng)
                session.add(order)
                session.flush()
                orders.append(order.id)
            elif action < 0.4 or not claims:  # a claim typed in the chat (ORM insert)
                claim = _claim(broadcast_id, step, rng, orders)
                session.add(claim)
                session.flush()
                claims.append(claim.id)
            elif action < 0.52:  # Core UPDATE: the claim became an order (or lost it), with or without a reason
                pk = rng.choice(orders) if rng.random() < 0.7 else None
                session.execute(sa.update(ChatClaim).where(ChatClaim.id == rng.choice(claims)).values(
                    order_pk=pk, reason=None if pk or rng.random() < 0.5 else "link_missing",
                    ordered_at=NOW if pk and rng.random() < 0.5 else None))
            elif action < 0.6:  # ORM change of the platform order's time only
                claim = session.get(ChatClaim, rng.choice(claims))
                claim.ordered_at = None if claim.ordered_at else NOW
            elif action < 0.75:  # the order's status moves (Core), which its claims follow
                session.execute(sa.update(Order).where(Order.id == rng.choice(orders)).values(
                    status=rng.choice(ORDER_STATUSES)))
            elif action < 0.82:  # ORM status change, or the same status written again
                order = session.get(Order, rng.choice(orders))
                order.status = order.status if rng.random() < 0.4 else rng.choice(ORDER_STATUSES)
            elif action < 0.87:  # an UPDATE of a column that no status reads changes nothing
                session.execute(sa.update(ChatClaim).where(ChatClaim.id == rng.choice(claims)).values(qty=3))
            elif action < 0.92:  # a claim deleted
                session.execute(sa.delete(ChatClaim).where(ChatClaim.id == claims.pop(rng.randrange(len(claims)))))
            elif action < 0.95:  # an order that no claim became, deleted
                free = sorted(set(orders) - set(session.scalars(sa.select(ChatClaim.order_pk).where(
                    ChatClaim.order_pk.is_not(None)))))
                if free:
                    pk = rng.choice(free)
                    orders.remove(pk)
                    session.execute(sa.delete(Order).where(Order.id == pk))
            for checked in broadcasts:
                assert read_claim_counts(session, checked) == scanned_counts(session, checked), step
            if rng.random() < 0.3:
                before = session.scalar(sa.select(sa.func.count()).where(ClaimTotalsRow.broadcast_id == broadcast_id))
                assert compact_claim_counts(session, broadcast_id) == scanned_counts(session, broadcast_id), step
                rows = session.scalar(sa.select(sa.func.count()).where(ClaimTotalsRow.broadcast_id == broadcast_id))
                if postgresql or before > FOLD_AFTER_ROWS:  # SQLite folds only past FOLD_AFTER_ROWS change rows
                    assert rows <= len(CLAIM_STATUSES), step
                    folds += 1
                else:
                    assert rows == before, step
            if rng.random() < 0.2:
                (session.commit if rng.random() < 0.7 else session.rollback)()
                orders = list(session.scalars(sa.select(Order.id)))
                claims = list(session.scalars(sa.select(ChatClaim.id)))
        assert folds > 0  # the walk reached a fold
        session.commit()
        for broadcast_id in broadcasts:
            counts = compact_claim_counts(session, broadcast_id)
            assert counts == scanned_counts(session, broadcast_id) and sum(counts.values()) > 0
        session.commit()


def test_a_broadcast_without_claims_counts_zero_of_every_status(any_app):
    with any_app.app_context():
        broadcast_id = lineup.create_broadcast(db.session, "quiet", "douyin").id
        assert read_claim_counts(db.session, broadcast_id) == dict.fromkeys(CLAIM_STATUSES, 0)
        assert compact_claim_counts(db.session, broadcast_id) == dict.fromkeys(CLAIM_STATUSES, 0)


def test_the_migration_counts_the_claims_that_exist_and_installs_the_triggers(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    migrate_to_head(url)
    app = make_app(url)
    try:
        with app.app_context():
            broadcast_id = lineup.create_broadcast(db.session, "migrated", "douyin").id
            order = Order(order_id="M-1", broadcast_id=broadcast_id, source="comment", status="claimed", placed_at=NOW)
            db.session.add(order)
            db.session.flush()
            db.session.add(ChatClaim(broadcast_id=broadcast_id, comment_id="c1", viewer_id="v", text="1号", at=NOW,
                                     order_pk=order.id))
            db.session.commit()
            assert compact_claim_counts(db.session, broadcast_id)["claimed"] == 1
            db.session.execute(sa.update(Order).values(status="paid"))
            assert compact_claim_counts(db.session, broadcast_id) == scanned_counts(db.session, broadcast_id)
            assert scanned_counts(db.session, broadcast_id)["paid"] == 1
    finally:
        dispose(app)


@pytest.mark.postgres
def test_concurrent_folds_of_one_broadcast_push_the_whole_counts(postgres_url):
    """Two transactions folding one broadcast's counts at once: the second waits for the first and counts its fold."""
    app = make_app(postgres_url)
    try:
        with app.app_context():
            broadcast_id = lineup.create_broadcast(db.session, "racing claims", "douyin").id
            for n in range(5):
                db.session.add(ChatClaim(broadcast_id=broadcast_id, comment_id=f"r{n}", viewer_id="v", text="1号",
                                         at=NOW, reason="link_missing"))
            db.session.commit()
            first = db.session
            first.add(ChatClaim(broadcast_id=broadcast_id, comment_id="first", viewer_id="v", text="1号", at=NOW))
            assert compact_claim_counts(first, broadcast_id)["claimed"] == 1  # folded, not committed yet
            seen = {}

            def second_transaction() -> None:
                with app.app_context():
                    db.session.add(ChatClaim(broadcast_id=broadcast_id, comment_id="second", viewer_id="v",
                                             text="1号", at=NOW))
                    seen["counts"] = compact_claim_counts(db.session, broadcast_id)
                    db.session.commit()
                    db.session.remove()

            other = threading.Thread(target=second_transaction)
            other.start()
            other.join(timeout=1)
            assert other.is_alive()  # waiting for the first fold's turn
            first.commit()
            other.join(timeout=10)
            assert seen["counts"]["claimed"] == 2 and seen["counts"]["unresolved"] == 5
            assert read_claim_counts(db.session, broadcast_id) == scanned_counts(db.session, broadcast_id)
    finally:
        dispose(app)
