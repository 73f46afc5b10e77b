"""CSV export of report tables (pure): rows of named columns, written by the one formula-safe writer (app.csv)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.csv import csv_text


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """Return the rows as CSV text with a byte-order mark (Excel then reads Chinese as UTF-8) and a header line,
    every cell escaped (numbers stay numbers)."""
    return csv_text(columns, ([row.get(column) for column in columns] for row in rows), bom=True)
