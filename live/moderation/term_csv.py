"""Term lists as CSV (pure): export with formula cells escaped, import back to plain rows.

Terms are typed by anyone who can reach the console and the file is opened in spreadsheets: cells are
written by the one formula-safe writer (app.csv), and import removes exactly the apostrophe it adds, so an
export imports back unchanged.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from app.csv import csv_text, unescape_cell

COLUMNS = ("term", "category", "action", "broadcast_id", "created_by", "created_at")
MAX_ROWS = 20_000


class CsvError(ValueError):
    """A CSV file that cannot be read as a term list; field names the row and column at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def to_csv(rows: Iterable[Sequence[object]]) -> str:
    """Return the COLUMNS header and rows as CSV text (CRLF line ends, a byte-order mark so Excel reads Chinese terms
    as UTF-8), every cell escaped; read_terms skips the mark, so an export imports back unchanged."""
    return csv_text(COLUMNS, rows, bom=True)


def read_terms(text: str) -> list[dict]:
    """Return one dict per data row ({"term", "category"?, "action"?, "broadcast_id"?}), blank rows skipped."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))  # spreadsheets often save a BOM
    header = next(reader, None)
    names = [unescape_cell(h).strip().lower() for h in header or []]
    if "term" not in names:
        raise CsvError("csv", 'the first row must name the columns and include "term"')
    rows: list[dict] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise CsvError("csv", f"at most {MAX_ROWS} terms per file")
        row: dict = {}
        for name, cell in zip(names, cells):
            value = unescape_cell(cell).strip()
            if name in ("term", "category", "action") and value:
                row[name] = value
            elif name == "broadcast_id" and value:
                # ASCII and bounded: "²" and "١" pass isdigit(), and int() of 5,000 digits raises.
                if not (value.isascii() and value.isdigit() and len(value) <= 10):
                    raise CsvError(f"csv.row[{number}].broadcast_id", f"row {number}: broadcast_id must be a number")
                row[name] = int(value)
        row["_line"] = number
        rows.append(row)
    return rows
