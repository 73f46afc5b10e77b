"""Net GMV, refund and return rates of a broadcast, per product and per reason (docs/metrics.md "Refunds and
returns"): exact figures, to the cent, on a seeded broadcast whose cases and refunds are written straight into the
after-sales tables (the metrics read them as they stand, whichever way they got there). SQLite, then PostgreSQL
(CI=true)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from analytics.api import openapi as metrics_openapi
from app.extensions import db
from orders.aftersales.models import AftersaleCase, CaseLine, Refund
from orders.models import Order
from tests.functional.test_openapi import conforms
from tests.support import analytics as ax
from tests.support import databases
from tests.support.auth import login
from tests.unit.analytics.events import END, START, at, cancel, order, payment


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcast with the platform clock a few days after it (times are bounded around now)."""
    ax.platform_clock(monkeypatch, END + ax.PLATFORM_CLOCK_AFTER)


def _paid(minute: int, order_id: str, lines: list[tuple[str, int, str]], amount: str) -> list[dict]:
    return [order(at(minute), order_id, f"buyer-{order_id}", lines), payment(at(minute, 30), order_id, amount)]


def _case(order_id: str, case_type: str, reason: str, status: str, lines=(), refunds=()) -> None:
    """Write one case of the order with its lines [(sku, qty, unit price)] and refunds [(amount, status, lines)]."""
    order_row = db.session.scalar(sa.select(Order).where(Order.order_id == order_id))
    number = db.session.scalar(sa.select(sa.func.count()).select_from(AftersaleCase)) + 1
    case = AftersaleCase(case_id=f"AS-{number}", order_pk=order_row.id, broadcast_id=order_row.broadcast_id,
                         type=case_type, reason=reason, status=status, requested_by="test")
    case.lines = [CaseLine(sku=sku, qty=qty, unit_price=Decimal(price)) for sku, qty, price in lines]
    db.session.add(case)
    db.session.flush()
    for i, (amount, refund_status, refund_lines) in enumerate(refunds):
        db.session.add(Refund(refund_id=f"RF-{number}-{i}", case_pk=case.id, order_pk=order_row.id,
                              amount=Decimal(amount), status=refund_status, lines=list(refund_lines),
                              created_by="test"))


@pytest.fixture
def people(any_app):
    """Create one user per role on any_app."""
    return databases.create_users(any_app)


@pytest.fixture
def broadcast_id(any_app, any_api):
    """Return an ended broadcast with four paid orders (GMV 360.00), a cancelled one and an unpaid one, and cases.

    o1 A×2 100.00 · o2 B×1 80.00 · o3 A×1 + B×1 130.00 · o6 A×1 50.00 · o4 A×1 50.00 cancelled · o5 unpaid.
    """
    broadcast = ax.start_broadcast(any_api, START)
    events = (_paid(1, "o1", [("A", 2, "50.00")], "100.00") + _paid(2, "o2", [("B", 1, "80.00")], "80.00")
              + _paid(3, "o3", [("A", 1, "50.00"), ("B", 1, "80.00")], "130.00")
              + _paid(4, "o4", [("A", 1, "50.00")], "50.00") + [cancel(at(4, 40), "o4")]
              + [order(at(5), "o5", "buyer-o5", [("A", 1, "50.00")])]
              + _paid(6, "o6", [("A", 1, "50.00")], "50.00"))
    ax.ingest(any_api, broadcast, events)
    ax.end_broadcast(any_api, broadcast, at(9))
    with any_app.app_context():
        a_line = [{"sku": "A", "qty": 1, "amount": "50.00"}]
        _case("o1", "return_refund", "size_fit", "refunded", [("A", 1, "50.00")],
              [("50.00", "succeeded", a_line), ("10.00", "failed", a_line)])
        _case("o3", "refund_only", "quality", "refunded", [("B", 1, "80.00")],
              [("33.33", "succeeded", [{"sku": "B", "qty": 1, "amount": "33.33"}])])
        _case("o3", "refund_only", "duplicate_payment", "refunded", [], [("130.00", "succeeded", [])])
        _case("o2", "exchange", "size_fit", "awaiting_return", [("B", 1, "80.00")])
        _case("o2", "return_refund", "quality", "cancelled", [("B", 1, "80.00")], [("5.00", "pending", [])])
        _case("o4", "return_refund", "quality", "refunded", [("A", 1, "50.00")], [("50.00", "succeeded", a_line)])
        _case("o6", "return_refund", "no_reason_7d", "awaiting_return", [("A", 1, "50.00")])
        db.session.commit()
    return broadcast


