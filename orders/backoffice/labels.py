"""Labels a person reads for what orders store as codes: findings, field paths of findings and edits, payment methods.

The codes, paths and method names stay in the API, the history and `data-*` attributes; pages show these labels
(issue 10, item 24). A value not listed here is shown as it came (a platform's own payment method, say).

A finding carries two texts: its `message` is written for the buyer (it goes out in the notices), and the auditor
reads what the finding asks of them (`auditor_reason`, issue 12): "Phone missing — ask the buyer".
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

# Codes are stable identifiers for the API and the CSV; a person reads these labels instead (issue 10, item 24).
FINDING_LABELS = {
    "source_invalid": _l("Unknown order source"), "buyer_id_missing": _l("Buyer id missing"),
    "buyer_name_missing": _l("Buyer name missing"), "phone_missing": _l("Phone missing"),
    "phone_invalid": _l("Phone invalid"), "address_missing": _l("Address missing"),
    "contact_masked": _l("Contact kept by the platform"),
    "items_missing": _l("No items"), "sku_missing": _l("SKU missing"), "sku_unknown": _l("Unknown SKU"),
    "sku_not_in_lineup": _l("SKU not in the lineup"), "variant_missing": _l("Variant missing"),
    "qty_invalid": _l("Invalid quantity"), "qty_over_limit": _l("Quantity over the limit"),
    "claim_not_found": _l("No matching chat claim"), "claim_mismatch": _l("Chat claim differs"),
    "stock_short": _l("Stock short"), "price_mismatch": _l("Price mismatch"), "coupon_refused": _l("Coupon refused"),
    "duplicate_order": _l("Duplicate order"), "blocklisted": _l("On the blocklist"),
    "abnormal_quantity": _l("Abnormal quantity"), "duplicate_payment": _l("Duplicate payment"),
    "payment_on_closed_order": _l("Payment on a closed order"), "payment_failed": _l("Payment failed"),
    "logistics_exception": _l("Logistics problem"),  # orders/fulfilment: a parcel failed, came back or got lost
}
FIELD_LABELS = {
    "buyer": _l("Buyer"), "buyer.id": _l("Buyer id"), "buyer.name": lazy_pgettext("person", "Name"),
    "buyer.phone": _l("Phone"),
    "buyer.address": _l("Address"), "buyer.address.province": _l("Province"), "buyer.address.city": _l("City"),
    "buyer.address.district": _l("District"), "buyer.address.detail": _l("Street address"),
    "items": _l("Items"), "source": _l("Source"), "coupon_codes": _l("Coupon codes"), "amount": _l("Amount"),
    "reserved_until": _l("Reserved until"), "status": _l("Status"),
}
LINE_FIELD_LABELS = {"sku": _l("SKU"), "qty": _l("Qty"), "unit_price": _l("Unit price"), "variant": _l("Variant")}
PAYMENT_METHODS = {
    "alipay": _l("Alipay"), "wechat": _l("WeChat Pay"), "wechat_pay": _l("WeChat Pay"), "wxpay": _l("WeChat Pay"),
    "douyin_pay": _l("Douyin Pay"), "unionpay": _l("UnionPay"), "card": _l("Bank card"),
    "bank_transfer": _l("Bank transfer"), "cod": _l("Cash on delivery"), "balance": _l("Account balance"),
}
_LINE = re.compile(r"items\[(\d{1,4})\](?:\.(\w+))?")
# History reasons the system writes itself (orders/expiry.py, orders/backoffice/, orders/waitlist.py); a person's
# reason is shown as written.
SYSTEM_REASONS = {
    "claimed": _l("claimed the order"), "claim released": _l("released the order"),
    "order corrected": _l("order corrected"), "re-audited after an edit": _l("audited again after an edit"),
    "stock came back": _l("stock came back"), "reservation expired unpaid": _l("not paid in time"),
    "held past its reservation, not extended": _l("held and not confirmed in time"),
    "an earlier comment claimed the unit": _l("an earlier comment claimed the unit"),
    "waiting for stock": _l("waiting for stock"),
}
_OVERRIDDEN = re.compile(r"(\w+) overridden")
_CANCEL_IGNORED = re.compile(r"cancel ignored: order is already (\w+)")


def field_label(path: str | None) -> str:
    """Return the label of a field path (``buyer.phone`` → "Phone", ``items[0].qty`` → "Line 1: Qty"), else the path."""
    if not path:
        return ""
    if path in FIELD_LABELS:
        return str(FIELD_LABELS[path])
    line = _LINE.fullmatch(path)
    if line is None:
        return path
    number = int(line.group(1)) + 1
    if line.group(2) is None:
        return _("Line %(n)s", n=number)
    key = line.group(2)
    what = LINE_FIELD_LABELS.get(key)
    return _("Line %(n)s: %(field)s", n=number, field=str(what) if what is not None else key)


def system_reason_label(reason: str, findings: dict, statuses: dict) -> str | None:
    """Return the label of a history reason the system wrote, or None for a person's (or platform's) own words.

    findings and statuses: the page's labels of finding codes and order statuses, for the reasons naming one.
    """
    if reason in SYSTEM_REASONS:
        return str(SYSTEM_REASONS[reason])
    overridden = _OVERRIDDEN.fullmatch(reason)
    if overridden and overridden.group(1) in findings:
        return _("%(finding)s overridden", finding=str(findings[overridden.group(1)]))
    ignored = _CANCEL_IGNORED.fullmatch(reason)
    if ignored and ignored.group(1) in statuses:
        return _("cancel ignored: the order is already %(status)s", status=str(statuses[ignored.group(1)]))
    return None


def payment_method_label(method: str | None) -> str:
    """Return the label of a payment method ("alipay" → "Alipay"), the platform's own name when unknown, or ""."""
    if not method:
        return ""
    label = PAYMENT_METHODS.get(method)
    return str(label) if label is not None else method


