"""Reading a catalogue CSV (pure): decoding, the header, one checked row per line, and the checks across rows.

Columns (docs/catalogue.md): sku, name, price, variant_sku, size, colour, variant_price, stock. One line per
variant (or one per product sold without variants); name and price may be left blank on a product's later lines.
Cells are read as exported by LiveDesk too: the apostrophe app.csv puts before formula-like text is taken off.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.csv import unescape_cell
from app.http.validation import is_path_segment

COLUMNS = ("sku", "name", "price", "variant_sku", "size", "colour", "variant_price", "stock")
# Other names a seller's sheet gives the columns: English variants, and the Chinese of the page's own labels.
HEADER_ALIASES = {"color": "colour", "variant": "variant_sku",
                  "商品sku": "sku", "商品编码": "sku", "名称": "name", "商品名称": "name", "价格": "price", "售价": "price",
                  "规格sku": "variant_sku", "规格_sku": "variant_sku", "规格编码": "variant_sku", "尺码": "size",
                  "尺寸": "size", "颜色": "colour", "规格价格": "variant_price", "库存": "stock"}
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
TEXT_LIMITS = {"sku": 64, "name": 200, "variant_sku": 64, "size": 32, "colour": 32}
MAX_PRICE = Decimal("100000000")
MAX_STOCK = 10_000_000


class CsvFileError(Exception):
    """A file that cannot be read as a catalogue at all; carries the HTTP status, code and field."""

    def __init__(self, status: int, code: str, field: str, message: str):
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell (or with the line as a whole)."""

    field: str
    code: str
    message: str


