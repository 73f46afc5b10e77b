"""The console's catalogue pages: the product list with stock, a product's page (edit, restock, history), a new
product, and the CSV import with its preview. Every write goes through /api/v1 (orders/api/catalog.py)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.http.pages import page_roles
from orders import catalog
from orders.catalog import csvfile, listing, stock

bp = Blueprint("catalog_pages", __name__)

# The API lets the same roles act (orders/api/catalog.py; admin always): hosts and admins edit the catalogue,
# auditors may also restock and correct counts. Every role reads the catalogue through the API.
PAGE_ROLES = ("admin", "host", "auditor")
EDIT_ROLES = frozenset({"admin", "host"})
STOCK_ROLES = frozenset({"admin", "host", "auditor"})
# Units available at or below which a SKU is shown as running low (amber); 0 is sold out (red).
DEFAULT_LOW_STOCK = 5
KIND_LABELS = {"created": _l("created"), "restock": _l("restock"), "correction": _l("correction"),
               "set": _l("count set"), "import": _l("CSV import"), "return": _l("after-sales return")}


def low_stock_units() -> int:
    """Return the low-stock threshold: the LOW_STOCK_UNITS setting, else DEFAULT_LOW_STOCK."""
    return int(current_app.config.get("LOW_STOCK_UNITS", DEFAULT_LOW_STOCK))


def stock_state(available: int, threshold: int) -> str:
    """Return "soldout", "low" or "ok" for units available."""
    return "soldout" if available <= 0 else "low" if available <= threshold else "ok"


def _page_strings() -> dict:
    """Return the strings the catalogue scripts show, translated."""
    return {
        "failed": _("Could not save. Try again."),
        "offline": _("The server could not be reached. Try again."),
        "create": _("create"), "update": _("update"), "unchanged": _("unchanged"), "error": _("error"),
        "summary": _("{create} to create, {update} to update, {unchanged} unchanged, {error} with errors"),
        "imported": _("Imported: {create} created, {update} updated."),
        "chooseFile": _("Choose a CSV file first."),
        "rowField": _("Row {n} · {label}"),
    }


@bp.get("/products")
@page_roles(*PAGE_ROLES)
def product_list():
    """The catalogue: search, paging, stock per variant with low and sold-out rows marked."""
    q = request.args.get("q", "").strip()[: listing.MAX_QUERY].replace("\x00", "")
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and 0 < len(raw_page) < 7 else 1
    page = max(page, 1)
    data = listing.products_page(db.session, q or None, page)
    pages = max(1, -(-data["total"] // data["per_page"]))
    return render_template("catalog/list.html", data=data, q=q, page=page, pages=pages,
                           threshold=low_stock_units(), state=stock_state,
                           can_edit=current_user.role in EDIT_ROLES)


@bp.get("/products/new")
@page_roles(*EDIT_ROLES)
def new_product():
    """The form for a new product with its variants."""
    return render_template("catalog/product.html", product=None, history=None, strings=_page_strings(),
                           can_edit=True, can_stock=False, threshold=low_stock_units(), state=stock_state,
                           kinds=KIND_LABELS)


@bp.get("/products/import")
@page_roles(*EDIT_ROLES)
def import_page():
    """The CSV import: choose a file, preview each line, then import all of it."""
    return render_template("catalog/import.html", strings=_page_strings(), columns=csvfile.COLUMNS,
                           max_rows=csvfile.MAX_ROWS, max_kib=csvfile.MAX_BYTES // 1024)


@bp.get("/products/<sku>")
@page_roles(*PAGE_ROLES)
def product_page(sku: str):
    """A product: its variants and stock, the edit form, the restock form and the stock history."""
    product = catalog.get_product(db.session, sku)
    if product is None:
        abort(404)
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and 0 < len(raw_page) < 7 else 1
    history = stock.history_page(db.session, product, None, max(page, 1))
    history["pages"] = max(1, -(-history["total"] // history["per_page"]))
    return render_template("catalog/product.html", product=catalog.product_to_dict(db.session, product),
                           history=history, strings=_page_strings(), can_edit=current_user.role in EDIT_ROLES,
                           can_stock=current_user.role in STOCK_ROLES, threshold=low_stock_units(),
                           state=stock_state, kinds=KIND_LABELS)