# Slots of an auditor reason naming another order: pages draw them as links to that order's page.
ORDER_SLOTS = frozenset({"previous"})
_SLOT = re.compile(r"\{(\w+)\}")


def reason_templates(paid: bool = False) -> dict[str, str]:
    """Return, per finding code, what the finding asks of the auditor, with ``{slot}`` markers for its details.

    The slots are the finding's ``data`` keys, ``line`` (1-based) and ``field`` (the label of its field path);
    the pages fill them (orders/backoffice/pages.py for the order page, static/orders/queue_rows.js for the queue).
    paid: the order's buyer paid, so its items cannot be fixed (paid_reason_templates replaces those reasons).
    """
    templates = {
        "source_invalid": _("Unsupported order source %(source)s — reject the order", source="{source}"),
        "buyer_id_missing": _("No buyer account: nobody to ask or refund — reject the order"),
        "buyer_name_missing": _("Recipient name missing — ask the buyer"),
        "phone_missing": _("Phone missing — ask the buyer"),
        "phone_invalid": _("Phone number invalid — check it with the buyer"),
        "contact_masked": _("The platform keeps the buyer's contact — ship with the platform's waybill"),
        "address_missing": _("Address incomplete, %(field)s missing — ask the buyer", field="{field}"),
        "items_missing": _("No items — ask the buyer what they want"),
        "sku_missing": _("Line %(line)s names no product — ask the buyer, then fix the SKU", line="{line}"),
        "sku_unknown": _("Line %(line)s: SKU %(sku)s is not in the catalogue — fix the SKU", line="{line}", sku="{sku}"),
        "sku_not_in_lineup": _("Line %(line)s: %(sku)s is not sold in this broadcast — fix the SKU",
                               line="{line}", sku="{sku}"),
        "variant_missing": _("Line %(line)s: %(sku)s has no size or colour — fix the variant", line="{line}", sku="{sku}"),
        "qty_invalid": _("Line %(line)s has no valid quantity — fix the quantity", line="{line}"),
        "qty_over_limit": _("%(product)s: %(requested)s ordered, %(before)s bought before, limit %(limit)s — "
                            "lower the quantity or override", product="{product}", requested="{requested}",
                            before="{before}", limit="{limit}"),
        "claim_not_found": _("No chat claim matches this order — check the chat"),
        "claim_mismatch": _("The order differs from the chat claim (%(claimed)s) — check with the buyer",
                            claimed="{claimed}"),
        "stock_short": _("%(sku)s: %(requested)s wanted, %(available)s in stock — wait for stock or fix the quantity",
                         sku="{sku}", requested="{requested}", available="{available}"),
        "price_mismatch": _("Price differs: platform ¥%(actual)s, ours ¥%(expected)s — check the promotions",
                            actual="{actual}", expected="{expected}"),
        "coupon_refused": _("Coupon %(coupon)s not applied — the buyer is told, nothing to do", coupon="{coupon}"),
        "duplicate_order": _("Same items as order %(previous)s — check it is not ordered twice", previous="{previous}"),
        "blocklisted": _("%(field)s is on the blocklist — reject unless you cleared it", field="{field}"),
        "abnormal_quantity": _("%(sku)s: %(qty)s units, over the threshold of %(threshold)s — confirm with the buyer",
                               sku="{sku}", qty="{qty}", threshold="{threshold}"),
        "duplicate_payment": _("Paid twice — refund the second payment"),
        "payment_on_closed_order": _("Paid after the order closed — refund the payment"),
        "payment_failed": _("Payment failed — the buyer was asked to pay again"),
        # Raised by orders/fulfilment, not the audit: a parcel failed, came back or got lost.
        "logistics_exception": _("A parcel could not be delivered — check with the carrier and the buyer"),
    }
    return (templates | paid_reason_templates()) if paid else templates


