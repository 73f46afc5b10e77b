"""run_audit: every rule runs, every finding is collected, and every code can be produced."""
from __future__ import annotations

import re
from pathlib import Path

from orders.audit import (
    CODES,
    AuditPolicy,
    AuditResult,
    Blocklist,
    BuyerHistory,
    ClaimView,
    Coupon,
    OrderDraft,
    PastOrder,
    PaymentEvent,
    check_payment,
    check_stock,
    run_audit,
)
from tests.unit.orders.audit.builders import NOW, D, address, buyer, catalog, codes, line, order

DOCS = Path(__file__).resolve().parents[4] / "docs" / "audit.md"


def audit(draft: OrderDraft, claim: ClaimView | None = None, history: BuyerHistory | None = None,
          blocklist: Blocklist | None = None) -> AuditResult:
    """Return the audit of ``draft`` with the SAVE20 coupon on offer and default policy."""
    save20 = Coupon(code="SAVE20", kind="fixed", value=D("20"), min_spend=D("200"))
    return run_audit(draft, catalog(), claim, history or BuyerHistory(), blocklist or Blocklist(), [save20],
                     AuditPolicy(), NOW)


def test_clean_order_is_accepted_with_its_price_and_requested_stock() -> None:
    result = audit(order(line("TEA", 3), coupon_codes=["SAVE20"], paid_amount=D("220")))
    assert (result.findings, result.next_status_without_stock) == ((), "accepted")
    assert (result.pricing.total, dict(result.requested)) == (D("220.00"), {"TEA": 3})


def test_findings_of_all_rules_are_collected_together() -> None:
    draft = order(line("TEA", 60, D("1")), buyer=buyer(phone=None))
    assert codes(audit(draft).findings) == ["phone_missing", "qty_over_limit", "price_mismatch", "abnormal_quantity"]


def test_an_irreparable_finding_rejects_even_with_other_holds() -> None:
    assert audit(order(source="fax", buyer=buyer(name=None))).next_status_without_stock == "rejected"


def _produced_codes() -> set[str]:
    """Return the codes found by running every rule on inputs chosen to trip each of them."""
    history = BuyerHistory(recent_orders=[PastOrder("order-0", {"MUG": 1}, NOW)])
    drafts = [
        audit(order(source="fax", buyer=buyer(id=None, name="", phone="12", address=address(city=None)))),
        audit(order(buyer=buyer(phone=None), items=[])),
        audit(order(buyer=buyer(name=None, phone=None, contact_masked=True))),
        audit(order(line(None), line("GHOST"), line("VASE"), line("SHIRT"), line("TEA", 0), line("MUG", 99))),
        audit(order(comment_id="c-1")),
        audit(order(line("TEA", 2), comment_id="c-1"), claim=ClaimView(sku="TEA", qty=1)),
        audit(order(line("MUG", 1, D("1")), coupon_codes=["SAVE20"]), history=history,
              blocklist=Blocklist(buyer_ids=frozenset({"buyer-1"}))),
    ]
    found = {f.code for result in drafts for f in result.findings}
    found |= set(codes(check_stock([line("TEA", 2)], {"TEA": 1}).findings))
    payment = PaymentEvent("pay-2", "paid", D("80"), NOW)
    found |= set(codes(check_payment("paid", [PaymentEvent("pay-1", "paid", D("80"), NOW)], payment).findings))
    found |= set(codes(check_payment("cancelled", [], payment).findings))
    found |= set(codes(check_payment("accepted", [], PaymentEvent("pay-3", "failed", D("80"), NOW)).findings))
    return found


def test_every_catalogued_code_is_produced_by_some_rule() -> None:
    assert _produced_codes() == set(CODES)


def test_every_code_is_documented_with_its_severity() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for code, spec in CODES.items():
        row = re.search(rf"^\| `{code}` \| (\w+(?:/\w+)?) \|", text, re.MULTILINE)
        assert row, f"{code} missing from docs/audit.md"
        assert spec.severity in row.group(1), code


def test_a_privacy_protected_order_needs_no_contact_but_still_its_region() -> None:
    masked = buyer(name=None, phone=None, address=address(detail=None), contact_masked=True)
    assert codes(audit(order(buyer=masked)).findings) == ["contact_masked"]
    assert audit(order(buyer=masked)).next_status_without_stock != "held"
    no_city = buyer(name=None, phone=None, address=address(city=None), contact_masked=True)
    assert codes(audit(order(buyer=no_city)).findings) == ["contact_masked", "address_missing"]
    typed_badly = buyer(phone="12", contact_masked=True)  # a phone that is there is still checked
    assert codes(audit(order(buyer=typed_badly)).findings) == ["contact_masked", "phone_invalid"]
