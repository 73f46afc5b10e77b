"""A Hypothesis state machine over orders, shipments and after-sales cases, with a moving clock.

Rules: place and pay an order, pay it twice, ship it (orders/fulfilment), open a case of any type, take any step
on any case (legal or not), refund random amounts (settled or pending, then settled either way), move the clock
and sweep the timers. Invariants after every step: no order refunded more than was paid and refunded_amount is
the sum of its succeeded refunds; no line restocks more than was received and inspected sellable; every
recorded step is a legal move of the flow; each timer fired at most once; the stock adds up.
"""
from __future__ import annotations

import itertools
import shutil
import tempfile
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from app import realtime
from app.db import utcnow
from app.extensions import db
from orders.actions import OrderRejected
from orders.aftersales import actions, intake, refunds
from orders.aftersales.common import Actor, load_policy
from orders.aftersales.flow import ACTIONS, IllegalTransition, allowed_actions, is_legal, next_status
from orders.aftersales.models import CASE_TYPES, AftersaleCase, CaseEvent, CaseLine, Refund
from orders.aftersales.sweeper import sweep
from orders.fulfilment.actions import FulfilmentRefused, ShipmentRequest, create_shipment
from orders.models import Order, OrderPayment, StockLevel
from tests.support import databases
from tests.support.api import ApiClient, now_iso, order_event

SKUS = ("S1", "S2")
AGENT = Actor(1, "agent")
# Steps recorded without a move of the flow: they keep the status (or, for open, start it).
PERSON_STEPS = [a for a in ACTIONS if a not in ("refund", "close")]
NO_MOVE = {"open", "refund_requested", "refund_failed", "timer_failed", "appeal_expired"}
_template: dict[str, Path] = {}


def _fresh_url() -> str:
    if "path" not in _template:
        path = Path(tempfile.mkdtemp()) / "template.sqlite3"
        databases.create_schema(f"sqlite:///{path}")
        _template["path"] = path
    copy = Path(tempfile.mkdtemp()) / "machine.sqlite3"
    shutil.copy(_template["path"], copy)
    return f"sqlite:///{copy}"


def _snapshot(session, case_id: str) -> SimpleNamespace:
    """Return what the flow reads of a case, and its first SKU, detached from the session."""
    case = session.scalar(sa.select(AftersaleCase).where(AftersaleCase.case_id == case_id))
    return SimpleNamespace(type=case.type, status=case.status, appeal_used=case.appeal_used,
                           sku=case.lines[0].sku if case.lines else "S1")


