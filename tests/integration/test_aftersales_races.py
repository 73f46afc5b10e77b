"""After-sales under concurrency on PostgreSQL (CI=true): two sweepers racing fire each timer exactly once, and
two agents refunding one order at the same moment never give back more than was paid."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.actions import OrderRejected
from orders.aftersales.models import AftersaleCase, CaseEvent, Refund
from orders.aftersales.refunds import add_refunded
from orders.aftersales.sweeper import sweep
from orders.models import Order
from tests.support import databases
from tests.support.aftersales import agent_of, open_shop, place_paid_order
from tests.support.api import ApiClient

pytestmark = pytest.mark.postgres
CASES = 24


@pytest.fixture
def pg_app(postgres_url):
    """Return an app on the emptied PostgreSQL test database."""
    databases.truncate_postgres(postgres_url)
    app = databases.make_app(postgres_url)
    yield app
    databases.dispose(app)


def _shop(app, orders: int, qty: int = 1) -> tuple[ApiClient, int]:
    api = ApiClient(app.test_client(), databases.create_token(app, "race"))
    broadcast_id = open_shop(app, api, stock=orders * qty + 10)
    for n in range(orders):
        place_paid_order(api, broadcast_id, f"R-{n}", [("TEE", qty)])
    return api, broadcast_id


def _run_together(workers) -> list:
    """Run the workers in threads released at the same moment; return their results (raising their errors)."""
    barrier = threading.Barrier(len(workers))
    results, errors = [None] * len(workers), []

    def run(index, work):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # surfaced in the test thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.slow
def test_two_sweepers_racing_fire_each_timer_exactly_once(pg_app):
    _shop(pg_app, CASES)
    agent = agent_of(pg_app)
    for n in range(CASES):
        assert agent.post(f"/api/v1/orders/R-{n}/aftersales", json={"type": "refund_only", "reason": "other"}
                          ).status_code == 201
    with pg_app.app_context():
        due = db.session.scalar(sa.select(sa.func.max(AftersaleCase.deadline_at)))
        db.session.remove()

    def sweeper() -> int:
        fired = 0
        with pg_app.app_context():
            while (batch := sweep(db.session, due, limit=5)) > 0:
                fired += batch
            db.session.remove()
        return fired

    fired = _run_together([sweeper, sweeper])
    assert sum(fired) == CASES
    with pg_app.app_context():
        statuses = db.session.scalars(sa.select(AftersaleCase.status)).all()
        keys = db.session.scalars(sa.select(CaseEvent.timer_key).where(CaseEvent.timer_key.is_not(None))).all()
        approvals = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                                      .where(CaseEvent.action == "approve"))
    assert set(statuses) == {"approved"} and len(keys) == len(set(keys)) == CASES and approvals == CASES


@pytest.mark.slow
def test_two_refunds_of_one_order_at_the_same_moment_never_exceed_what_was_paid(pg_app):
    orders = 6
    api, _broadcast_id = _shop(pg_app, orders, qty=2)
    first, second = agent_of(pg_app), agent_of(pg_app, "admin")
    pairs = []
    for n in range(orders):
        pair = []
        for _ in range(2):
            body = first.post(f"/api/v1/orders/R-{n}/aftersales", json={"type": "refund_only", "reason": "other",
                                                                       "amount": "150.00"}).get_json()
            first.post(f"/api/v1/aftersales/{body['case_id']}/approve", json={})
            pair.append(body["case_id"])
        pairs.append(pair)
    for a, b in pairs:
        codes = _run_together([
            lambda: first.post(f"/api/v1/aftersales/{a}/refunds", json={"amount": "150.00"}).status_code,
            lambda: second.post(f"/api/v1/aftersales/{b}/refunds", json={"amount": "150.00"}).status_code])
        assert sorted(codes) == [201, 422], codes
    with pg_app.app_context():
        refunded = db.session.execute(sa.select(Order.order_id, Order.refunded_amount)).all()
        succeeded = db.session.scalar(sa.select(sa.func.count()).select_from(Refund)
                                      .where(Refund.status == "succeeded"))
    assert {str(amount) for _order, amount in refunded} == {"150.00"} and succeeded == orders
    assert api.get("/api/v1/orders/R-0").get_json()["refunded"] == "150.00"


def test_no_refund_writes_past_the_ledger_even_past_the_actions(pg_app):
    """The conditional UPDATE is the last guard: adding more than paid to an order changes no row."""
    _shop(pg_app, 1)
    with pg_app.app_context():
        order = db.session.scalar(sa.select(Order))
        add_refunded(db.session, order, Decimal("99.00"))
        with pytest.raises(OrderRejected):
            add_refunded(db.session, order, Decimal("0.01"))
        db.session.rollback()
