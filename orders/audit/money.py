"""Money arithmetic of the audit: cents, ROUND_HALF_UP, and proportional allocation."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def q(amount: Decimal | int) -> Decimal:
    """Return ``amount`` quantised to the cent with ROUND_HALF_UP."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(amount: Decimal) -> str:
    """Return ``amount`` for display: ``¥200`` for whole yuan, ``¥199.90`` otherwise."""
    cents = q(amount)
    if cents == cents.to_integral_value():
        return f"¥{cents.to_integral_value():f}"
    return f"¥{cents:f}"


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Return ``total`` split over ``weights`` in proportion, in cents, summing to ``total`` exactly.

    Each share is rounded half-up to the cent; the difference left by rounding (a few cents,
    either sign) goes to the largest weight (the first one on ties). A share never leaves
    ``0 <= share <= weight``: if the largest weight cannot absorb the difference, the rest
    moves to the next largest, so the result is deterministic and every line stays >= 0.

    Raises ValueError when ``total`` is negative or larger than the sum of the weights.
    """
    amount = q(total)
    sizes = [q(w) for w in weights]
    if amount < 0 or any(size < 0 for size in sizes):
        raise ValueError("allocate needs a non-negative total and weights")
    whole = sum(sizes, ZERO)
    if amount > whole:
        raise ValueError(f"cannot allocate {amount} over {whole}")
    if amount == 0:
        return [ZERO for _ in sizes]
    shares = [q(amount * size / whole) for size in sizes]
    rest = amount - sum(shares, ZERO)
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        if rest == 0:
            break
        # Positive rest fills the line up to its size; negative rest takes back down to zero.
        step = min(rest, sizes[i] - shares[i]) if rest > 0 else max(rest, -shares[i])
        shares[i] += step
        rest -= step
    return shares