def test_net_gmv_takes_off_succeeded_goods_refunds_of_the_orders_gmv_counts(any_api, broadcast_id):
    got = ax.metrics(any_api, broadcast_id)
    assert (got["gmv"], got["paid_orders"]) == ("360.00", 4)
    # 50.00 (o1) + 33.33 (o3); not the failed or pending ones, not the duplicate payment, not the cancelled o4.
    assert (got["refunded"], got["net_gmv"]) == ("83.33", "276.67")
    assert (got["refunded_orders"], got["refund_rate"]) == (2, 0.5)
    # o1 (returned and refunded), o2 (exchange awaiting its parcel), o6; the cancelled return of o2 is none.
    assert (got["returned_orders"], got["return_rate"]) == (3, 0.75)


def test_a_broadcast_without_cases_has_net_gmv_equal_to_gmv_and_zero_rates(any_api):
    broadcast = ax.start_broadcast(any_api, START)
    ax.ingest(any_api, broadcast, _paid(1, "n1", [("A", 1, "12.34")], "12.34"))
    ax.end_broadcast(any_api, broadcast, at(5))
    got = ax.metrics(any_api, broadcast)
    assert (got["gmv"], got["net_gmv"], got["refunded"], got["refund_rate"], got["return_rate"]) == (
        "12.34", "12.34", "0.00", 0.0, 0.0)


def test_the_documented_schema_describes_the_refund_fields(any_api, broadcast_id):
    doc = {"components": {"schemas": metrics_openapi.schemas(), "parameters": metrics_openapi.parameters()}}
    operation = metrics_openapi.paths()["/api/v1/broadcasts/{broadcast_id}/metrics"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert conforms(ax.metrics(any_api, broadcast_id), schema, doc) == []
    assert {"net_gmv", "refunded", "refund_rate", "return_rate"} <= set(doc["components"]["schemas"]
                                                                         ["BroadcastMetrics"]["required"])


def _csv(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, response.data[:200]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_refunds_and_returns_per_product_to_the_cent(any_app, people, broadcast_id):
    rows = {row["sku"]: row for row in _csv(login(any_app, "analyst"), f"/broadcasts/{broadcast_id}/report/refunds.csv")}
    assert set(rows) == {"A", "B"}
    a, b = rows["A"], rows["B"]
    assert (a["paid_orders"], a["refunded_orders"], a["refund_rate"], a["refunded"]) == ("3", "1", "0.3333", "50.00")
    assert (a["returned_orders"], a["returned_units"], a["return_rate"]) == ("2", "2", "0.6667")
    assert (a["returns_size_fit"], a["returns_no_reason_7d"], a["returns_quality"]) == ("1", "1", "0")
    assert (b["paid_orders"], b["refunded_orders"], b["refund_rate"], b["refunded"]) == ("2", "1", "0.5", "33.33")
    assert (b["returned_orders"], b["returned_units"], b["return_rate"], b["returns_size_fit"]) == ("1", "1", "0.5", "1")


def test_cases_per_reason_count_every_case_of_the_counted_orders(any_app, people, broadcast_id):
    rows = _csv(login(any_app, "host"), f"/broadcasts/{broadcast_id}/report/refund_reasons.csv")
    assert [(r["reason"], r["cases"], r["returns"], r["refunded"]) for r in rows] == [
        ("quality", "2", "0", "33.33"), ("size_fit", "2", "2", "50.00"), ("no_reason_7d", "1", "1", "0.00"),
        ("duplicate_payment", "1", "0", "130.00")]


def test_the_report_and_the_dashboard_show_net_gmv_beside_gmv(any_app, people, broadcast_id):
    client = login(any_app, "analyst")
    report = client.get(f"/broadcasts/{broadcast_id}/report").get_data(as_text=True)
    assert 'data-metric="net_gmv">¥276.67<' in report and 'data-metric="refund_rate">50.00%<' in report
    assert 'id="refunds-by-product"' in report and "Size or fit 1" in report
    assert 'href="/broadcasts/%d/report/refunds.csv' % broadcast_id in report
    dashboard = client.get(f"/broadcasts/{broadcast_id}/analytics").get_data(as_text=True)
    assert 'data-metric="net_gmv">¥276.67<' in dashboard and 'data-metric="return_rate">75.00%<' in dashboard
    standalone = client.get(f"/broadcasts/{broadcast_id}/report.html").get_data(as_text=True)
    assert 'id="net-gmv"><strong>¥276.67<' in standalone


@pytest.mark.slow
def test_only_the_analytics_roles_may_download_the_refund_tables(any_app, people, broadcast_id):
    for role in ("moderator", "auditor", "aftersales"):
        assert login(any_app, role).get(f"/broadcasts/{broadcast_id}/report/refunds.csv").status_code == 403, role
