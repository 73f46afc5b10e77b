"""Customer recalculation and erasure on SQLite and PostgreSQL: the aggregate, the conditional tier change, and two
recalculations at once that record one tier change, not two."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from orders.customers.erasure import erase_contact
from orders.customers.models import Customer, CustomerTierChange
from orders.customers.recalculate import recalculate
from tests.support.customers import place, recalc, refund

RUNS = 4
BARRIER_TIMEOUT = 60


def _shop(api) -> int:
    api.product("A1", stock=500, price="99.00")
    return api.live_broadcast(title="Spring tea", skus=("A1",))


def test_totals_tiers_and_erasure_add_up_on_both_databases(any_app, any_api):
    broadcast = _shop(any_api)
    for n in range(6):
        place(any_api, broadcast, f"P-{n}", "B-1", qty=1 + n % 2)
    place(any_api, broadcast, "P-9", "B-2", paid=False)
    refund(any_app, "P-1", "20.00")
    assert recalc(any_app) == {"customers": 2, "created": 2, "updated": 2, "tier_changes": 1}
    body = any_api.get("/api/v1/customers/B-1").get_json()
    assert (body["order_count"], body["paid_gmv"], body["refunded"], body["tier"]) == (6, "891.00", "20.00", "silver")
    assert body["totals"]["window_spend"] == "871.00" and body["rfm"]["frequency"] == 6
    with any_app.app_context():
        admin = User(username="root", password_hash="x", role="admin")
        db.session.add(admin)
        db.session.flush()
        erase_contact(db.session, "douyin", "B-1", admin, "test", utcnow())
        db.session.commit()
    again = any_api.get("/api/v1/customers/B-1").get_json()
    assert (again["order_count"], again["paid_gmv"], again["refunded"], again["tier"]) == (6, "891.00", "20.00",
                                                                                         "silver")
    assert again["name"] == "[removed]"


def test_recalculations_at_once_record_one_tier_change(any_app, any_api):
    broadcast = _shop(any_api)
    place(any_api, broadcast, "Q-1", "B-1", qty=6)  # ¥594: silver
    barrier = threading.Barrier(RUNS)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with any_app.app_context():
                db.session.execute(sa.select(1))  # a pooled connection before the race starts
                db.session.commit()  # and no transaction held: SQLite's BEGIN IMMEDIATE would block the others
                barrier.wait(timeout=BARRIER_TIMEOUT)
                recalculate(db.session, utcnow(), actor="race")
                db.session.commit()
        except BaseException as error:  # reported, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with any_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 1
        changes = db.session.execute(sa.select(CustomerTierChange.from_tier, CustomerTierChange.to_tier)).all()
        assert [tuple(change) for change in changes] == [(None, "silver")]
