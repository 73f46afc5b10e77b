"""What a finding asks of the auditor (issue 12): a reason per code, its details filled from the finding, the linked
order kept apart so pages can make it a link, and the finding's label when a detail is missing. No database."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from orders.audit import AuditPolicy, Blocklist, BuyerHistory, PastOrder, check_completeness, check_risk
from orders.audit.findings import CODES
from orders.backoffice.labels import FINDING_LABELS, ORDER_SLOTS, auditor_reason, reason_parts, reason_templates
from tests.unit.orders.audit.builders import NOW, address, buyer, catalog, line, order

TRANSLATIONS = Path(__file__).resolve().parents[3] / "app" / "translations"


@pytest.fixture(autouse=True)
def babel_context():
    """Run each test in a bare Flask app with the project's translations (English unless a test forces zh)."""
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(TRANSLATIONS))
    with app.test_request_context():
        yield


def text(parts: list[tuple[str, str]]) -> str:
    """Return a reason's parts as the sentence a person reads."""
    return "".join(words for _kind, words in parts)


def completeness(draft) -> list[dict]:
    """Return the completeness findings of draft as the JSON the API and pages read."""
    return [f.to_dict() for f in check_completeness(draft, catalog(), None, BuyerHistory(), AuditPolicy())]


def test_every_finding_code_has_a_reason_for_the_auditor_and_a_label():
    templates = reason_templates()
    # The audit's codes, and the findings fulfilment raises on an order (a parcel in trouble).
    assert set(templates) == set(CODES) | {"logistics_exception"} == set(FINDING_LABELS)
    assert all("—" in templates[code] for code in templates)  # each says what to do after the dash


def test_every_chinese_reason_is_chinese_apart_from_its_slots():
    with force_locale("zh_CN"):
        templates = reason_templates()
    for code, template in templates.items():
        words = re.sub(r"\{\w+\}", "", template)
        assert not re.search(r"[A-Za-z]{2,}", words), f"{code}: {template}"
        assert set(re.findall(r"\{\w+\}", template)) == set(re.findall(r"\{\w+\}", reason_templates()[code])), code


def test_a_missing_phone_asks_the_auditor_to_ask_the_buyer_not_the_buyer_for_a_number():
    [finding] = completeness(order(buyer=buyer(phone="")))
    assert text(auditor_reason(finding)) == "Phone missing — ask the buyer"
    assert "Please tell us" in finding["message"]["en"]  # the buyer's words stay in the finding for the notice
    with force_locale("zh_CN"):
        assert text(auditor_reason(finding)) == "缺少手机号 — 联系买家补充"


def test_the_details_of_a_finding_fill_its_reason_line_numbers_counting_from_one_and_fields_as_labels():
    [variant] = completeness(order(line("SHIRT")))
    assert text(auditor_reason(variant)) == "Line 1: SHIRT has no size or colour — fix the variant"
    [city] = completeness(order(buyer=buyer(address=address(city=""))))
    assert text(auditor_reason(city)) == "Address incomplete, City missing — ask the buyer"
    with force_locale("zh_CN"):
        assert text(auditor_reason(city)) == "地址不全，缺少城市 — 联系买家补充"


def test_a_duplicate_names_the_earlier_order_as_a_link_part():
    past = PastOrder("SIM-42-11", {"TEA": 1}, NOW, False)
    [duplicate] = [f.to_dict() for f in check_risk(order(), BuyerHistory(recent_orders=[past]), Blocklist(),
                                                   AuditPolicy())]
    parts = auditor_reason(duplicate)
    assert ("order", "SIM-42-11") in parts and "previous" in ORDER_SLOTS
    assert text(parts) == "Same items as order SIM-42-11 — check it is not ordered twice"


def test_a_blocklisted_phone_says_which_field_matched():
    blocklist = Blocklist(phones=frozenset({"13812345678"}))
    [found] = [f.to_dict() for f in check_risk(order(), BuyerHistory(), blocklist, AuditPolicy())]
    assert text(auditor_reason(found)) == "Phone is on the blocklist — reject unless you cleared it"


def test_a_finding_without_its_details_falls_back_to_its_label():
    assert auditor_reason({"code": "stock_short", "data": {"sku": "TEA"}}) == [("text", "Stock short")]
    assert auditor_reason({"code": "someday_new"}) == [("text", "someday_new")]


def test_reason_parts_keep_text_and_linked_orders_apart():
    assert reason_parts("as {previous}, {sku}!", {"previous": "A-1", "sku": "TEA"}) == [
        ("text", "as "), ("order", "A-1"), ("text", ", "), ("text", "TEA"), ("text", "!")]
    assert reason_parts("{sku}", {}) is None
