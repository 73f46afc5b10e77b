"""The refund ledger's rules (pure): how much may still be refunded, and how a refund spreads over case lines.

What was paid is the sum of the order's paid payments (a duplicate payment counts: it is money to give back).
A refund may take at most what was paid minus what succeeded refunds gave back minus what pending ones hold;
its goods amount may take at most the value of the lines it covers (units × unit price) minus what earlier
refunds of the case paid for them; its freight is apart and only when the seller pays the return freight.
A refund names at most the units the case holds of each SKU it covers: more is refused, never cut down. Units are
not used up by a refund (one may give back part of a unit's price), only money is. Money is Decimal, to the cent.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.db import quantize_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineValue:
    """A case line as the ledger sees it: units, unit price, and the goods amount refunds already took for it."""

    sku: str
    qty: int
    unit_price: Decimal
    refunded: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        """Return the goods amount of the line not yet refunded."""
        return max(ZERO, quantize_money(self.qty * self.unit_price) - self.refunded)


@dataclass(frozen=True)
class LedgerError:
    """Why a refund cannot be made: code, field and a sentence."""

    code: str
    field: str
    message: str


def refundable(paid: Decimal, refunded: Decimal, pending: Decimal) -> Decimal:
    """Return what may still be refunded of an order: paid − refunded − pending, never below zero."""
    return max(ZERO, quantize_money(paid) - quantize_money(refunded) - quantize_money(pending))


def spread(amount: Decimal, lines: list[LineValue], wanted: dict[str, int] | None) -> list[dict]:
    """Return the refund's lines [{sku, qty, amount}]: amount laid over the covered lines in order, each up to what
    remains of it (wanted: units per SKU covered; None: every line, whole)."""
    left = quantize_money(amount)
    spread_lines = []
    for line in lines:
        qty = line.qty if wanted is None else min(line.qty, wanted.get(line.sku, 0))
        if qty <= 0:
            continue
        cap = min(line.remaining, quantize_money(qty * line.unit_price))
        take = min(left, cap)
        spread_lines.append({"sku": line.sku, "qty": qty, "amount": str(take)})
        left -= take
    return spread_lines


def covered_value(lines: list[LineValue], wanted: dict[str, int] | None) -> Decimal:
    """Return the most goods amount a refund of the wanted units (None: all lines) may take."""
    total = ZERO
    for line in lines:
        qty = line.qty if wanted is None else min(line.qty, wanted.get(line.sku, 0))
        if qty > 0:
            total += min(line.remaining, quantize_money(qty * line.unit_price))
    return total


def check_refund(amount: Decimal, freight: Decimal, lines: list[LineValue], wanted: dict[str, int] | None,
                 available: Decimal, seller_pays_freight: bool) -> list[LedgerError]:
    """Return every reason the refund of amount (goods) + freight cannot be made; empty when it can.

    available is refundable() of the order. A case without lines (refund only, a duplicate payment) is bound
    by available alone. wanted keeps the request's order of its lines (SKUs are unique), so lines[i] names its
    i-th entry.
    """
    errors = []
    if amount < 0 or freight < 0:
        errors.append(LedgerError("invalid_amount", "amount", "a refund cannot be negative"))
    if amount + freight <= 0:
        errors.append(LedgerError("invalid_amount", "amount", "a refund gives back more than 0.00"))
    held = {line.sku: line.qty for line in lines}
    for position, (sku, qty) in enumerate((wanted or {}).items()):  # the request's order: its first bad entry first
        if sku not in held:
            errors.append(LedgerError("unknown_line", f"lines[{position}].sku", f"the case has no line of SKU {sku!r}"))
        elif qty > held[sku]:
            errors.append(LedgerError("too_many_units", f"lines[{position}].qty",
                                      f"{sku}: the case holds {held[sku]} unit{'' if held[sku] == 1 else 's'} of this "
                                      f"SKU; a refund cannot cover {qty}"))
    if lines and amount > covered_value(lines, wanted):
        errors.append(LedgerError("amount_exceeds_lines", "amount",
                                  f"the lines refunded are worth {covered_value(lines, wanted)} still; "
                                  f"{amount} is more"))
    if freight > 0 and not seller_pays_freight:
        errors.append(LedgerError("freight_not_ours", "freight", "the buyer pays the return freight of this case"))
    if amount + freight > available:
        errors.append(LedgerError("amount_exceeds_refundable", "amount",
                                  f"{amount + freight} is more than the {available} paid and not yet refunded"))
    return errors
