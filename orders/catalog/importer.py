"""Importing a catalogue CSV: a dry run says what each line would do (create, update, unchanged, or error with the
field named); the import applies every line in one transaction, or none of them when any line has an error."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders import inventory
from orders.catalog import create_product, editing, stock
from orders.catalog.csvfile import CsvRow, RowError, product_values
from orders.models import Product, ProductVariant

IMPORT_REASON = "CSV import"


@dataclass
class LinePlan:
    """What one line of the file does: its action, the fields it changes and what is wrong with it."""

    line: int
    sku: str | None
    variant_sku: str | None
    action: str = "unchanged"
    changes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Return the line's plan as the API shows it."""
        return {"line": self.line, "sku": self.sku, "variant_sku": self.variant_sku, "action": self.action,
                "changes": self.changes,
                "errors": [{"field": e.field, "code": e.code, "message": e.message} for e in self.errors]}


@dataclass
class _Known:
    """The catalogue rows the file names, read once."""

    products: dict[str, Product]
    variants: dict[str, ProductVariant]
    levels: dict[str, inventory.Level]


def _known(session: Session, rows: list[CsvRow]) -> _Known:
    """Return the products, variants and levels under every SKU the file names."""
    skus = sorted({r.sku for r in rows if r.sku} | {r.variant_sku for r in rows if r.variant_sku})
    products = session.scalars(sa.select(Product).where(Product.sku.in_(skus))
                               .options(selectinload(Product.variants))).all()
    variants = session.scalars(sa.select(ProductVariant).where(ProductVariant.sku.in_(skus))
                               .options(selectinload(ProductVariant.product))).all()
    return _Known({p.sku: p for p in products}, {v.sku: v for v in variants}, inventory.levels(session, skus))


def plan(session: Session, rows: list[CsvRow]) -> list[LinePlan]:
    """Return what each line would do against the catalogue as it is now; nothing is written."""
    known = _known(session, rows)
    values = product_values(rows)
    plans = []
    for row in rows:
        line = LinePlan(row.line, row.sku, row.variant_sku, errors=list(row.errors))
        product = known.products.get(row.sku) if row.sku else None
        creates = False
        if row.sku and product is None:
            creates = _plan_new_product(row, known, values[row.sku], line)
        elif product is not None:
            _plan_product_changes(row, product, line)
        if row.variant_sku and product is not None and not line.errors:
            creates = _plan_variant(row, product, known, line) or creates
        if row.stock is not None and not creates:
            level = known.levels.get(row.variant_sku or row.sku or "")
            if level is not None and level.available != row.stock:
                line.changes.append("stock")
        line.action = "error" if line.errors else "create" if creates else "update" if line.changes else "unchanged"
        plans.append(line)
    return plans


def _plan_new_product(row: CsvRow, known: _Known, values: dict, line: LinePlan) -> bool:
    """Check a line of a product not in the catalogue yet; return True (it creates something)."""
    if row.sku in known.variants:
        line.errors.append(RowError("sku", "sku_exists", f"{row.sku} is a variant SKU of product "
                                                         f"{known.variants[row.sku].product.sku}"))
    for name in ("name", "price"):
        if values[name] is None and not _has_error(line, name):
            line.errors.append(RowError(name, "missing_field", f"{name} is required for a new product"))
    if row.variant_sku and (row.variant_sku in known.variants or row.variant_sku in known.products):
        line.errors.append(RowError("variant_sku", "sku_exists", f"SKU {row.variant_sku} exists already"))
    return True


def _plan_product_changes(row: CsvRow, product: Product, line: LinePlan) -> None:
    """Note a line's changes to an existing product's name and price, and a variant where none can be."""
    if row.name is not None and row.name != product.name:
        line.changes.append("name")
    if row.price is not None and row.price != product.price:
        line.changes.append("price")
    if _has_error(line, "variant_sku"):
        return
    if product.variants and not row.variant_sku:
        line.errors.append(RowError("variant_sku", "missing_field",
                                    f"product {product.sku} has variants: give the variant_sku"))
    if not product.variants and row.variant_sku:
        line.errors.append(RowError("variant_sku", "no_variants",
                                    f"product {product.sku} is sold under its own SKU, without variants"))


def _has_error(line: LinePlan, field_name: str) -> bool:
    """Return True when the line already has an error for the field (one message per cell is enough)."""
    return any(error.field == field_name for error in line.errors)


def _plan_variant(row: CsvRow, product: Product, known: _Known, line: LinePlan) -> bool:
    """Check a variant line of an existing product; return True when it adds the variant."""
    variant = known.variants.get(row.variant_sku)
    if row.variant_sku in known.products or (variant is not None and variant.product_id != product.id):
        line.errors.append(RowError("variant_sku", "sku_exists", f"SKU {row.variant_sku} belongs to another product"))
        return False
    if variant is None:
        return True
    for name, current in (("size", variant.size), ("colour", variant.colour), ("variant_price", variant.price)):
        given = getattr(row, name)
        if given is not None and given != current:
            line.changes.append(name)
    return False


def apply(session: Session, rows: list[CsvRow], actor: str, now: datetime) -> list[LinePlan]:
    """Return every line's plan after writing all of them; the caller commits or rolls back the whole.

    Raises ValueError when a line has an error (run plan first) and orders.catalog.CatalogError when the catalogue
    changed under the import (a SKU taken meanwhile).
    """
    plans = plan(session, rows)
    if any(p.errors for p in plans):
        raise ValueError("the file has errors; nothing was imported")
    values = product_values(rows)
    created_note = inventory.StockNote("created", actor, IMPORT_REASON)
    count_note = inventory.StockNote("import", actor, IMPORT_REASON)
    by_product: dict[str, list[CsvRow]] = {}
    for row in rows:
        by_product.setdefault(row.sku, []).append(row)
    for sku, lines in by_product.items():
        product = session.scalar(sa.select(Product).where(Product.sku == sku))
        if product is None:
            variants = [{"sku": r.variant_sku, "size": r.size, "colour": r.colour, "price": r.variant_price,
                         "stock": r.stock or 0} for r in lines if r.variant_sku]
            create_product(session, sku, values[sku]["name"], values[sku]["price"], lines[0].stock or 0, variants,
                           note=created_note)
            continue
        changes = {key: values[sku][key] for key in ("name", "price") if values[sku][key] is not None}
        changes["variants"] = [_variant_spec(r) for r in lines if r.variant_sku]
        new_skus = {v["sku"] for v in changes["variants"]} - {v.sku for v in product.variants}
        editing.update_product(session, product, changes, created_note)
        for row in lines:
            target = row.variant_sku or sku
            if row.stock is not None and target not in new_skus:
                if inventory.levels(session, [target])[target].available != row.stock:
                    stock.set_count(session, target, row.stock, count_note, now)
    return plans


def _variant_spec(row: CsvRow) -> dict:
    """Return a variant spec (orders.catalog.inputs shape) with only the cells the line fills."""
    spec: dict = {"sku": row.variant_sku, "stock": row.stock or 0}
    for key, value in (("size", row.size), ("colour", row.colour), ("price", row.variant_price)):
        if value is not None:
            spec[key] = value
    return spec