@dataclass
class CsvRow:
    """One line of the file, its cells parsed; errors lists every cell that could not be."""

    line: int
    sku: str | None = None
    name: str | None = None
    price: Decimal | None = None
    variant_sku: str | None = None
    size: str | None = None
    colour: str | None = None
    variant_price: Decimal | None = None
    stock: int | None = None
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Return the file's text: UTF-8 (with or without a byte-order mark), else GB18030 (Excel's Chinese CSV)."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(413, "too_large", "body", f"the file is larger than {MAX_BYTES // 1024} KiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise CsvFileError(400, "invalid_encoding", "body", "the file is neither UTF-8 nor GB18030 text") from None


def read_rows(data: bytes) -> list[CsvRow]:
    """Return the file's rows, each parsed and checked on its own and against the others."""
    text = decode(data)
    if "\x00" in text:
        raise CsvFileError(400, "invalid_character", "body", "the file holds NUL characters")
    lines = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(lines, None)
        if header is None:
            raise CsvFileError(400, "empty_file", "body", "the file is empty; it needs a header line")
        columns = read_header(header)
        rows = []
        for line_number, cells in enumerate(lines, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise CsvFileError(400, "too_many_rows", "body", f"the file has more than {MAX_ROWS} rows")
            rows.append(parse_row(line_number, dict(zip(columns, cells)), extra=len(cells) > len(columns)))
    except csv.Error as error:
        raise CsvFileError(400, "invalid_csv", "body", f"the file is not valid CSV: {error}") from None
    if not rows:
        raise CsvFileError(400, "empty_file", "body", "the file has a header but no rows")
    check_across(rows)
    return rows


def read_header(cells: list[str]) -> list[str]:
    """Return the column names of the header line; raise naming an unknown, repeated or missing column."""
    names = []
    for cell in cells:
        name = unicodedata.normalize("NFKC", cell).strip().lower().replace(" ", "_")
        name = HEADER_ALIASES.get(name, name)
        if name not in COLUMNS:
            raise CsvFileError(400, "unknown_column", name or "header",
                               f"unknown column {cell.strip()!r}; the columns are {', '.join(COLUMNS)}")
        if name in names:
            raise CsvFileError(400, "duplicate_column", name, f"column {name} appears twice")
        names.append(name)
    if "sku" not in names:
        raise CsvFileError(400, "missing_column", "sku", "the header needs a sku column")
    return names


def parse_row(line: int, cells: dict[str, str], extra: bool = False) -> CsvRow:
    """Return one row with every cell parsed; a cell that does not parse is left None with an error naming it."""
    row = CsvRow(line=line)
    if extra:
        row.errors.append(RowError("line", "extra_cells", "the line has more cells than the header"))
    for name, limit in TEXT_LIMITS.items():
        value = unescape_cell(cells.get(name, "").strip()).strip()
        if len(value) > limit:
            row.errors.append(RowError(name, "too_long", f"{name} is longer than {limit} characters"))
        elif name in ("sku", "variant_sku") and value and not is_path_segment(value):
            row.errors.append(RowError(name, "invalid_character", f"{name} must not contain / or be . or .."))
        elif value:
            setattr(row, name, value)
    for name in ("price", "variant_price"):
        raw = cells.get(name, "").strip()
        if raw:
            amount = parse_money(raw)
            if amount is None:
                row.errors.append(RowError(name, "invalid_amount",
                                           f"{name} must be an amount from 0 to 100000000 with at most 2 decimals"))
            setattr(row, name, amount)
    raw_stock = unicodedata.normalize("NFKC", cells.get("stock", "")).strip()
    if raw_stock:
        if raw_stock.isascii() and raw_stock.isdigit() and len(raw_stock) <= 12 and int(raw_stock) <= MAX_STOCK:
            row.stock = int(raw_stock)
        else:
            row.errors.append(RowError("stock", "invalid_stock", f"stock must be a whole number from 0 to {MAX_STOCK}"))
    if row.sku is None and not any(e.field == "sku" for e in row.errors):
        row.errors.append(RowError("sku", "missing_field", "sku is required"))
    if (row.size or row.colour or row.variant_price is not None) and not row.variant_sku:
        row.errors.append(RowError("variant_sku", "missing_field",
                                   "variant_sku is required when size, colour or variant_price is given"))
    return row


def parse_money(raw: str) -> Decimal | None:
    """Return a price cell ("89", "89.50", "¥89.50", full-width digits) as a Decimal, or None when it is not one."""
    text = unicodedata.normalize("NFKC", raw).strip().lstrip("¥").strip()
    # Spreadsheets may write 1E+03, so the exponent stays; "1_000" and Arabic-Indic digits are Python's spellings.
    if not text.isascii() or "_" in text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def check_across(rows: list[CsvRow]) -> None:
    """Add the errors only the whole file shows: a SKU on two lines, a product both with and without variants,
    two names or prices for one product."""
    variant_lines: dict[str, int] = {}
    plain_lines: dict[str, int] = {}
    known: dict[tuple[str, str], tuple[object, int]] = {}
    for row in rows:
        if row.sku is None:
            continue
        if row.variant_sku:
            if row.variant_sku in variant_lines:
                row.errors.append(RowError("variant_sku", "duplicate_sku",
                                           f"variant_sku {row.variant_sku} is on line {variant_lines[row.variant_sku]} too"))
            variant_lines.setdefault(row.variant_sku, row.line)
        else:
            if row.sku in plain_lines:
                row.errors.append(RowError("sku", "duplicate_sku", f"sku {row.sku} is on line {plain_lines[row.sku]} too"))
            plain_lines.setdefault(row.sku, row.line)
        for name in ("name", "price"):
            mine = getattr(row, name)
            if mine is None:
                continue
            theirs, line = known.setdefault((row.sku, name), (mine, row.line))
            if theirs != mine:
                row.errors.append(RowError(name, "conflicting_value", f"{name} differs from line {line} of the same product"))
    product_skus = {row.sku for row in rows if row.sku}
    for row in rows:
        if row.sku in plain_lines and row.variant_sku:
            row.errors.append(RowError("variant_sku", "mixed_variants",
                                       f"line {plain_lines[row.sku]} sells {row.sku} without variants"))
        if row.variant_sku and row.variant_sku in product_skus:
            row.errors.append(RowError("variant_sku", "duplicate_sku",
                                       f"{row.variant_sku} is a product SKU in this file"))


def product_values(rows: list[CsvRow]) -> dict[str, dict]:
    """Return {product sku: {"name", "price"}} as the file gives them (the first line that has each)."""
    found: dict[str, dict] = {}
    for row in rows:
        if row.sku is None:
            continue
        values = found.setdefault(row.sku, {"name": None, "price": None})
        for name in ("name", "price"):
            if values[name] is None:
                values[name] = getattr(row, name)
    return found
