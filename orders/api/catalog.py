"""/api/v1 catalogue endpoints: products (with variants), their stock and its history, and the CSV import.

Role matrix (docs/catalogue.md): every principal reads; hosts and service tokens change the catalogue; hosts,
auditors and service tokens change stock; admins do everything (app.http.api.roles).
"""
from __future__ import annotations

from flask import g, jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from app.http.messages import localise
from orders import catalog, inventory
from orders.api.blueprint import bp
from orders.catalog import csvfile, editing, importer, inputs, listing, stock

CATALOGUE_WRITERS = ("service", "host")
STOCK_WRITERS = ("service", "host", "auditor")


def actor() -> str:
    """Return who is calling, as stock history names them: a user's name, or "token:<name>" for an API token."""
    principal = g.principal
    return getattr(principal, "username", None) or f"token:{principal.name}"


def _product_or_404(sku: str) -> catalog.Product:
    """Return the product owning sku (its own or a variant's), or raise 404 naming sku."""
    product = catalog.get_product(db.session, sku)
    if product is None:
        raise ApiError(404, "not_found", f"no product has SKU {sku!r}", "sku")
    return product


def _catalog_error(error: catalog.CatalogError) -> ApiError:
    """Return the API error for a refused catalogue change, the transaction rolled back."""
    db.session.rollback()
    return ApiError(error.status, error.code, error.message, error.field)


@bp.post("/products")
@api.roles(*CATALOGUE_WRITERS)
def create_product():
    """Create a product (with optional variants, each with its own stock, size and colour); answers 201."""
    data = api.json_body()
    sku = validation.path_id(data, "sku", max_len=64)
    name = validation.text(data, "name")
    price = validation.money(data, "price")
    image_url = inputs.image_url(data)
    variants = inputs.variants(data, for_new_product=True)
    stock_units = validation.whole_number(data, "stock", required=not variants) or 0
    note = inventory.StockNote("created", actor(), None)
    try:
        product = catalog.create_product(db.session, sku, name, price, stock_units, variants, image_url, note)
    except catalog.CatalogError as error:
        raise _catalog_error(error) from None
    db.session.commit()
    return jsonify(catalog.product_to_dict(db.session, product)), 201


@bp.get("/products")
def list_products():
    """List the catalogue with stock, 50 a page (per_page up to 200), found by name or SKU with q."""
    q = request.args.get("q", "")
    if len(q) > listing.MAX_QUERY or "\x00" in q:
        raise ApiError(400, "invalid_query", f"q must be at most {listing.MAX_QUERY} characters, without NUL", "q")
    q = q.strip()
    page = validation.query_int(request.args, "page", 1)
    per_page = validation.query_int(request.args, "per_page", listing.PER_PAGE, maximum=200)
    return jsonify(listing.products_page(db.session, q or None, page, per_page))


@bp.get("/products/<sku>")
def get_product(sku: str):
    """Show a product (by its SKU or a variant's) with available `stock`, `reserved` and `sold`."""
    return jsonify(catalog.product_to_dict(db.session, _product_or_404(sku)))


@bp.patch("/products/<sku>")
@api.roles(*CATALOGUE_WRITERS)
def update_product(sku: str):
    """Change a product's name, price or picture address, and add, rename, size or re-price its variants.

    A variant's SKU changes that variant alone (its name, size, colour or price); the answer is its product, as
    GET shows it. A field only the product has is refused there, naming the product.
    """
    data = api.json_body()
    product = catalog.get_product(db.session, sku)
    if product is not None and product.sku != sku:
        variant = next(v for v in product.variants if v.sku == sku)
        product = editing.update_variant(db.session, variant, inputs.variant_changes(data, sku, product.sku))
        db.session.commit()
        return jsonify(catalog.product_to_dict(db.session, product))
    changes = inputs.product_changes(data)
    product = product or _product_or_404(sku)
    try:
        editing.update_product(db.session, product, changes, inventory.StockNote("created", actor(), None))
    except catalog.CatalogError as error:
        raise _catalog_error(error) from None
    db.session.commit()
    return jsonify(catalog.product_to_dict(db.session, product))


