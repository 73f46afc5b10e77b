"""Reading catalogue request bodies: products, variants, changes to them and stock changes; a 400 names the field."""
from __future__ import annotations

import re

from app.errors import ApiError
from app.http import validation

MAX_VARIANTS = 200
ATTRIBUTE_LEN = 32
REASON_LEN = 500
URL_LEN = 500
# What a PATCH naming a variant's SKU may change (the variant's own columns), and what only its product has.
VARIANT_OWN = ("name", "size", "colour", "price")
PRODUCT_ONLY = ("image_url", "variants")
# The OpenAPI document states the same pattern: an http(s) address with a host and no space or control character
# (\x1c-\x1f and \x85 are spaces to Python, \ufeff to JavaScript: both are listed so the two engines agree).
_URL_SPACE = r"\s\x00-\x1f\x7f\x85\ufeff"
URL_PATTERN = rf"^[Hh][Tt][Tt][Pp][Ss]?://[^{_URL_SPACE}/?#\[\]@]+([/?#][^{_URL_SPACE}]*)?$"


def image_url(data: dict, path: str = "image_url") -> str | None:
    """Return data's image URL: an absolute http(s) address of at most 500 characters, or None when null."""
    value = data.get("image_url")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > URL_LEN or not re.fullmatch(URL_PATTERN, value):
        raise ApiError(400, "invalid_url", f"{path} must be an http:// or https:// address of at most {URL_LEN} "
                                           "characters, without spaces", path)
    return value


def variant(item, path: str, *, stock_required: bool) -> dict:
    """Return one variant spec: sku, and whichever of name, size, colour, price and stock the item gives.

    A name is needed unless a size or colour gives one ("M / 黑色"); price null means the product's price.
    """
    if not isinstance(item, dict):
        raise ApiError(400, "invalid_type", f"{path} must be an object", path)
    spec: dict = {"sku": validation.path_id(item, "sku", f"{path}.sku", max_len=64)}
    spec |= _own_fields(item, f"{path}.")
    if "stock" in item or stock_required:
        spec["stock"] = validation.whole_number(item, "stock", f"{path}.stock", required=stock_required)
    return spec


def _own_fields(item: dict, prefix: str) -> dict:
    """Return the variant's own fields that item gives: size, colour (null: none), name, price (null: the product's).

    Field paths in errors are prefix + key ("variants[0].size", or "size" with no prefix).
    """
    spec: dict = {}
    for key in ("size", "colour"):
        if key in item:  # null: no size (or colour); a blank one is refused as the document says
            spec[key] = (None if item[key] is None
                         else validation.text(item, key, f"{prefix}{key}", max_len=ATTRIBUTE_LEN))
    if "name" in item:
        spec["name"] = validation.text(item, "name", f"{prefix}name")
    if "price" in item:
        spec["price"] = validation.money(item, "price", f"{prefix}price", required=False)
    return spec


def variants(data: dict, *, for_new_product: bool) -> list[dict]:
    """Return the body's variants (at most 200); for a new product each needs stock and a name or size/colour."""
    raw = data.get("variants") or []
    if not isinstance(raw, list) or len(raw) > MAX_VARIANTS:
        raise ApiError(400, "invalid_type", f"variants must be a list of at most {MAX_VARIANTS} objects", "variants")
    specs = [variant(item, f"variants[{i}]", stock_required=for_new_product) for i, item in enumerate(raw)]
    if for_new_product:
        for index, spec in enumerate(specs):
            if not (spec.get("name") or spec.get("size") or spec.get("colour")):
                raise ApiError(400, "missing_field", f"variants[{index}].name is required (or a size or colour)",
                               f"variants[{index}].name")
    return specs


def product_changes(data: dict) -> dict:
    """Return the changes a PATCH body asks for: any of name, price, image_url (null clears it) and variants."""
    known = {"name", "price", "image_url", "variants"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ApiError(400, "unknown_field", f"{unknown[0]} cannot be changed here (SKUs are fixed; stock has its "
                                             "own endpoints)", unknown[0])
    changes: dict = {}
    if "name" in data:
        changes["name"] = validation.text(data, "name")
    if "price" in data:
        changes["price"] = validation.money(data, "price")
    if "image_url" in data:
        changes["image_url"] = image_url(data)
    if "variants" in data:
        changes["variants"] = variants(data, for_new_product=False)
    if not changes:
        raise ApiError(400, "missing_field", "give at least one of name, price, image_url, variants", "body")
    return changes


def variant_changes(data: dict, sku: str, product_sku: str) -> dict:
    """Return the changes a PATCH of variant sku asks for: any of its own name, size, colour and price.

    price null means the product's price again. A field only the product has (image_url, variants) is refused
    naming the product, so a request that names one variant never changes the product or its other variants.
    """
    product_only = sorted(set(data) & set(PRODUCT_ONLY))
    if product_only:
        field = product_only[0]
        raise ApiError(400, "product_field", f"{field} belongs to the product {product_sku!r}, not to its variant "
                                             f"{sku!r}: change it with PATCH /api/v1/products/{product_sku}", field)
    unknown = sorted(set(data) - set(VARIANT_OWN))
    if unknown:
        raise ApiError(400, "unknown_field", f"{unknown[0]} cannot be changed here (SKUs are fixed; stock has its "
                                             "own endpoints)", unknown[0])
    changes = _own_fields(data, "")
    if not changes:
        raise ApiError(400, "missing_field", "give at least one of name, size, colour, price", "body")
    return changes


def reason(data: dict) -> str:
    """Return the required reason of a stock change (at most 500 characters)."""
    return validation.text(data, "reason", max_len=REASON_LEN)
