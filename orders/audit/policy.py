"""Per-broadcast audit thresholds, stored by the service as JSON."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from orders.audit.money import q


MAX_QTY = 1_000_000  # the largest quantity an order line may carry (live/events/commerce.py)
MAX_SECONDS = 86_400  # a day: duplicate window, SLA
MAX_RESERVATION_MINUTES = 7 * 24 * 60  # a week
MAX_AMOUNT = Decimal(100_000_000)  # the largest amount the API takes
_INT_BOUNDS = {  # (minimum, maximum) of each whole-number threshold
    "max_qty_per_buyer_per_product": (1, MAX_QTY),  # None: no limit
    "abnormal_qty_per_sku": (1, MAX_QTY),
    "duplicate_window_seconds": (0, MAX_SECONDS),
    "reservation_minutes": (1, MAX_RESERVATION_MINUTES),
    "sla_seconds": (1, MAX_SECONDS),
}


class PolicyError(ValueError):
    """A policy value is invalid; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class AuditPolicy:
    """Thresholds of the audit rules for one broadcast.

    ``max_qty_per_buyer_per_product`` is None for no limit; ``duplicate_window_seconds`` 0
    turns duplicate detection off; ``price_tolerance`` is the largest accepted difference
    between the platform's prices and ours.
    """

    max_qty_per_buyer_per_product: int | None = 10
    abnormal_qty_per_sku: int = 50
    # A double tap or an app's retry comes within seconds; in a flash sale the same buyer ordering the same item
    # again a few minutes later is usually a real second purchase (docs/audit.md, "Duplicate orders").
    duplicate_window_seconds: int = 60
    price_tolerance: Decimal = Decimal("0.00")
    # An accepted order unpaid for this long expires and gives its stock back.
    reservation_minutes: int = 15
    # Held orders waiting longer than this in the audit queue are shown late (red).
    sla_seconds: int = 300

    def __post_init__(self) -> None:
        # Bounded above too: a reservation of 10**12 minutes overflowed every order's timer (each order of the
        # broadcast was a 500, nothing stored) and such numbers only ever come from a typo.
        for name, (minimum, maximum) in _INT_BOUNDS.items():
            value = getattr(self, name)
            if value is not None or name != "max_qty_per_buyer_per_product":
                _check_int(name, value, minimum=minimum, maximum=maximum)
        if not isinstance(self.price_tolerance, Decimal) or not self.price_tolerance.is_finite():
            raise PolicyError("price_tolerance", "must be a finite decimal amount")
        if self.price_tolerance < 0:
            raise PolicyError("price_tolerance", "must not be negative")
        if self.price_tolerance > MAX_AMOUNT:
            raise PolicyError("price_tolerance", f"must be at most {MAX_AMOUNT}")

    def to_dict(self) -> dict[str, Any]:
        """Return the policy as a JSON-safe dict; money is a string such as ``"0.00"``."""
        out = asdict(self)
        out["price_tolerance"] = str(q(self.price_tolerance))
        return out

    @classmethod
    def from_dict(cls, data: Any) -> AuditPolicy:
        """Return a policy from a JSON object; missing keys take defaults.

        Raises PolicyError naming the field for unknown keys and bad values.
        """
        if not isinstance(data, Mapping):
            raise PolicyError("", "policy must be a JSON object")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise PolicyError(str(key), "unknown field")
        values = dict(data)
        if "price_tolerance" in values:
            values["price_tolerance"] = _parse_money("price_tolerance", values["price_tolerance"])
        return cls(**values)

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> AuditPolicy:
        """Return a saved policy, its numbers brought down to today's upper bounds (it may predate them)."""
        values = dict(data)
        for name, (_minimum, maximum) in _INT_BOUNDS.items():
            if type(values.get(name)) is int and values[name] > maximum:
                values[name] = maximum
        return cls.from_dict(values)


def _check_int(name: str, value: Any, minimum: int, maximum: int) -> None:
    # bool is an int subclass, but `true` is never a meaningful threshold.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(name, "must be an integer")
    if value < minimum:
        raise PolicyError(name, f"must be at least {minimum}")
    if value > maximum:
        raise PolicyError(name, f"must be at most {maximum}")


def _parse_money(name: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise PolicyError(name, "must be an amount such as \"0.01\"")
    try:
        # str() first so that a JSON 0.1 becomes Decimal("0.1"), not its binary approximation.
        return q(Decimal(str(value).strip()))
    except InvalidOperation:
        raise PolicyError(name, "must be a finite amount such as \"0.01\"") from None
