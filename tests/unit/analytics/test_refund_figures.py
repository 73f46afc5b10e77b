"""Refund figures in the metrics (pure): net GMV, refund and return rates from raw counts, and the report's rows."""
from __future__ import annotations

from decimal import Decimal

from analytics.metrics.definitions import BaseCounts, finalize
from analytics.report.refunds import product_rows, reason_rows
from analytics.sql.refunds import ProductAftersales, ReasonAftersales, is_return


def _counts(**refunds) -> BaseCounts:
    return BaseCounts(views=10, unique_viewers=5, total_online_seconds=Decimal(0), peak_concurrent_viewers=2,
                      product_clickers=0, orders=4, paid_orders=3, buyers=3, gmv=Decimal("299.97"),
                      buyer_clickers=0, **refunds)


def test_net_gmv_is_gmv_less_refunded_and_the_rates_are_over_paid_orders():
    got = finalize(_counts(refunded=Decimal("99.99"), refunded_orders=1, returned_orders=2))
    assert (got["gmv"], got["refunded"], got["net_gmv"]) == ("299.97", "99.99", "199.98")
    assert (got["refund_rate"], got["return_rate"]) == (0.3333, 0.6667)


def test_without_refunds_net_gmv_equals_gmv():
    got = finalize(_counts())
    assert (got["net_gmv"], got["refunded"], got["refunded_orders"], got["refund_rate"]) == ("299.97", "0.00", 0, 0.0)


def test_rates_are_null_without_paid_orders():
    got = finalize(BaseCounts(0, 0, Decimal(0), 0, 0, 0, 0, 0, Decimal(0), 0))
    assert (got["refund_rate"], got["return_rate"], got["net_gmv"]) == (None, None, "0.00")


def test_a_return_is_an_agreed_return_or_exchange_that_was_not_withdrawn():
    assert is_return("return_refund", "awaiting_return") and is_return("exchange", "completed")
    assert not is_return("return_refund", "requested") and not is_return("return_refund", "cancelled")
    assert not is_return("return_refund", "closed") and not is_return("repair", "received")
    assert not is_return("refund_only", "refunded")


def test_product_rows_list_sellers_and_returns_and_leave_out_products_only_clicked():
    metrics = {"by_product": {"A": {"orders": 4}, "B": {"orders": 0}, "C": {"orders": 1}}}
    a = ProductAftersales(refunded=Decimal("10.50"), refunded_orders={1}, returned_orders={1, 2}, returned_units=3)
    a.reasons["size_fit"] = 2
    rows = product_rows(metrics, {"A": a})
    assert [row["sku"] for row in rows] == ["A", "C"]
    assert {key: rows[0][key] for key in ("paid_orders", "refunded_orders", "refund_rate", "refunded",
                                           "returned_orders", "returned_units", "return_rate", "returns_size_fit",
                                           "returns_quality")} == {
        "paid_orders": 4, "refunded_orders": 1, "refund_rate": 0.25, "refunded": "10.50", "returned_orders": 2,
        "returned_units": 3, "return_rate": 0.5, "returns_size_fit": 2, "returns_quality": 0}
    assert rows[1]["refund_rate"] == 0.0 and rows[1]["refunded"] == "0.00"


def test_reason_rows_follow_the_reason_list_and_unknown_reasons_come_last():
    found = {"zz_new": ReasonAftersales(1, 0, Decimal(0)), "other": ReasonAftersales(2, 1, Decimal("5")),
             "quality": ReasonAftersales(3, 2, Decimal("7.10"))}
    assert [(row["reason"], row["cases"], row["refunded"]) for row in reason_rows(found)] == [
        ("quality", 3, "7.10"), ("other", 2, "5.00"), ("zz_new", 1, "0.00")]