def paid_reason_templates() -> dict[str, str]:
    """Return, per finding code whose reason asks for an edit of the items, what it asks once the buyer paid.

    A paid order's items cannot be edited (the API answers 409: cancel and refund instead), so "fix the SKU" or
    "lower the quantity" gives way to what can be done: reject, which refunds, wait for stock, or override where an
    approval may clear the finding (not for the codes in orders.audit.decide.FIX_BEFORE_APPROVAL). The slots are
    those of reason_templates().
    """
    return {
        "sku_missing": _("Line %(line)s names no product — the buyer paid: reject to cancel and refund", line="{line}"),
        "sku_unknown": _("Line %(line)s: SKU %(sku)s is not in the catalogue — the buyer paid: reject to cancel and "
                         "refund", line="{line}", sku="{sku}"),
        "sku_not_in_lineup": _("Line %(line)s: %(sku)s is not sold in this broadcast — the buyer paid: override to "
                               "sell it anyway, or reject to cancel and refund", line="{line}", sku="{sku}"),
        "variant_missing": _("Line %(line)s: %(sku)s has no size or colour — the buyer paid: reject to cancel and "
                             "refund", line="{line}", sku="{sku}"),
        "qty_invalid": _("Line %(line)s has no valid quantity — the buyer paid: reject to cancel and refund",
                         line="{line}"),
        "qty_over_limit": _("%(product)s: %(requested)s ordered, %(before)s bought before, limit %(limit)s — the "
                            "buyer paid: override, or reject to cancel and refund", product="{product}",
                            requested="{requested}", before="{before}", limit="{limit}"),
        "stock_short": _("%(sku)s: %(requested)s wanted, %(available)s in stock — the buyer paid: wait for stock, or "
                         "reject to cancel and refund", sku="{sku}", requested="{requested}", available="{available}"),
    }


def reason_values(finding: Mapping) -> dict[str, str]:
    """Return the values of a finding's reason slots: its data as text, ``line`` 1-based, ``field`` as its label."""
    values = {key: str(value) for key, value in (finding.get("data") or {}).items()
              if isinstance(value, (str, int, float)) and not isinstance(value, bool)}
    line = (finding.get("data") or {}).get("line")
    if isinstance(line, int) and not isinstance(line, bool):
        values["line"] = str(line + 1)
    if finding.get("field"):
        values["field"] = field_label(finding["field"])
    return values


def reason_parts(template: str, values: Mapping[str, str]) -> list[tuple[str, str]] | None:
    """Return a reason as parts: ("text", words) and ("order", order id) for a linked order; None if a slot is empty."""
    parts: list[tuple[str, str]] = []
    position = 0
    for slot in _SLOT.finditer(template):
        value = values.get(slot.group(1))
        if not value:
            return None
        if slot.start() > position:
            parts.append(("text", template[position:slot.start()]))
        parts.append(("order" if slot.group(1) in ORDER_SLOTS else "text", value))
        position = slot.end()
    if position < len(template):
        parts.append(("text", template[position:]))
    return parts


def auditor_reason(finding: Mapping, templates: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Return what a finding asks of the auditor, as reason_parts; the finding's label when its details are missing.

    templates: reason_templates() of the request, when the caller explains many findings.
    """
    code = str(finding.get("code"))
    template = (templates if templates is not None else reason_templates()).get(code)
    parts = reason_parts(template, reason_values(finding)) if template else None
    if parts is None:
        label = FINDING_LABELS.get(code)
        parts = [("text", str(label) if label is not None else code)]
    return parts
