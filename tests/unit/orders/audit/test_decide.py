"""decide: rejected before held before waitlisted before accepted."""
from __future__ import annotations

import pytest

from orders.audit import decide
from orders.audit.findings import finding

REJECT = finding("source_invalid", "x", "x")
HOLD = finding("phone_missing", "x", "x")
WARN = finding("stock_short", "x", "x")
INFO = finding("coupon_refused", "x", "x")


@pytest.mark.parametrize(
    ("findings", "stock_ok", "status"),
    [
        ([], True, "accepted"),
        ([INFO, WARN], True, "accepted"),
        ([], False, "waitlisted"),
        ([HOLD], True, "held"),
        ([HOLD], False, "held"),
        ([REJECT, HOLD], True, "rejected"),
        ([REJECT], False, "rejected"),
    ],
)
def test_findings_map_to_the_next_status(findings: list, stock_ok: bool, status: str) -> None:
    assert decide(findings, stock_ok) == status
