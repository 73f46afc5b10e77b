"""Once the buyer paid, an order's items cannot be edited (the API answers 409: cancel and refund instead), so what a
finding asks of the auditor no longer says "fix the SKU": it says what can be done (probe 13, item 3). No database."""
from __future__ import annotations

import re

from flask_babel import force_locale

from orders.audit.decide import FIX_BEFORE_APPROVAL
from orders.backoffice.labels import auditor_reason, paid_reason_templates, reason_templates
from tests.unit.orders.test_auditor_reasons import babel_context, text  # noqa: F401  (babel_context: autouse)

UNKNOWN = {"code": "sku_unknown", "field": "items[0].sku", "data": {"line": 0, "sku": "MASK-01-XX"}}


def test_a_paid_order_with_an_unknown_sku_is_told_to_reject_and_refund_not_to_fix_the_sku():
    assert text(auditor_reason(UNKNOWN)) == "Line 1: SKU MASK-01-XX is not in the catalogue — fix the SKU"
    paid = text(auditor_reason(UNKNOWN, reason_templates(paid=True)))
    assert paid == "Line 1: SKU MASK-01-XX is not in the catalogue — the buyer paid: reject to cancel and refund"
    with force_locale("zh_CN"):
        paid = text(auditor_reason(UNKNOWN, reason_templates(paid=True)))
    assert paid == "第 1 行：商品编码 MASK-01-XX 不在商品库 — 买家已付款：拒绝订单即取消并退款"


def test_no_paid_reason_asks_for_an_edit_of_the_items_nor_offers_an_override_that_cannot_clear_it():
    templates = reason_templates(paid=True)
    assert {"sku_missing", "sku_unknown", "sku_not_in_lineup"} <= set(paid_reason_templates())
    for code, template in templates.items():
        assert not re.search(r"\b(fix|lower|edit)\b", template), f"{code}: {template}"
    for code, template in paid_reason_templates().items():
        assert "reject to cancel and refund" in template, code
        if code in FIX_BEFORE_APPROVAL:  # an approval or override cannot clear these (orders/audit/decide.py)
            assert "override" not in template, code
    assert "override" in paid_reason_templates()["sku_not_in_lineup"]


def test_every_paid_reason_keeps_the_slots_of_its_unpaid_reason_in_english_and_chinese():
    unpaid = reason_templates()
    assert reason_templates(paid=False) == unpaid
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            paid = paid_reason_templates()
        for code, template in paid.items():
            assert set(re.findall(r"\{\w+\}", template)) == set(re.findall(r"\{\w+\}", unpaid[code])), code
            assert "—" in template, code
            if locale == "zh_CN":
                assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", template)), f"{code}: {template}"
