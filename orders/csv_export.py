"""CSV text from rows, safe to open in a spreadsheet (pure functions, no Flask or database)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

QUEUE_COLUMNS = ("order_id", "broadcast_id", "buyer_name", "buyer_phone", "buyer_address", "items", "total",
                 "findings", "age_seconds", "claimed_by")


def escape_cell(value: object) -> str:
    """Return value as text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return the header and rows as RFC 4180 CSV text (CRLF line ends), every cell escaped."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([escape_cell(name) for name in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return out.getvalue()


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
    return to_csv(QUEUE_COLUMNS, (queue_row(order, usernames) for order in orders))
