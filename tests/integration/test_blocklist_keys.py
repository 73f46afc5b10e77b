"""Blocklist entries keyed as orders match them (blocklist.match_key): a batch reads only the entries its orders
hit, however long the shop's blocklist grows, and matches as before (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from orders.audit import risk
from orders.customers.queries import blocklist_matches
from orders.models import BlocklistEntry
from orders.review.context import load_blocklist
from tests.support import databases
from tests.support.api import order_event
from tests.unit.orders.audit.builders import address, buyer, order

BEFORE, KEYED = "cdf1a2b3d4e5", "cef1a2b3d4e5"
OTHER_ENTRIES = 1500  # of each kind: a long list none of this test's orders is on


def test_keys_are_the_forms_the_rule_compares():
    assert risk.blocklist_key("phone", "+86 138-1234-5678") == "+8613812345678"
    assert risk.blocklist_key("phone", "13812345678") == "+8613812345678"
    assert risk.blocklist_key("phone", "call me") is None
    assert risk.blocklist_key("address", "浙江省 杭州市, 西湖区") == "浙江省杭州市西湖区"
    assert risk.blocklist_key("address", " ,. ") is None
    assert risk.blocklist_key("buyer_id", "Buyer-1") == "Buyer-1" and risk.blocklist_key("buyer_id", "") is None
    assert risk.blocklist_key("colour", "red") is None and risk.blocklist_key("phone", None) is None
    draft = order(buyer=buyer(id="b-9", phone="138 1234 5678", address=address(detail="文三路 1 号")))
    assert risk.order_blocklist_keys(draft) == [("buyer_id", "b-9"), ("phone", "+8613812345678"),
                                                ("address", "浙江省杭州市西湖区文三路1号")]


def _fill(session) -> None:
    """Add a long blocklist that matches none of the test's orders, through the ORM (keys set by the model)."""
    session.add_all([BlocklistEntry(kind=kind, value=value) for n in range(OTHER_ENTRIES) for kind, value in (
        ("buyer_id", f"fraud-{n}"), ("phone", f"139{n:08d}"), ("address", f"广东省深圳市南山区科技园 {n} 号"))])
    session.commit()


def test_a_batch_reads_only_the_entries_its_orders_could_match(any_app):
    with any_app.app_context():
        _fill(db.session)
        db.session.add(BlocklistEntry(kind="phone", value="+86 138-1234-5678"))
        db.session.commit()
        assert db.session.scalar(sa.select(BlocklistEntry.match_key).where(
            BlocklistEntry.value == "+86 138-1234-5678")) == "+8613812345678"
        # Written around the ORM, with no key: read for every batch, compared by the rule.
        db.session.execute(sa.text("INSERT INTO blocklist (kind, value, created_at) "
                                   "VALUES ('address', '上海市 黄浦区 南京路 8 号', CURRENT_TIMESTAMP)"))
        db.session.commit()

        hit = order(buyer=buyer(id="b-1", phone="13812345678"))
        clean = order(order_id="order-2", buyer=buyer(id="b-2", phone="13700000000"))
        blocklist = load_blocklist(db.session, [hit, clean])
        assert blocklist.phones == {"+86 138-1234-5678"}
        assert blocklist.addresses == {"上海市 黄浦区 南京路 8 号"} and not blocklist.buyer_ids
        assert [f.data["matched"] for f in risk.check_risk(hit, risk.BuyerHistory(), blocklist, risk.AuditPolicy())
                if f.code == "blocklisted"] == ["phone"]
        assert not risk.check_risk(clean, risk.BuyerHistory(), blocklist, risk.AuditPolicy())

        # An entry's key follows its value and kind when the ORM changes them.
        entry = db.session.scalar(sa.select(BlocklistEntry).where(BlocklistEntry.value == "fraud-7"))
        entry.value = "b-2"
        db.session.commit()
        assert load_blocklist(db.session, [clean]).buyer_ids == {"b-2"}
        entry.kind = "phone"
        db.session.commit()
        assert entry.match_key is None and not load_blocklist(db.session, [clean]).buyer_ids


@pytest.mark.slow
def test_orders_of_blocklisted_buyers_are_held_among_a_long_list(any_app, any_api):
    any_api.product("A1", stock=10)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    with any_app.app_context():
        _fill(db.session)
        db.session.add_all([BlocklistEntry(kind="phone", value="+86 138 1234 5678"),
                            BlocklistEntry(kind="buyer_id", value="known-fraud")])
        db.session.commit()
    events = [order_event("A1", 1, order_id="BL-1"),  # phone 13812345678
              order_event("A1", 1, order_id="BL-2", buyer={**order_event()["buyer"], "phone": "13700000000",
                                                            "id": "known-fraud"}),
              order_event("A1", 1, order_id="BL-3", buyer={**order_event()["buyer"], "phone": "13700000000"})]
    results = any_api.events(broadcast_id, events).get_json()["results"]
    matched = {r["order"]["order_id"]: [f["data"].get("matched") for f in r["order"]["findings"]
                                         if f["code"] == "blocklisted"] for r in results}
    assert matched == {"BL-1": ["phone"], "BL-2": ["buyer_id"], "BL-3": []}
    # The customer page's flags read the same keys.
    buyers = {r["order"]["order_id"]: r["order"]["buyer"]["id"] for r in results}
    with any_app.app_context():
        assert blocklist_matches(db.session, buyers["BL-1"]) == ["phone"]
        assert blocklist_matches(db.session, "known-fraud") == ["buyer_id"]
        assert blocklist_matches(db.session, buyers["BL-3"]) == []


def _check_backfill(url: str) -> None:
    app = databases.make_app(url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO blocklist (id, kind, value, created_at) VALUES "
                "(1, 'phone', '138-1234-5678', CURRENT_TIMESTAMP), (2, 'address', '浙江省 杭州市', CURRENT_TIMESTAMP), "
                "(3, 'buyer_id', 'u-1', CURRENT_TIMESTAMP), (4, 'phone', 'not a phone', CURRENT_TIMESTAMP)"))
        upgrade(revision=KEYED)
        with db.engine.connect() as connection:
            keys = connection.execute(sa.text("SELECT id, match_key FROM blocklist ORDER BY id")).all()
            assert [tuple(row) for row in keys] == [(1, "+8613812345678"), (2, "浙江省杭州市"), (3, "u-1"), (4, None)]
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            assert "match_key" not in {c["name"] for c in sa.inspect(connection).get_columns("blocklist")}
        db.engine.dispose()


def test_the_migration_keys_the_entries_that_exist_on_sqlite(tmp_path):
    _check_backfill(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.mark.postgres
def test_the_migration_keys_the_entries_that_exist_on_postgres(postgres_url):
    databases.reset_postgres(postgres_url)
    try:
        _check_backfill(postgres_url)
    finally:
        databases.reset_postgres(postgres_url)
        databases.create_schema(postgres_url)
