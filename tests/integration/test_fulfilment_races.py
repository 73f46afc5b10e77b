"""Fulfilment under concurrency on PostgreSQL (CI=true): two agents shipping an order's last units at once never
ship more than was ordered; a push delivered twice at once stores each scan once; two sweepers flag a quiet parcel
once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.fulfilment.models import Shipment, ShipmentLine, TrackingCheckpoint
from orders.fulfilment.providers import kuaidi100
from orders.fulfilment.stale import sweep
from orders.models import OrderHistory
from tests.support import databases
from tests.support.api import ApiClient
from tests.support.fulfilment import AgentClient, place_paid_order

pytestmark = pytest.mark.postgres
ORDERS = 6


@pytest.fixture
def pg_app(postgres_url):
    """Return an app on the emptied PostgreSQL test database with a shop of paid orders R-0.. (TEE ×2 each)."""
    databases.truncate_postgres(postgres_url)
    app = databases.make_app(postgres_url, TRACKING_KUAIDI100_SALT="race-salt")
    databases.create_users(app)
    api = ApiClient(app.test_client(), databases.create_token(app, "race"))
    api.product("TEE", stock=ORDERS * 2 + 5, price="99.00")
    broadcast_id = api.live_broadcast(skus=("TEE",))
    for n in range(ORDERS):
        place_paid_order(api, broadcast_id, f"R-{n}", [("TEE", 2)])
    yield app
    databases.dispose(app)


def _together(workers) -> list:
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
def test_two_agents_shipping_the_last_units_at_once_never_over_ship(pg_app):
    first, second = AgentClient(pg_app, "aftersales"), AgentClient(pg_app, "admin")
    for n in range(ORDERS):
        body = {"lines": [{"sku": "TEE", "qty": 2}], "carrier": "ZTO"}
        codes = _together([
            lambda: first.post(f"/api/v1/orders/R-{n}/shipments", json=body | {"tracking_no": f"77300000{n:04d}"}).status_code,
            lambda: second.post(f"/api/v1/orders/R-{n}/shipments", json=body | {"tracking_no": f"77311111{n:04d}"}).status_code])
        assert sorted(codes) in ([201, 409], [201, 422]), codes
    with pg_app.app_context():
        shipped = db.session.execute(sa.select(Shipment.order_pk, sa.func.sum(ShipmentLine.qty))
                                     .join(ShipmentLine).group_by(Shipment.order_pk)).all()
    assert len(shipped) == ORDERS and {int(units) for _order, units in shipped} == {2}


def test_one_push_delivered_twice_at_once_stores_each_scan_once(pg_app):
    agent = AgentClient(pg_app, "aftersales")
    assert agent.post("/api/v1/orders/R-0/shipments", json={"carrier": "SF", "tracking_no": "SF1234567890123"}).status_code == 201
    now = utcnow() + timedelta(hours=8)  # the push writes Beijing wall-clock times
    times = [(now - timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S") for h in (30, 20, 2)]
    param = ('{"status":"polling","lastResult":{"state":"3","com":"shunfeng","nu":"SF1234567890123","data":['
             f'{{"context":"已签收","ftime":"{times[2]}"}},{{"context":"运输中","ftime":"{times[1]}"}},'
             f'{{"context":"已揽收","ftime":"{times[0]}"}}]}}}}')
    form = {"param": param, "sign": kuaidi100.signature(param, "race-salt")}
    clients = [pg_app.test_client() for _ in range(4)]
    codes = _together([lambda c=c: c.post("/api/v1/tracking/kuaidi100", data=form).status_code for c in clients])
    assert codes == [200] * 4
    with pg_app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(TrackingCheckpoint))
        status = db.session.scalar(sa.select(Shipment.status))
        updates = db.session.scalar(sa.select(sa.func.count()).select_from(OrderHistory)
                                    .where(OrderHistory.action == "tracking_updated"))
    assert (stored, status, updates) == (3, "delivered", 1)


def test_two_sweepers_flag_a_quiet_parcel_once(pg_app):
    agent = AgentClient(pg_app, "aftersales")
    for n in range(ORDERS):
        agent.post(f"/api/v1/orders/R-{n}/shipments", json={"carrier": "ZTO", "tracking_no": f"77322222{n:04d}"})
    with pg_app.app_context():
        db.session.execute(sa.update(Shipment).values(shipped_at=utcnow() - timedelta(days=5)))
        db.session.commit()
        db.session.remove()

    def sweeper() -> int:
        with pg_app.app_context():
            flagged = sweep(db.session, utcnow())
            db.session.remove()
        return flagged

    assert sum(_together([sweeper, sweeper])) == ORDERS
    with pg_app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(OrderHistory)
                                 .where(OrderHistory.action == "tracking_stale"))
    assert rows == ORDERS
