"""A Hypothesis state machine drives orders through every stock-moving action and checks the stock invariant.

Rules: place (complete, or held for a missing phone), pay, fail a payment, cancel, expire (sweep in the future),
restock, approve, reject, hold, extend a held reservation, fix an order's SKU and quantity.
Invariant after every step, for every SKU: received_total (initial + restocked) = available + reserved + sold,
no count negative, and the units reserved equal the units of orders holding a reservation, held ones included:
accepted orders always reserve, held unpaid ones reserve unless they wait in line, nothing else reserves.
"""
from __future__ import annotations

import itertools
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.db import utcnow
from app.extensions import db
from orders.expiry import sweep
from orders.models import Order, OrderLine, StockLevel
from tests.support import databases
from tests.support.api import ApiClient, now_iso, order_event
from tests.support.auth import csrf_token, login

SKUS = ("S1", "S2")
_template: dict[str, Path] = {}


def _fresh_url() -> str:
    if "path" not in _template:
        path = Path(tempfile.mkdtemp()) / "template.sqlite3"
        databases.create_schema(f"sqlite:///{path}")
        _template["path"] = path
    copy = Path(tempfile.mkdtemp()) / "machine.sqlite3"
    shutil.copy(_template["path"], copy)
    return f"sqlite:///{copy}"


class StockMachine(RuleBasedStateMachine):
    """Random sequences of order actions against one broadcast selling two SKUs."""

    def __init__(self):
        super().__init__()
        self.app = databases.make_app(_fresh_url())
        databases.create_users(self.app)
        self.api = ApiClient(self.app.test_client(), databases.create_token(self.app, "machine"))
        for sku in SKUS:
            self.api.product(sku, stock=5, price="10.00")
        self.broadcast = self.api.live_broadcast(skus=SKUS)
        self.auditor = login(self.app, "auditor")
        self.headers = {"X-CSRFToken": csrf_token(self.auditor, "/")}
        self.ids = itertools.count(1)
        self.orders: list[str] = []
        self.clock = utcnow()

    def _event(self, body: dict) -> None:
        response = self.api.events(self.broadcast, [body])
        assert response.status_code == 200, response.get_data(as_text=True)

    @rule(sku=st.sampled_from(SKUS), qty=st.integers(1, 4), complete=st.booleans())
    def place(self, sku, qty, complete):
        n = next(self.ids)
        event = order_event(sku, qty, order_id=f"M-{n}", unit_price="10.00")
        event["buyer"]["id"] = f"buyer-{n}"
        if not complete:
            event["buyer"]["phone"] = None
        self._event(event)
        self.orders.append(f"M-{n}")

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), status=st.sampled_from(["paid", "failed"]))
    def pay(self, data, status):
        order_id = data.draw(st.sampled_from(self.orders))
        total = self.api.get(f"/api/v1/orders/{order_id}").get_json()["total"]
        self._event({"id": f"pay-{next(self.ids)}", "type": "payment", "ts": now_iso(), "order_id": order_id,
                     "status": status, "amount": total})

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def cancel(self, data):
        order_id = data.draw(st.sampled_from(self.orders))
        self._event({"id": f"cancel-{next(self.ids)}", "type": "order_cancel", "ts": now_iso(), "order_id": order_id})

    @rule(minutes=st.integers(0, 30))
    def expire(self, minutes):
        self.clock += timedelta(minutes=minutes)
        with self.app.app_context():
            sweep(db.session, self.clock)

    @rule(sku=st.sampled_from(SKUS), stock=st.integers(0, 8))
    def restock(self, sku, stock):
        assert self.api.put(f"/api/v1/products/{sku}/stock", json={"stock": stock}).status_code == 200

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), action=st.sampled_from(["approve", "reject"]))
    def decide(self, data, action):
        order_id = data.draw(st.sampled_from(self.orders))
        response = self.auditor.post(f"/api/v1/orders/{order_id}/{action}", json={"reason": "machine"}, headers=self.headers)
        assert response.status_code in (200, 409), response.get_json()

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), action=st.sampled_from(["hold", "extend"]))
    def hold_or_extend(self, data, action):
        order_id = data.draw(st.sampled_from(self.orders))
        body = {"reason": "machine"}
        if action == "extend":  # a hold takes only its reason
            body["minutes"] = data.draw(st.integers(1, 60))
        response = self.auditor.post(f"/api/v1/orders/{order_id}/{action}", json=body, headers=self.headers)
        assert response.status_code in (200, 409), response.get_json()

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), sku=st.sampled_from(SKUS), qty=st.integers(1, 4))
    def fix(self, data, sku, qty):
        order_id = data.draw(st.sampled_from(self.orders))
        body = {"items": [{"sku": sku, "qty": qty}], "reason": "machine"}
        response = self.auditor.patch(f"/api/v1/orders/{order_id}", json=body, headers=self.headers)
        assert response.status_code in (200, 409), response.get_json()

    @invariant()
    def only_accepted_and_held_orders_reserve(self):
        with self.app.app_context():
            for order in db.session.scalars(sa.select(Order)):
                if order.stock_reserved:
                    assert order.status in ("accepted", "held"), (order.order_id, order.status)
                if order.status == "accepted":
                    assert order.stock_reserved, order.order_id
                if order.status == "held" and order.paid_amount is None:
                    # Every SKU of the machine holds stock: a held order reserves or waits in line.
                    assert order.stock_reserved != (order.waitlisted_at is not None), order.order_id
            db.session.rollback()

    @invariant()
    def stock_adds_up(self):
        with self.app.app_context():
            for level in db.session.scalars(sa.select(StockLevel)):
                assert min(level.available, level.reserved, level.sold) >= 0
                assert level.received_total == level.available + level.reserved + level.sold, level.sku
                reserved_by_orders = db.session.scalar(
                    sa.select(sa.func.coalesce(sa.func.sum(OrderLine.qty), 0)).join(Order, Order.id == OrderLine.order_pk)
                    .where(Order.stock_reserved.is_(True), OrderLine.sku == level.sku))
                assert level.reserved == reserved_by_orders, level.sku
            db.session.rollback()

    def teardown(self):
        with self.app.app_context():
            db.engine.dispose()


StockMachine.TestCase.settings = settings(max_examples=20, stateful_step_count=25, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
test_stock_invariants_hold_under_any_sequence_of_actions = pytest.mark.slow(StockMachine.TestCase)
