"""The mapping from audit findings to the order's next status."""
from __future__ import annotations

from collections.abc import Iterable

from orders.audit.findings import Finding

ACCEPTED = "accepted"
HELD = "held"
WAITLISTED = "waitlisted"
REJECTED = "rejected"


def decide(findings: Iterable[Finding], stock_ok: bool) -> str:
    """Return the status a ``received`` order moves to: rejected, held, waitlisted or accepted.

    Precedence, first match wins:
    1. a finding whose code is irreparable (outcome ``reject``) -> ``rejected``;
    2. any ``block`` finding -> ``held`` (a person, and often the buyer, must act first;
       meanwhile the order reserves what it would have had, see orders/review/verdict.py);
    3. ``stock_ok`` false -> ``waitlisted``;
    4. otherwise -> ``accepted``.
    ``warn`` and ``info`` findings never change the status.
    """
    found = list(findings)
    if any(f.outcome == "reject" for f in found):
        return REJECTED
    if any(f.severity == "block" for f in found):
        return HELD
    if not stock_ok:
        return WAITLISTED
    return ACCEPTED


# An auditor fixes these by editing the order's lines, never by approving: the parent SKU of a variant, an
# unknown SKU or a bad quantity has no stock to reserve, so an approved order would wait on it for ever.
FIX_BEFORE_APPROVAL = frozenset({"items_missing", "sku_missing", "sku_unknown", "variant_missing", "qty_invalid"})


def needs_fix(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that an approval or override cannot clear: the order's lines must be fixed first."""
    return [f for f in findings if f.code in FIX_BEFORE_APPROVAL]
