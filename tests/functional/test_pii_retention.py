"""Retention (issue 11): `flask purge-pii` tombstones buyer contact data past PII_RETENTION_DAYS, keeping totals."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.realtime.models import PushMessage
from live.models import EventLog
from live.privacy import tombstone_payload
from orders.customers.retention import TOMBSTONE, tombstone_change
from orders.models import Order, OrderHistory
from tests.support.api import order_event


@pytest.fixture
def aged(any_app, any_api):
    """Two orders of one broadcast: OLD-1 last changed 200 days ago (with an edit in its history), NEW-1 today."""
    any_api.product("A1", stock=10, price="99.00")
    broadcast = any_api.live_broadcast(skus=("A1",))
    for order_id in ("OLD-1", "NEW-1"):
        event = order_event("A1", 1, order_id=order_id)
        event["buyer"]["id"] = "B-1"
        assert any_api.events(broadcast, [event]).status_code == 200
    with any_app.app_context():
        old = db.session.scalar(sa.select(Order).where(Order.order_id == "OLD-1"))
        db.session.add(OrderHistory(order_pk=old.id, action="edit", actor="auditor", reason="typo", data={
            "fields": ["buyer.phone", "buyer.address.city"], "changes": [
                {"field": "buyer.phone", "before": "13800000000", "after": "13812345678"},
                {"field": "buyer.address.city", "before": "杭州", "after": "杭州市"}]}))
        db.session.execute(sa.update(Order).where(Order.order_id == "OLD-1")
                           .values(updated_at=utcnow() - timedelta(days=200)))
        db.session.commit()
    return any_app


def _order(app, order_id: str) -> Order:
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.order_id == order_id))
        db.session.expunge(order)
        return order


def _event_buyer(app, order_id: str) -> dict:
    with app.app_context():
        return db.session.scalar(sa.select(EventLog.payload).where(EventLog.order_id == order_id))["buyer"]


def test_a_dry_run_counts_and_changes_nothing(aged):
    result = aged.test_cli_runner().invoke(args=["purge-pii", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would tombstone 1 orders, 1 history entries, 1 events (retention 180 days)" in result.output
    assert _order(aged, "OLD-1").buyer_phone == "13812345678"


def test_purge_tombstones_old_orders_history_and_events_keeping_totals(aged):
    before = _order(aged, "OLD-1")
    result = aged.test_cli_runner().invoke(args=["purge-pii"])
    assert result.exit_code == 0, result.output
    assert "tombstoned 1 orders, 1 history entries, 1 events" in result.output
    old = _order(aged, "OLD-1")
    assert (old.buyer_name, old.buyer_phone, old.address_detail) == (TOMBSTONE, TOMBSTONE, TOMBSTONE)
    assert old.buyer_phone_normalized is None and old.buyer_phone_last4 is None
    assert (old.total, old.units, old.status, old.buyer_id, old.address_city) == (
        before.total, before.units, before.status, "B-1", before.address_city)
    assert old.updated_at == before.updated_at  # the purge is no change of the order
    buyer = _event_buyer(aged, "OLD-1")
    assert (buyer["name"], buyer["phone"], buyer["address"]["detail"], buyer["id"]) == (
        TOMBSTONE, TOMBSTONE, TOMBSTONE, "B-1")
    with aged.app_context():
        changes = db.session.scalars(sa.select(OrderHistory.data).where(OrderHistory.action == "edit")).one()["changes"]
    assert changes[0] == {"field": "buyer.phone", "before": TOMBSTONE, "after": TOMBSTONE}
    assert changes[1]["after"] == "杭州市"
    new = _order(aged, "NEW-1")
    assert new.buyer_phone == "13812345678" and _event_buyer(aged, "NEW-1")["phone"] == "13812345678"


def test_purge_is_idempotent_and_the_retention_is_a_setting(aged):
    runner = aged.test_cli_runner()
    assert "tombstoned 1 orders" in runner.invoke(args=["purge-pii"]).output
    assert "tombstoned 0 orders, 0 history entries, 0 events" in runner.invoke(args=["purge-pii"]).output
    aged.config["PII_RETENTION_DAYS"] = 365
    assert aged.test_cli_runner().invoke(args=["purge-pii", "--dry-run"]).output.startswith("would tombstone 0 orders")


def test_a_purged_phone_is_no_longer_found(aged, any_api):
    aged.test_cli_runner().invoke(args=["purge-pii"])
    found = any_api.get("/api/v1/orders?q=13812345678").get_json()["orders"]
    assert [o["order_id"] for o in found] == ["NEW-1"]


def test_tombstones_leave_missing_values_missing():
    assert tombstone_change({"field": "buyer.phone", "before": None, "after": "1"}) == {
        "field": "buyer.phone", "before": None, "after": TOMBSTONE}
    assert tombstone_payload({"buyer": {"id": "b", "name": None, "phone": "1", "address": {"detail": None}}}) == {
        "buyer": {"id": "b", "name": None, "phone": TOMBSTONE, "address": {"detail": None}}}


def test_pushes_older_than_the_retention_leave_the_catch_up_log(aged):
    with aged.app_context():
        newest = db.session.scalars(sa.select(PushMessage.id).order_by(PushMessage.id.desc())).first()
        kept = db.session.scalar(sa.select(sa.func.count()).select_from(PushMessage))
        assert kept >= 2
        db.session.execute(sa.update(PushMessage).where(PushMessage.id != newest)
                           .values(created_at=utcnow() - timedelta(days=200)))
        db.session.commit()
    dry = aged.test_cli_runner().invoke(args=["purge-pii", "--dry-run"])
    assert f"would delete {kept - 1} logged pushes older than the retention" in dry.output
    result = aged.test_cli_runner().invoke(args=["purge-pii"])
    assert result.exit_code == 0, result.output
    assert f"deleted {kept - 1} logged pushes" in result.output
    with aged.app_context():
        assert db.session.scalars(sa.select(PushMessage.id)).all() == [newest]
