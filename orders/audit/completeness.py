"""Completeness rule: the order holds everything needed to price, reserve and ship it."""
from __future__ import annotations

import re
import unicodedata

from orders.audit.findings import Finding, finding
from orders.audit.model import (LIVE_SOURCES, SOURCES, BuyerDraft, BuyerHistory, CatalogItem, CatalogView, ClaimView,
    LineDraft, OrderDraft)
from orders.audit.phone import normalize_phone
from orders.audit.policy import AuditPolicy

__all__ = ["check_completeness", "normalize_phone"]

_ADDRESS_PARTS = (
    ("province", "province", "省份"),
    ("city", "city", "城市"),
    ("district", "district", "区县"),
    ("detail", "street address", "详细地址"),
)


def check_completeness(
    order: OrderDraft,
    catalog: CatalogView,
    claim: ClaimView | None,
    history: BuyerHistory,
    policy: AuditPolicy,
) -> list[Finding]:
    """Return every completeness finding of ``order``; an empty list means nothing is missing.

    Missing buyer data holds the order and asks the buyer (``buyer_notice``) rather than
    rejecting it; only a bad ``source`` or a missing buyer id are irreparable.
    """
    return [
        *_check_envelope(order),
        *_check_buyer(order.buyer),
        *_check_lines(order, catalog),
        *_check_limits(order, catalog, history, policy),
        *_check_claim(order, catalog, claim),
    ]


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def _check_envelope(order: OrderDraft) -> list[Finding]:
    found = []
    if order.source not in SOURCES:
        found.append(finding(
            "source_invalid", "The order came through an unsupported channel.",
            "订单来源渠道不受支持。", "source", source=str(order.source)))
    if _blank(order.buyer.id):
        # Without an account there is nobody to ask, to notify or to refund.
        found.append(finding(
            "buyer_id_missing", "The order has no buyer account.", "订单缺少买家账号。", "buyer.id"))
    return found


def _check_buyer(buyer: BuyerDraft) -> list[Finding]:
    if buyer.contact_masked:
        return _check_masked_buyer(buyer)
    found = []
    if _blank(buyer.name):
        found.append(finding(
            "buyer_name_missing", "Please tell us the recipient's name.", "请补充收件人姓名。", "buyer.name"))
    if _blank(buyer.phone):
        found.append(finding(
            "phone_missing", "Please tell us a phone number for delivery.", "请补充收件人手机号。", "buyer.phone"))
    elif normalize_phone(buyer.phone) is None:
        found.append(finding(
            "phone_invalid", "The phone number is not valid; please check it.",
            "手机号格式不正确，请核对。", "buyer.phone"))
    for part, en, zh in _ADDRESS_PARTS:
        if _blank(getattr(buyer.address, part)):
            found.append(finding(
                "address_missing", f"Please complete the address: {en} is missing.",
                f"请补全收货地址：缺少{zh}。", f"buyer.address.{part}", part=part))
    return found


def _check_masked_buyer(buyer: BuyerDraft) -> list[Finding]:
    """Check the buyer of a privacy-protected order: the platform masked the contact and keeps it, so a missing
    name, phone or street is its to fill in on the waybill it prints; the region must still be there."""
    found = [finding("contact_masked", "The platform keeps the buyer's contact: ship with its waybill.",
                     "平台隐私保护订单：收件信息由平台保管，请使用平台电子面单发货。", "buyer")]
    if not _blank(buyer.phone) and normalize_phone(buyer.phone) is None:
        found.append(finding(
            "phone_invalid", "The phone number is not valid; please check it.",
            "手机号格式不正确，请核对。", "buyer.phone"))
    for part, en, zh in _ADDRESS_PARTS:
        if part != "detail" and _blank(getattr(buyer.address, part)):
            found.append(finding(
                "address_missing", f"Please complete the address: {en} is missing.",
                f"请补全收货地址：缺少{zh}。", f"buyer.address.{part}", part=part))
    return found


def _check_lines(order: OrderDraft, catalog: CatalogView) -> list[Finding]:
    if not order.items:
        return [finding("items_missing", "The order has no items.", "订单中没有商品。", "items")]
    found = []
    for i, line in enumerate(order.items):
        found.extend(_check_line(order, catalog, i, line))
    return found


