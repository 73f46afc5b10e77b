"""The host page's data and routes (issue 12): "selling now" in the snapshot (one indexed, bounded query over the
last 5 minutes), link numbers on the stock, and the wall display's access: a login, or a display token that
never reaches the server in a URL."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from live.snapshot import SELLING_WINDOW, selling_now
from orders.models import Order
from tests.support.api import order_event
from tests.support.auth import login


def _live_broadcast(api) -> int:
    api.product("TEE", stock=50)
    api.product("DRESS", stock=0, variants=[{"sku": "DRESS-S", "name": "S", "stock": 10},
                                            {"sku": "DRESS-M", "name": "M", "stock": 10}])
    return api.live_broadcast("Selling now", skus=("TEE", "DRESS"))


def _snapshot(api, broadcast_id: int) -> dict:
    response = api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_selling_now_counts_the_units_sold_or_reserved_in_the_last_five_minutes_per_product(app, api):
    broadcast_id = _live_broadcast(api)
    events = [order_event("TEE", 2, order_id="S-1"), order_event("DRESS-S", 1, order_id="S-2"),
              order_event("DRESS-M", 3, order_id="S-3"), order_event("TEE", 4, order_id="S-REJECTED"),
              order_event("TEE", 1, order_id="S-OLD"), order_event("TEE", 5, order_id="S-CANCELLED"),
              order_event("DRESS-M", 8, order_id="S-WAITING")]  # 7 of DRESS-M are left: it waits for stock
    assert api.events(broadcast_id, events).status_code == 200
    cancel = {"id": "cancel-5", "type": "order_cancel", "ts": events[0]["ts"], "order_id": "S-CANCELLED",
              "reason": "changed mind"}
    assert api.events(broadcast_id, [cancel]).status_code == 200
    with app.app_context():
        old = db.session.scalar(sa.select(Order).where(Order.order_id == "S-OLD"))
        old.received_at -= SELLING_WINDOW + timedelta(seconds=1)
        db.session.scalar(sa.select(Order).where(Order.order_id == "S-REJECTED")).status = "rejected"
        db.session.commit()
    selling = _snapshot(api, broadcast_id)["selling_now"]
    assert selling["window_seconds"] == 300
    assert {"accepted", "paid"} <= set(selling["statuses"]) and "waitlisted" not in selling["statuses"]
    lines = sorted((line["order_id"], line["sku"], line["qty"]) for line in selling["lines"])
    # Rejected, cancelled and waitlisted orders took no units: the panel never shows more than was sold or reserved.
    assert lines == [("S-1", "TEE", 2), ("S-2", "DRESS", 1), ("S-3", "DRESS", 3)]


def test_the_snapshot_stock_carries_link_numbers_in_rail_order(api):
    broadcast_id = _live_broadcast(api)
    stock = _snapshot(api, broadcast_id)["stock"]
    assert [(item["sku"], item["link_no"]) for item in stock] == [("TEE", 1), ("DRESS", 2)]


def test_selling_now_reads_the_broadcast_and_received_at_index(app, api):
    broadcast_id = _live_broadcast(api)
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda _c, _cur, statement, params, *_a: statements.append((statement, params)))
        selling_now(db.session, broadcast_id, {})
        statement, params = statements[-1]
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, tuple(params)).all()
        db.session.rollback()
    assert "LIMIT" in statement
    assert any("ix_orders_broadcast_received" in str(row) for row in plan), plan


def test_the_wall_display_without_a_login_is_an_empty_shell_that_sends_no_referrer(app, api):
    broadcast_id = api.live_broadcast("Secret launch")
    response = app.test_client().get(f"/broadcasts/{broadcast_id}/live?display=wall")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Secret launch" not in page and 'data-broadcast-id="%d"' % broadcast_id in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "wall_token.js" in page


def test_the_host_page_without_a_login_goes_to_the_login_page(app, api):
    broadcast_id = api.live_broadcast()
    response = app.test_client().get(f"/broadcasts/{broadcast_id}/live")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_logged_in_user_opens_the_wall_of_a_broadcast_and_gets_404_for_no_broadcast(app, api, users):
    broadcast_id = api.live_broadcast("On the wall")
    client = login(app, "moderator")
    assert "On the wall" in client.get(f"/broadcasts/{broadcast_id}/live?display=wall").get_data(as_text=True)
    assert client.get("/broadcasts/999999/live?display=wall").status_code == 404


def test_a_display_token_reads_the_snapshot_the_wall_draws(app, api):
    from app.auth.tokens import issue_token

    broadcast_id = _live_broadcast(api)
    with app.app_context():
        display = issue_token(db.session, "wall", scopes=["display"])
        db.session.commit()
    response = app.test_client().get(f"/api/v1/broadcasts/{broadcast_id}/snapshot",
                                     headers={"Authorization": f"Bearer {display}"})
    assert response.status_code == 200 and "selling_now" in response.get_json()
    refused = app.test_client().get(f"/api/v1/broadcasts/{broadcast_id}/snapshot",
                                    headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401


def test_the_units_waiting_in_line_are_read_from_the_orders_in_line_not_from_every_order_line(app, api):
    from orders.inventory import units_in_line

    _live_broadcast(api)
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda _c, _cur, statement, params, *_a: statements.append((statement, params)))
        units_in_line(db.session, ["TEE", "DRESS-S"])
        statement, params = statements[-1]
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, tuple(params)).all()
        db.session.rollback()
    assert any("ix_orders_in_line" in str(row) for row in plan), plan
    assert not any("SCAN order_lines" in str(row) for row in plan), plan


def test_the_skus_with_a_line_are_read_from_the_orders_in_line(app, api):
    from datetime import datetime, timezone

    from orders.inventory import skus_in_line

    _live_broadcast(api)
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda _c, _cur, statement, params, *_a: statements.append((statement, params)))
        skus_in_line(db.session, ["TEE"], datetime.now(timezone.utc))
        statement, params = statements[-1]
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, tuple(params)).all()
        db.session.rollback()
    assert any("ix_orders_in_line" in str(row) for row in plan), plan
    assert not any("SCAN order_lines" in str(row) or "SCAN order_findings" in str(row) for row in plan), plan
