"""The one formula-safe CSV writer: every cell a spreadsheet could run as a formula is escaped (pure).

Text in LiveDesk's exports is typed by buyers, viewers and staff, and the files are opened in spreadsheets,
which run a cell starting with = + - @ (or tab, CR) as a formula (OWASP "CSV injection"). Such a cell gets a
leading apostrophe, which a spreadsheet shows as text. Numbers are computed by LiveDesk and stay as they are.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Return value ready for a CSV cell: None as empty, text that starts like a formula with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unescape_cell(text: str) -> str:
    """Return a cell read back from a file without the apostrophe escape_cell added (other apostrophes are kept)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return the header and rows as RFC 4180 CSV text (CRLF line ends), every cell escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(name) for name in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return out.getvalue()