def _change_stock(sku: str, change) -> inventory.Level:
    """Return the SKU's level after change(session, now) ran in its own retried transaction (404/409 on refusal)."""
    def work():
        try:
            level = change(db.session, utcnow())
        except inventory.StockLimitError as error:
            db.session.rollback()
            raise ApiError(409, "stock_limit", str(error), "sku") from None
        except inventory.InventoryError:
            db.session.rollback()
            raise ApiError(404, "not_found", f"no stock is kept under SKU {sku!r}; use a variant SKU", "sku") from None
        realtime.commit(db.session)
        return level

    return run_with_retry(work)


@bp.put("/products/<sku>/stock")
@api.roles(*STOCK_WRITERS)
def set_stock(sku: str):
    """Set the units available now for a SKU (a count); pushes stock.changed to every broadcast selling it."""
    data = api.json_body()
    units = validation.whole_number(data, "stock")
    reason = validation.text(data, "reason", max_len=inputs.REASON_LEN, required=False)
    note = inventory.StockNote("correction" if reason else "set", actor(), reason)
    level = _change_stock(sku, lambda session, now: stock.set_count(session, sku, units, note, now))
    return jsonify(level.as_dict() | {"stock": level.available})


@bp.post("/products/<sku>/restock")
@api.roles(*STOCK_WRITERS)
def restock(sku: str):
    """Add units received to a SKU, with the reason; waitlisted orders take them first."""
    data = api.json_body()
    units = validation.whole_number(data, "units", minimum=1)
    note = inventory.StockNote("restock", actor(), inputs.reason(data))
    level = _change_stock(sku, lambda session, now: stock.restock(session, sku, units, note, now))
    return jsonify(level.as_dict() | {"stock": level.available})


@bp.post("/products/<sku>/stock-corrections")
@api.roles(*STOCK_WRITERS)
def correct_stock(sku: str):
    """Set a SKU's available units after a count, with the reason (kept in the stock history)."""
    data = api.json_body()
    units = validation.whole_number(data, "stock")
    note = inventory.StockNote("correction", actor(), inputs.reason(data))
    level = _change_stock(sku, lambda session, now: stock.set_count(session, sku, units, note, now))
    return jsonify(level.as_dict() | {"stock": level.available})


@bp.get("/products/<sku>/stock-history")
def stock_history(sku: str):
    """List a product's stock changes (a variant SKU: that variant's), newest first, 50 a page."""
    page = validation.query_int(request.args, "page", 1)
    return jsonify(stock.history_page(db.session, _product_or_404(sku), sku, page))


@bp.post("/products/import")
@api.roles(*CATALOGUE_WRITERS)
def import_products():
    """Check (dry_run=1) or import a catalogue CSV; the import writes every line or, when any has an error, none."""
    dry_run = request.args.get("dry_run", "0")
    if dry_run not in ("0", "1", "true", "false"):
        raise ApiError(400, "invalid_query", "dry_run must be 1 or 0", "dry_run")
    try:
        rows = csvfile.read_rows(request.get_data(cache=True))
    except csvfile.CsvFileError as error:
        raise ApiError(error.status, error.code, error.message, error.field) from None
    if dry_run in ("1", "true"):
        return jsonify(_import_answer(importer.plan(db.session, rows), dry_run=True))

    def work():
        plans = importer.plan(db.session, rows)
        if any(p.errors for p in plans):
            return plans, False
        try:
            importer.apply(db.session, rows, actor(), utcnow())
        except catalog.CatalogError as error:
            raise _catalog_error(error) from None
        realtime.commit(db.session)
        return plans, True

    plans, done = run_with_retry(work)
    answer = _import_answer(plans, dry_run=False)
    if not done:
        db.session.rollback()
        failed = answer["summary"]["error"]
        message = f"{failed} line{'s' if failed != 1 else ''} ha{'ve' if failed != 1 else 's'} errors; nothing was imported"
        return jsonify({"error": {"code": "invalid_rows", "field": "rows", "message": message}, **answer}), 400
    return jsonify(answer)


def _import_answer(plans: list[importer.LinePlan], dry_run: bool) -> dict:
    """Return the import's answer: every line's plan and the count of lines per action."""
    summary = {action: 0 for action in ("create", "update", "unchanged", "error")}
    for plan in plans:
        summary[plan.action] += 1
    rows = [plan.as_dict() for plan in plans]
    for row in rows:  # the preview page shows them: in the reader's language (API clients read English)
        for error in row["errors"]:
            error["message"] = localise(error["message"])
    return {"dry_run": dry_run, "valid": summary["error"] == 0, "summary": summary, "rows": rows}
