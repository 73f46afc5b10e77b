"""The audit queue as CSV (pure): one row per held order, written by the one formula-safe writer (app.csv)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from app.csv import csv_text

QUEUE_COLUMNS = ("order_id", "broadcast_id", "buyer_name", "buyer_phone", "buyer_address", "items", "total",
                 "findings", "age_seconds", "claimed_by")


def queue_row(order: Mapping, usernames: Mapping[int, str]) -> list[object]:
    """Return the QUEUE_COLUMNS cells of one audit-queue order (as the queue API shows it)."""
    buyer = order.get("buyer") or {}
    address = buyer.get("address") or {}
    claimed = order.get("claimed_by")
    return [
        order["order_id"],
        order["broadcast_id"],
        buyer.get("name"),
        buyer.get("phone"),
        " ".join(part for part in (address.get(k) for k in ("province", "city", "district", "detail")) if part),
        "; ".join(f"{line['sku']} x{line['qty']}" for line in order.get("items") or []),
        order.get("total"),
        " ".join(finding["code"] for finding in order.get("findings") or []),
        order.get("age_seconds"),
        "" if claimed is None else usernames.get(claimed, f"#{claimed}"),
    ]


def queue_csv(orders: Iterable[Mapping], usernames: Mapping[int, str]) -> str:
    """Return the audit queue as CSV text with QUEUE_COLUMNS."""
    return csv_text(QUEUE_COLUMNS, (queue_row(order, usernames) for order in orders))


def queue_csv_parts(chunks: Iterable[Iterable[Mapping]], usernames: Mapping[int, str]) -> Iterator[str]:
    """Yield the audit queue as CSV text a chunk of orders at a time: the header first, then each chunk's rows."""
    header = csv_text(QUEUE_COLUMNS, ())
    yield header
    for orders in chunks:
        # The one writer always starts with the header line; the rows after it are this chunk's part of the file.
        yield csv_text(QUEUE_COLUMNS, (queue_row(order, usernames) for order in orders))[len(header):]
