"""The one formula-safe CSV writer: every cell a spreadsheet could run as a formula is escaped (pure).

Text in LiveDesk's exports is typed by buyers, viewers and staff, and the files are opened in spreadsheets,
which run a cell starting with = + - @ (or tab, CR) as a formula (OWASP "CSV injection"). Spreadsheets also
skip leading spaces and line feeds and read the full-width signs ＝ ＋ － ＠ as = + - @, so the check is made
on the text with leading whitespace trimmed and full-width characters folded (NFKC). Such a cell gets a
leading apostrophe, which a spreadsheet shows as text. Numbers are computed by LiveDesk and stay as they are.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel reads a CSV file as the system's legacy code page unless it starts with this mark: Chinese turns to mojibake.
BYTE_ORDER_MARK = "\ufeff"


def looks_like_formula(text: str) -> bool:
    """Return True when a spreadsheet could read text as a formula (after its leading spaces, in half-width)."""
    return text.startswith(FORMULA_PREFIXES) or unicodedata.normalize("NFKC", text).lstrip().startswith(FORMULA_PREFIXES)


def escape_cell(value: object) -> object:
    """Return value ready for a CSV cell: None as empty, text that starts like a formula with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    # Apostrophes already in front of a formula get one more, so unescape_cell gives the text back exactly.
    return "'" + text if looks_like_formula(text.lstrip("'")) else text


def unescape_cell(text: str) -> str:
    """Return a cell read back from a file without the apostrophe escape_cell added (other apostrophes are kept)."""
    if text.startswith("'") and looks_like_formula(text.lstrip("'")):
        return text[1:]
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False) -> str:
    """Return the header and rows as RFC 4180 CSV text (CRLF line ends), every cell escaped; with bom, a file that
    starts with BYTE_ORDER_MARK so a spreadsheet opened by double-click reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(name) for name in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return (BYTE_ORDER_MARK if bom else "") + out.getvalue()