class AftersalesMachine(RuleBasedStateMachine):
    """Random sequences of order, shipment and case actions against one broadcast selling two SKUs."""

    def __init__(self):
        super().__init__()
        self.app = databases.make_app(_fresh_url())
        databases.create_users(self.app)
        self.api = ApiClient(self.app.test_client(), databases.create_token(self.app, "machine"))
        for sku in SKUS:
            self.api.product(sku, stock=20, price="10.00")
        self.broadcast = self.api.live_broadcast(skus=SKUS)
        self.ids = itertools.count(1)
        self.orders: list[str] = []
        self.cases: list[str] = []
        self.pending: list[str] = []
        self.clock = utcnow()

    def teardown(self):
        databases.dispose(self.app)

    def _do(self, work):
        """Run work(session) in the app and commit; return its result, or the OrderRejected it raised."""
        with self.app.app_context():
            try:
                result = work(db.session)
                realtime.commit(db.session)
                return result
            except (OrderRejected, FulfilmentRefused) as error:
                db.session.rollback()
                realtime.discard(db.session)
                return error
            finally:
                db.session.remove()

    @initialize()
    def two_paid_orders_one_shipped(self):
        self.place_and_pay(list(SKUS), 2)
        self.place_and_pay(["S1"], 3)
        self._do(lambda s: create_shipment(s, self.orders[0], ShipmentRequest("SF", "SF0000000000001"), "agent",
                                           self.clock).shipment_id)

    @rule(skus=st.lists(st.sampled_from(SKUS), min_size=1, max_size=2, unique=True), qty=st.integers(1, 3))
    def place_and_pay(self, skus, qty):
        order_id = f"O-{next(self.ids)}"
        event = order_event(skus[0], qty, order_id=order_id, unit_price="10.00")
        event["items"] = [{"sku": sku, "qty": qty, "unit_price": "10.00"} for sku in skus]
        placed = self.api.events(self.broadcast, [event]).get_json()["results"][0]
        if placed["order"]["status"] != "accepted":
            return
        paid = self.api.events(self.broadcast, [{"id": f"pay-{order_id}", "type": "payment", "ts": now_iso(),
                                                 "order_id": order_id, "status": "paid",
                                                 "amount": placed["order"]["total"], "method": "alipay"}])
        if paid.get_json()["results"][0]["order"]["status"] == "paid":
            self.orders.append(order_id)

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def pay_twice(self, data):
        order_id = data.draw(st.sampled_from(self.orders))
        self.api.events(self.broadcast, [{"id": f"dup-{next(self.ids)}", "type": "payment", "ts": now_iso(),
                                          "order_id": order_id, "status": "paid", "amount": "5.00"}])
        # The duplicate payment's refund case was opened by the system: it joins the cases the rules act on.
        self.cases = self._do(lambda s: list(s.scalars(sa.select(AftersaleCase.case_id).order_by(AftersaleCase.id))))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def ship(self, data):
        order_id = data.draw(st.sampled_from(self.orders))
        tracking = f"SF{next(self.ids):013d}"
        self._do(lambda s: create_shipment(s, order_id, ShipmentRequest("SF", tracking), "agent", self.clock))

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), case_type=st.sampled_from(CASE_TYPES), qty=st.integers(1, 3),
          amount=st.none() | st.decimals(min_value=1, max_value=80, places=2))
    def open_case(self, data, case_type, qty, amount):
        order_id = data.draw(st.sampled_from(self.orders))
        sku = data.draw(st.sampled_from(SKUS))
        reason = "quality" if case_type != "reship" else "missing_item"
        lines = None if case_type == "refund_only" and qty == 3 else [(sku, qty)]
        opened = self._do(lambda s: intake.open_case(
            s, order_id, AGENT, self.clock, load_policy(), case_type=case_type, reason=reason, lines=lines,
            amount=amount if case_type in ("refund_only", "return_refund") else None).case.case_id)
        if not isinstance(opened, Exception):
            self.cases.append(opened)

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), legal=st.integers(0, 3), qty=st.integers(0, 3))
    def step(self, data, legal, qty):
        """Take a step the flow allows (three times in four, to get deep), or any step at all."""
        case_id = data.draw(st.sampled_from(self.cases))
        before = self._do(lambda s: _snapshot(s, case_id))
        allowed = [a for a in allowed_actions(before) if a in PERSON_STEPS]
        action = data.draw(st.sampled_from(allowed if legal and allowed else PERSON_STEPS))
        try:
            expected = next_status(before, action)
        except IllegalTransition:
            expected = None
        sku = before.sku
        policy, now = load_policy(), self.clock
        calls = {
            "approve": lambda s: actions.approve(s, case_id, AGENT, now, policy),
            "reject": lambda s: actions.reject(s, case_id, AGENT, now, policy, "no"),
            "appeal": lambda s: actions.appeal(s, case_id, AGENT, now, policy, "please"),
            "cancel": lambda s: actions.cancel(s, case_id, AGENT, now, policy),
            "ship_return": lambda s: actions.ship_return(s, case_id, AGENT, now, policy, "SF", "SF1"),
            "receive": lambda s: actions.receive(s, case_id, AGENT, now, policy, lines=[(sku, qty)] if qty else None),
            "inspect": lambda s: actions.inspect(s, case_id, AGENT, now, policy, lines=[(sku, qty)]),
            "ship_replacement": lambda s: actions.ship_replacement(s, case_id, AGENT, now, policy, "SF", "SF1234567890202"),
            "complete": lambda s: actions.complete(s, case_id, AGENT, now, policy),
        }
        outcome = self._do(lambda s: calls[action](s).case.status)
        event(f"{action}: {outcome.code if isinstance(outcome, Exception) else 'done'}")
        if isinstance(outcome, OrderRejected) and outcome.code == "illegal_transition":
            assert expected is None, f"{action} refused from {before.status} ({before.type})"
        elif not isinstance(outcome, Exception):
            assert expected is not None and outcome == expected

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), amount=st.decimals(min_value=Decimal("0.01"), max_value=120, places=2),
          settle=st.booleans())
    def refund(self, data, amount, settle):
        case_id = data.draw(st.sampled_from(self.cases))
        refund_id = self._do(lambda s: refunds.create_refund(s, case_id, AGENT, self.clock, load_policy(), amount,
                                                             settle=settle).refund.refund_id)
        event(f"refund: {refund_id.code if isinstance(refund_id, Exception) else 'done'}")
        if not isinstance(refund_id, Exception) and not settle:
            self.pending.append(refund_id)

    @precondition(lambda self: self.pending)
    @rule(data=st.data(), succeed=st.booleans())
    def settle(self, data, succeed):
        refund_id = data.draw(st.sampled_from(self.pending))
        self.pending.remove(refund_id)
        policy = load_policy()
        if succeed:
            self._do(lambda s: refunds.succeed_refund(s, refund_id, AGENT, self.clock, policy))
        else:
            self._do(lambda s: refunds.fail_refund(s, refund_id, AGENT, self.clock, policy, "bank said no"))

    @rule(hours=st.sampled_from([1, 47, 48, 24 * 7, 24 * 10]))
    def time_passes(self, hours):
        self.clock += timedelta(hours=hours)
        with self.app.app_context():
            sweep(db.session, self.clock)
            db.session.remove()

    @invariant()
    def the_books_hold(self):
        with self.app.app_context():
            session = db.session
            for order in session.scalars(sa.select(Order)):
                paid = session.scalar(sa.select(sa.func.sum(OrderPayment.amount)).where(
                    OrderPayment.order_pk == order.id, OrderPayment.status == "paid")) or Decimal("0.00")
                succeeded = sum((r.total for r in session.scalars(sa.select(Refund).where(
                    Refund.order_pk == order.id, Refund.status == "succeeded"))), Decimal("0.00"))
                held = sum((r.total for r in session.scalars(sa.select(Refund).where(
                    Refund.order_pk == order.id, Refund.status == "pending"))), Decimal("0.00"))
                assert order.refunded_amount == succeeded
                assert succeeded + held <= paid, order.order_id
            for line in session.scalars(sa.select(CaseLine)):
                assert 0 <= line.restocked_qty <= line.sellable_qty <= line.received_qty <= line.qty
            for level in session.scalars(sa.select(StockLevel)):
                assert level.available + level.reserved + level.sold == level.received_total
            db.session.remove()

    @invariant()
    def every_step_is_legal_and_every_timer_fired_once(self):
        with self.app.app_context():
            types = dict(db.session.execute(sa.select(AftersaleCase.id, AftersaleCase.type)).all())
            events = db.session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id)).all()
            for event in events:
                if event.action in NO_MOVE:
                    assert event.from_status in (None, event.to_status)
                else:
                    assert is_legal(types[event.case_pk], event.from_status, event.action, event.to_status), (
                        event.action, event.from_status, event.to_status)
            fired = Counter((e.case_pk, e.timer_key) for e in events if e.timer_key)
            assert all(count == 1 for count in fired.values())
            db.session.remove()


AftersalesMachine.TestCase.settings = settings(max_examples=20, stateful_step_count=50, deadline=None,
                                               suppress_health_check=[HealthCheck.too_slow])
TestAftersalesMachine = pytest.mark.slow(AftersalesMachine.TestCase)
