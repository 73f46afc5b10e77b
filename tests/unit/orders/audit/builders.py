"""Builders of audit inputs: a valid order by default, changed only where a test says so."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from orders.audit import Address, BuyerDraft, CatalogItem, CatalogView, LineDraft, OrderDraft

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def D(text: str) -> Decimal:
    """Return ``Decimal(text)``; short to keep money tables readable."""
    return Decimal(text)


def address(**changes: Any) -> Address:
    """Return a complete Hangzhou address with ``changes`` applied."""
    return replace(Address("浙江省", "杭州市", "西湖区", "文三路 1 号"), **changes)


def buyer(**changes: Any) -> BuyerDraft:
    """Return a complete buyer with ``changes`` applied."""
    return replace(BuyerDraft("buyer-1", "张三", "138 1234 5678", address()), **changes)


def line(sku: str = "TEA", qty: Any = 1, unit_price: Decimal | None = None) -> LineDraft:
    """Return an order line."""
    return LineDraft(sku, qty, unit_price)


def order(*items: LineDraft, **changes: Any) -> OrderDraft:
    """Return a valid in-stream order of ``items`` (one TEA by default) with ``changes`` applied."""
    base = OrderDraft(
        order_id="order-1",
        broadcast_id=7,
        source="in_stream",
        buyer=buyer(),
        items=list(items) or [line()],
        placed_at=NOW,
    )
    return replace(base, **changes)


def catalog() -> CatalogView:
    """Return a catalogue of a tea (live ¥80), a mug, a shirt with variants and an off-line-up vase."""
    return CatalogView.of(
        CatalogItem("TEA", "TEA", D("100"), in_lineup=True, live_price=D("80")),
        CatalogItem("MUG", "MUG", D("50"), in_lineup=True),
        CatalogItem("SHIRT", "SHIRT", D("120"), has_variants=True, in_lineup=True),
        CatalogItem("SHIRT-RED-M", "SHIRT", D("120"), has_variants=True, is_variant=True, in_lineup=True),
        CatalogItem("SHIRT-BLUE-L", "SHIRT", D("130"), has_variants=True, is_variant=True, in_lineup=True),
        CatalogItem("VASE", "VASE", D("300"), in_lineup=False),
    )


def codes(findings: Any) -> list[str]:
    """Return the codes of ``findings`` in order."""
    return [f.code for f in findings]
