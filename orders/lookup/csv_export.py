"""The look-up's CSV (pure): one row per order, written by the one formula-safe writer (app.csv)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from app.csv import csv_text

LOOKUP_COLUMNS = ("order_id", "broadcast_id", "status", "source", "buyer_id", "buyer_name", "buyer_phone",
                  "buyer_address", "member_tier", "items", "units", "total", "paid_amount", "placed_at")


def lookup_row(order: Mapping) -> list[object]:
    """Return the LOOKUP_COLUMNS cells of one order as order_to_dict shows it (masked by the caller)."""
    buyer = order.get("buyer") or {}
    address = buyer.get("address") or {}
    return [
        order["order_id"], order["broadcast_id"], order["status"], order["source"], buyer.get("id"), buyer.get("name"),
        buyer.get("phone"),
        " ".join(part for part in (address.get(k) for k in ("province", "city", "district", "detail")) if part),
        buyer.get("member_tier"),
        "; ".join(f"{line['sku']} x{line['qty']}" for line in order.get("items") or []),
        order.get("units"), order.get("total"), order.get("paid_amount"), order.get("placed_at"),
    ]


def lookup_csv_parts(chunks: Iterable[Iterable[Mapping]]) -> Iterator[str]:
    """Yield the CSV text a chunk of orders at a time: the header first, then each chunk's rows."""
    header = csv_text(LOOKUP_COLUMNS, ())
    yield header
    for orders in chunks:
        # The one writer always starts with the header line; the rows after it are this chunk's part of the file.
        yield csv_text(LOOKUP_COLUMNS, (lookup_row(order) for order in orders))[len(header):]
