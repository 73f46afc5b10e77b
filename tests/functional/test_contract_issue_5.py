"""The conversion metrics as an outside script reads them from GET /api/v1/broadcasts/<id>/metrics: a hand-computed
broadcast sent through the events API, checked metric by metric against the issue's definitions."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.api import order_event
from tests.support.auth import login

# The broadcast runs S → S + 5 min, three hours ago (platform times must be recent).
S = (datetime.now(timezone.utc) - timedelta(hours=3)).replace(second=0, microsecond=0)


def _at(minutes: float) -> str:
    return (S + timedelta(minutes=minutes)).isoformat()


def _join(n, viewer, minutes):
    return {"id": f"j{n}", "type": "viewer_join", "ts": _at(minutes), "viewer_id": viewer}


def _leave(n, viewer, minutes):
    return {"id": f"l{n}", "type": "viewer_leave", "ts": _at(minutes), "viewer_id": viewer}


def _click(n, viewer, sku, minutes):
    return {"id": f"c{n}", "type": "product_click", "ts": _at(minutes), "viewer_id": viewer, "sku": sku}


def _pay(event_id, order_id, status, amount, minutes):
    return {"id": event_id, "type": "payment", "ts": _at(minutes), "order_id": order_id, "status": status,
            "amount": amount, "method": "alipay"}


def _order(order_id, buyer, sku, qty, price, minutes, source="in_stream"):
    event = order_event(sku, qty, order_id=order_id, event_id=f"evt-{order_id}", unit_price=price,
                        source=source, ts=_at(minutes))
    event["buyer"]["id"] = buyer
    return event


def _worked_example() -> list[dict]:
    """Return the worked example of the metric definitions, shifted to S."""
    return [
        _join(1, "v1", 0), _join(2, "v2", 0.5),
        {"id": "pin-a", "type": "product_pin", "ts": _at(1), "sku": "A"},
        _click(1, "v1", "A", 1 + 10 / 60), _click(2, "v2", "A", 1 + 20 / 60), _click(3, "v2", "A", 1.5),
        _leave(1, "v2", 2), _join(3, "v3", 2), _join(4, "v2", 2 + 10 / 60),
        _order("o1", "v1", "A", 2, "49.90", 2.5),
        _pay("p1", "o1", "failed", "99.80", 2 + 40 / 60),
        _pay("p2", "o1", "paid", "99.80", 2 + 50 / 60), _pay("p2", "o1", "paid", "99.80", 2 + 50 / 60),
        {"id": "unpin-a", "type": "product_unpin", "ts": _at(3), "sku": "A"},
        _order("o2", "v3", "A", 1, "49.90", 3.5),
        _pay("p3", "o2", "paid", "49.90", 3 + 40 / 60),
        {"id": "x2", "type": "order_cancel", "ts": _at(3 + 50 / 60), "order_id": "o2", "reason": "changed mind"},
        _leave(2, "v1", 4),
        {"id": "chat1", "type": "chat", "ts": _at(4), "viewer_id": "v3", "nickname": "v3", "text": "谢谢主播"},
        _order("o3", "b7", "B", 1, "19.90", 65, source="post_stream"),
        _pay("p4", "o3", "paid", "19.90", 66),
    ]


@pytest.fixture
def ended(api):
    """Return the id of the ended worked-example broadcast, its events posted through the API."""
    api.product("A", stock=100, price="49.90")
    api.product("B", stock=100, price="19.90")
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "Worked", "platform": "douyin"}).get_json()["id"]
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": S.isoformat()}).status_code == 200
    for sku in ("A", "B"):
        api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": sku})
    results = api.events(broadcast_id, _worked_example()).get_json()["results"]
    statuses = [r["status"] for r in results]
    assert statuses.count("rejected") == 0, [r for r in results if r["status"] == "rejected"]
    assert statuses.count("duplicate") == 1
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": _at(5)}).status_code == 200
    return broadcast_id


@pytest.fixture
def metrics(api, ended):
    """Return the metrics JSON of the worked example."""
    response = api.get(f"/api/v1/broadcasts/{ended}/metrics")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_audience_metrics_follow_the_online_state_rules(metrics):
    assert metrics["views"] == 4
    assert metrics["unique_viewers"] == 3
    assert metrics["peak_concurrent_viewers"] == 3
    assert metrics["avg_watch_seconds"] == pytest.approx(226.7)


def test_click_metrics(metrics):
    assert metrics["product_clickers"] == 2
    assert 0 <= metrics["click_rate"] <= 1


def test_order_metrics_count_failed_then_paid_once_and_cancellations_after_payment_as_unpaid(metrics):
    assert metrics["orders"] == 3
    assert metrics["paid_orders"] == 2
    assert metrics["buyers"] == 2
    assert metrics["gmv"] == "119.70"


def test_money_ratios_are_strings_with_two_decimals(metrics):
    assert metrics["gpm"] == "29925.00"  # 119.70 × 1000 ÷ 4 views
    assert metrics["gpm_per_viewer"] == "39900.00"  # ÷ 3 unique viewers
    assert metrics["uv_value"] == "39.90"
    assert metrics["aov"] == "59.85"


def test_click_to_buy_rate_counts_buyers_who_clicked(metrics):
    assert metrics["click_to_buy_rate"] == 0.5  # of buyers v1 and b7, only v1 clicked


def test_by_product_is_keyed_by_sku_with_pinned_intervals(metrics):
    a = metrics["by_product"]["A"]
    assert (a["clicks"], a["clickers"], a["orders"], a["units"], a["gmv"]) == (3, 2, 1, 2, "99.80")
    assert a["pinned_seconds"] == pytest.approx(120.0)
    assert a["clicks_while_pinned"] == 3
    assert a["orders_while_pinned"] == 1
    b = metrics["by_product"]["B"]
    assert (b["orders"], b["units"], b["gmv"], b["pinned_seconds"]) == (1, 1, "19.90", 0)


def test_by_source_has_every_source(metrics):
    assert metrics["by_source"]["in_stream"] == {"orders": 1, "gmv": "99.80"}
    assert metrics["by_source"]["product_link"] == {"orders": 0, "gmv": "0.00"}
    assert metrics["by_source"]["post_stream"] == {"orders": 1, "gmv": "19.90"}


def test_the_timeline_has_a_row_per_minute_with_its_counts(metrics):
    rows = {row["minute"]: row for row in metrics["timeline"]}
    first = rows[S.isoformat()]
    assert (first["joins"], first["online"], first["chat"], first["clicks"], first["orders"], first["paid_gmv"]) == \
        (2, 2, 0, 0, 0, "0.00")
    third = rows[(S + timedelta(minutes=2)).isoformat()]
    assert (third["joins"], third["online"], third["orders"], third["paid_gmv"]) == (2, 3, 1, "99.80")
    fifth = rows[(S + timedelta(minutes=4)).isoformat()]
    assert (fifth["chat"], fifth["online"]) == (1, 2)
    assert sum(row["clicks"] for row in metrics["timeline"]) == 3
    assert set(metrics["timeline"][0]) >= {"minute", "joins", "online", "chat", "clicks", "orders", "paid_gmv"}


def test_the_attribution_window_is_configurable(api, ended):
    narrow = api.get(f"/api/v1/broadcasts/{ended}/metrics?attribution_days=0").get_json()
    assert (narrow["orders"], narrow["paid_orders"], narrow["gmv"]) == (2, 1, "99.80")


def test_a_bad_attribution_window_is_a_400_naming_it(api, ended):
    response = api.get(f"/api/v1/broadcasts/{ended}/metrics?attribution_days=-1")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "attribution_days"


def test_zero_denominators_are_null_and_money_is_zero(api):
    broadcast_id = api.live_broadcast()
    body = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics").get_json()
    for ratio in ("click_rate", "conversion_rate", "click_to_buy_rate", "avg_watch_seconds", "gpm",
                  "gpm_per_viewer", "uv_value", "aov"):
        assert body[ratio] is None, ratio
    assert body["gmv"] == "0.00"
    assert (body["views"], body["orders"]) == (0, 0)


def test_the_metrics_of_an_unknown_broadcast_are_a_404(api):
    response = api.get("/api/v1/broadcasts/987654/metrics")
    assert response.status_code == 404
    assert {"code", "message", "field"} <= set(response.get_json()["error"])


def test_the_metrics_are_for_analysts_and_hosts(app, users, ended):
    for role, status in (("analyst", 200), ("host", 200), ("moderator", 403)):
        assert login(app, role).get(f"/api/v1/broadcasts/{ended}/metrics").status_code == status, role


@pytest.mark.slow
def test_the_report_command_writes_a_standalone_html_file(app, ended, tmp_path):
    out = tmp_path / "report.html"
    result = app.test_cli_runner().invoke(args=["report", str(ended), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "plotly" in html.lower()
    assert not re.search(r"<script[^>]*\ssrc=", html)  # plotly.js embedded, nothing fetched


def test_the_report_pages_and_csv_exports_answer(app, users, ended):
    client = login(app, "analyst")
    assert client.get(f"/broadcasts/{ended}/analytics").status_code == 200
    assert client.get(f"/broadcasts/{ended}/report").status_code == 200
    for table in ("by_product", "by_source", "timeline"):
        response = client.get(f"/broadcasts/{ended}/report/{table}.csv")
        assert response.status_code == 200, table
        assert response.mimetype == "text/csv"


def _edge_cases() -> list[dict]:
    """Return joins while online, a leave without a join, a leave and a join at one instant, a join before the start,
    a viewer online at the end, an order cancelled before payment and a duplicate delivery."""
    return [
        {"id": "e1", "type": "viewer_join", "ts": _at(-10), "viewer_id": "early"},  # counts from the start
        _join("e2", "w1", 1), _join("e3", "w1", 2),  # a join while online changes nothing
        _leave("e4", "ghost", 1),  # a leave without a join changes nothing
        _leave("e5", "w1", 3), _join("e6", "w2", 3),  # at one instant: the leave first
        _join("e7", "w2", 3.5), _join("e7", "w2", 3.5),  # the same event delivered twice counts once
        _order("q1", "w2", "A", 1, "49.90", 4),
        {"id": "q1-x", "type": "order_cancel", "ts": _at(4.2), "order_id": "q1", "reason": "mistake"},
        _pay("q1-p", "q1", "paid", "49.90", 4.4),
    ]


def test_online_state_edge_cases(api):
    api.product("A", stock=100, price="49.90")
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "Edges", "platform": "douyin"}).get_json()["id"]
    api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": S.isoformat()})
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "A"})
    results = api.events(broadcast_id, _edge_cases()).get_json()["results"]
    assert [r["status"] for r in results].count("rejected") == 0, results
    api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": _at(5)})
    metrics = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics").get_json()
    assert metrics["views"] == 5  # early, w1 twice, w2 twice (e7 once: the repeated delivery counts once)
    assert metrics["unique_viewers"] == 3
    # early 0→5 (300 s), w1 1→3 (120 s), w2 3→5 (120 s): at 3:00 w1 leaves before w2 joins, so never 3 at once
    assert metrics["peak_concurrent_viewers"] == 2
    assert metrics["avg_watch_seconds"] == pytest.approx(round(540 / 3, 1))
    assert (metrics["orders"], metrics["paid_orders"], metrics["gmv"], metrics["buyers"]) == (1, 0, "0.00", 0)
    assert metrics["aov"] is None
    assert metrics["conversion_rate"] == 0
