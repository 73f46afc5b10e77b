"""Pure stock check: how many units an order asks per SKU and which SKUs fall short.

The stock itself is changed only by ``orders/inventory/`` (conditional UPDATE); this module
only computes what to ask for and explains a shortage.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from orders.audit.findings import Finding, finding
from orders.audit.model import CatalogView, LineDraft


@dataclass(frozen=True)
class StockCheck:
    """Whether an order fits the available stock, and the missing units per short SKU."""

    ok: bool
    requested: Mapping[str, int]
    short: Mapping[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()


def requested_by_sku(lines: Sequence[LineDraft]) -> dict[str, int]:
    """Return the units requested per SKU, in first-seen order; lines of one SKU add up.

    Lines without a SKU or without a valid quantity are skipped (completeness reports them).
    """
    wanted: dict[str, int] = {}
    for line in lines:
        qty = line.quantity
        if line.sku and qty is not None:
            wanted[line.sku] = wanted.get(line.sku, 0) + qty
    return wanted


def check_stock(lines: Sequence[LineDraft], available: Mapping[str, int]) -> StockCheck:
    """Return whether ``lines`` fit ``available`` (units per SKU; absent means 0) and the shortages.

    Each short SKU gives one ``stock_short`` finding: ``warn`` when some units are left (an
    operator may split the order), ``info`` when none are (the order simply waits).
    """
    wanted = requested_by_sku(lines)
    short: dict[str, int] = {}
    found: list[Finding] = []
    for sku, qty in wanted.items():
        have = max(available.get(sku, 0), 0)
        if qty <= have:
            continue
        short[sku] = qty - have
        line_ids = [i for i, line in enumerate(lines) if line.sku == sku and line.quantity is not None]
        found.append(finding(
            "stock_short",
            f"{sku}: {qty} requested, {have} available.",
            f"{sku}：需要 {qty} 件，库存仅 {have} 件。",
            f"items[{line_ids[0]}].sku",
            severity="warn" if have > 0 else "info",
            sku=sku, requested=qty, available=have, lines=line_ids,
        ))
    return StockCheck(ok=not short, requested=wanted, short=short, findings=tuple(found))


def reservable(lines: Sequence[LineDraft], catalog: CatalogView) -> dict[str, int] | None:
    """Return the units to reserve per SKU, or None when some line cannot hold stock as it stands.

    A line holds stock when it has a valid quantity and a SKU that is sold under its own stock (a product
    without variants, or a variant). A held order whose lines all do keeps the reservation it would have had;
    one with a missing SKU, a parent SKU or a bad quantity reserves nothing and waits for a fix, not for stock.
    """
    if not lines:
        return None
    for line in lines:
        item = catalog.get(line.sku)
        if line.quantity is None or item is None or item.has_variants:
            return None
    return requested_by_sku(lines)


def behind_the_line(lines: Sequence[LineDraft], skus: Sequence[str]) -> tuple[Finding, ...]:
    """Return one stock_short finding per SKU whose free units belong to the earlier orders in its line.

    None of those units is this order's, so available is 0 (info: the order simply waits its turn).
    """
    wanted = requested_by_sku(lines)
    findings = []
    for sku in skus:
        indexes = [index for index, line in enumerate(lines) if line.sku == sku and line.quantity is not None]
        findings.append(finding(
            "stock_short",
            f"{sku}: {wanted[sku]} requested; earlier orders wait in line for its units.",
            f"{sku}：需要 {wanted[sku]} 件，前面还有订单在排队等候此商品。",
            f"items[{indexes[0]}].sku", severity="info",
            sku=sku, requested=wanted[sku], available=0, lines=indexes, behind_line=True,
        ))
    return tuple(findings)
