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
       stock is checked again when the order is released);
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