def _check_line(order: OrderDraft, catalog: CatalogView, i: int, line: LineDraft) -> list[Finding]:
    found = []
    n = i + 1
    if line.quantity is None:
        found.append(finding(
            "qty_invalid", f"Item {n}: please give a quantity of at least 1.",
            f"第 {n} 件商品：请填写不少于 1 的数量。", f"items[{i}].qty", line=i))
    if _blank(line.sku):
        found.append(finding(
            "sku_missing", f"Item {n}: which product do you want?", f"第 {n} 件商品：请说明要购买的商品。",
            f"items[{i}].sku", line=i))
        return found
    item = catalog.get(line.sku)
    if item is None:
        found.append(finding(
            "sku_unknown", f"Item {n}: SKU {line.sku} is not in the catalogue.",
            f"第 {n} 件商品：商品编码 {line.sku} 不在商品库中。", f"items[{i}].sku", line=i, sku=line.sku))
        return found
    if order.source in LIVE_SOURCES and not item.in_lineup:
        found.append(finding(
            "sku_not_in_lineup", f"Item {n}: {line.sku} is not sold in this broadcast.",
            f"第 {n} 件商品：{line.sku} 不在本场直播的商品列表中。", f"items[{i}].sku", line=i, sku=line.sku))
    if item.has_variants and not item.is_variant:
        found.append(finding(
            "variant_missing", f"Item {n}: please choose a size or colour of {line.sku}.",
            f"第 {n} 件商品：请选择 {line.sku} 的规格（尺码或颜色）。", f"items[{i}].sku", line=i, sku=line.sku))
    return found


def _check_limits(
    order: OrderDraft, catalog: CatalogView, history: BuyerHistory, policy: AuditPolicy
) -> list[Finding]:
    limit = policy.max_qty_per_buyer_per_product
    if limit is None:
        return []
    wanted: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for i, line in enumerate(order.items):
        item, qty = catalog.get(line.sku), line.quantity
        if item is None or qty is None:
            continue
        wanted[item.product_sku] = wanted.get(item.product_sku, 0) + qty
        first_line.setdefault(item.product_sku, i)
    found = []
    for product, qty in wanted.items():
        before = history.qty_by_product.get(product, 0)
        if before + qty > limit:
            found.append(finding(
                "qty_over_limit",
                f"{product}: at most {limit} per buyer; you already have {before}, this order asks {qty}.",
                f"{product}：每人限购 {limit} 件，您已购 {before} 件，本单 {qty} 件。",
                f"items[{first_line[product]}].qty", product=product, limit=limit, before=before, requested=qty))
    return found


def _check_claim(order: OrderDraft, catalog: CatalogView, claim: ClaimView | None) -> list[Finding]:
    if not order.comment_id:
        return []
    if claim is None:
        return [finding(
            "claim_not_found", "The chat claim this order refers to was not found.",
            "未找到该订单对应的直播间评论认领。", "comment_id", comment_id=order.comment_id)]
    claimed = " ".join(part for part in (claim.sku, claim.variant) if part)
    if not claimed:
        return []
    matched = [i for i, line in enumerate(order.items) if _is_claimed(line.sku, claim, catalog)]
    if not matched:
        return [finding(
            "claim_mismatch", f"You claimed {claimed} in the chat, but the order does not contain it.",
            f"您在直播间认领的是 {claimed}，但订单中没有该商品。", "items", claimed=claimed)]
    ordered = sum(order.items[i].quantity or 0 for i in matched)
    if claim.qty is not None and ordered != claim.qty:
        return [finding(
            "claim_mismatch", f"You claimed {claim.qty} of {claimed} in the chat, but the order has {ordered}.",
            f"您在直播间认领了 {claim.qty} 件 {claimed}，但订单数量为 {ordered} 件。",
            f"items[{matched[0]}].qty", claimed=claimed, claimed_qty=claim.qty, ordered=ordered)]
    return []


# Chat writes codes as it pleases ("a-12", "A12"); the catalogue's separators carry no meaning.
_CODE_SEPARATORS = re.compile(r"[\s\-_./]+")
_ATTRIBUTE_SEPARATORS = re.compile(r"[\s\-_/,，、()（）|·]+")
_SIZE_ALIASES = {"XXL": "2XL", "XXXL": "3XL", "XXXXL": "4XL"}


def _code(text: str) -> str:
    return _CODE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def _attribute(text: str) -> str:
    """Return a size or colour as both the claim parser and the catalogue may write it: 黑色 → 黑, 38码 → 38."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    value = _SIZE_ALIASES.get(value, value)
    return value[:-1] if len(value) > 1 and value[-1] in "色码號号" else value


def variant_attributes(item: CatalogItem) -> frozenset[str]:
    """Return the sizes and colours of a variant: the parts of its SKU after the product's, and of its name."""
    sku, product = item.sku, item.product_sku
    suffix = sku[len(product):] if sku.upper().startswith(product.upper()) else sku
    parts = _ATTRIBUTE_SEPARATORS.split(suffix) + _ATTRIBUTE_SEPARATORS.split(item.variant_name or "")
    return frozenset(_attribute(part) for part in parts if part.strip())


def _is_claimed(sku: str | None, claim: ClaimView, catalog: CatalogView) -> bool:
    """Return True when the line is what the claim names: its product (or SKU), and a variant with its size or colour."""
    if not sku:
        return False
    item = catalog.get(sku)
    if claim.sku and _code(claim.sku) not in {_code(sku), _code(item.product_sku if item else sku)}:
        return False
    if not claim.variant or _code(claim.variant) == _code(sku):
        return True
    if item is None:
        return False
    if not item.is_variant:
        # A product sold in one version has no size or colour to get wrong; one with variants needs one chosen.
        return not item.has_variants
    return _attribute(claim.variant) in variant_attributes(item)
