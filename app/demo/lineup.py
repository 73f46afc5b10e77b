"""The line-up a simulated broadcast sells (pure): its products, their on-air codes, link numbers and prices."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.demo import data


@dataclass(frozen=True)
class Sellable:
    """A SKU that holds stock, with the price it sells for in this broadcast."""

    sku: str
    price: Decimal


@dataclass(frozen=True)
class LineupItem:
    """A line-up product: its SKU (pinned and clicked), its on-air code (A1, A2...), the SKUs buyers order and its
    link number (3 for "3号链接": comment-selling claims name it)."""

    sku: str
    code: str
    sellables: tuple[Sellable, ...]
    link: int = 0


def lineup_from_snapshot(snapshot: dict) -> list[LineupItem]:
    """Return the line-up of a GET /snapshot answer, each SKU at its live price (else its list price)."""
    items = []
    for position, product in enumerate(snapshot.get("stock") or []):
        live = product.get("live_price")
        variants = product.get("variants") or [product]
        sellables = tuple(Sellable(v["sku"], Decimal(live or v["price"])) for v in variants)
        items.append(LineupItem(product["sku"], f"A{position + 1}", sellables, product.get("link_no") or position + 1))
    return items


def lineup_from_catalogue(specs: tuple[data.ProductSpec, ...] = data.CATALOGUE) -> list[LineupItem]:
    """Return the line-up the demo broadcast has after seed-demo, without asking a server."""
    items = []
    for position, spec in enumerate(specs):
        price = spec.live_price if spec.live_price is not None else spec.price
        skus = [v.sku for v in spec.variants] or [spec.sku]
        items.append(LineupItem(spec.sku, f"A{position + 1}", tuple(Sellable(s, price) for s in skus), position + 1))
    return items
