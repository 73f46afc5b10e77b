"""Member tiers as data: ordered rules on paid spend or paid orders over a window (12 months), pure functions.

A tier applies when the customer's spend over the window (paid amounts minus refunds of paid orders placed in
it) reaches its ``min_spend`` *or* their paid orders reach its ``min_orders`` (a rule may set one or both). Tiers
are listed lowest first; a customer gets the highest tier whose rule they meet, or none. Codes are the ones the
promotions' member prices name (``Order.member_tier``), lower-case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
MAX_TIERS = 10
MAX_NAME = 40
MAX_SPEND = Decimal("100000000")
MAX_ORDERS = 1_000_000
MAX_WINDOW_DAYS = 3650


@dataclass(frozen=True)
class TierRule:
    """One tier: its code, a display name, and the spend and/or order count that reach it."""

    code: str
    name: str
    min_spend: Decimal | None = None
    min_orders: int | None = None

    def met_by(self, basis: TierBasis) -> bool:
        """Return True when the basis reaches this tier's spend or its order count."""
        return ((self.min_spend is not None and basis.spend >= self.min_spend)
                or (self.min_orders is not None and basis.orders >= self.min_orders))

    def as_dict(self) -> dict:
        """Return the rule as JSON (money as a string with 2 decimals)."""
        return {"code": self.code, "name": self.name,
                "min_spend": None if self.min_spend is None else f"{self.min_spend:.2f}", "min_orders": self.min_orders}


@dataclass(frozen=True)
class TierPolicy:
    """The tier rules, lowest first, and the window (days) spend and orders are counted over."""

    tiers: tuple[TierRule, ...]
    window_days: int = 365

    def as_dict(self) -> dict:
        """Return the policy as JSON, as GET /api/v1/customer-tiers shows it."""
        return {"window_days": self.window_days, "tiers": [rule.as_dict() for rule in self.tiers]}

    def codes(self) -> list[str]:
        """Return the tier codes, lowest first."""
        return [rule.code for rule in self.tiers]


@dataclass(frozen=True)
class TierBasis:
    """What a tier is decided on: spend (paid minus refunded) and paid orders over the window."""

    spend: Decimal
    orders: int


DEFAULT_POLICY = TierPolicy(tiers=(
    TierRule("silver", "Silver", Decimal("500.00"), 3),
    TierRule("gold", "Gold", Decimal("2000.00"), 10),
    TierRule("diamond", "Diamond", Decimal("8000.00"), 30),
))


def tier_for(basis: TierBasis, policy: TierPolicy) -> str | None:
    """Return the code of the highest tier whose rule the basis meets, or None."""
    for rule in reversed(policy.tiers):
        if rule.met_by(basis):
            return rule.code
    return None


@dataclass
class RuleError(ValueError):
    """A problem with a tier policy body: the field at fault and what is wrong."""

    field: str
    message: str
    code: str = "invalid_field"


@dataclass
class PolicyInvalid(ValueError):
    """Every problem found in a tier policy body (the first one is answered, all are listed)."""

    errors: list[RuleError] = field(default_factory=list)


def policy_from_dict(data: object) -> TierPolicy:
    """Return the tier policy of a JSON body, or raise PolicyInvalid with every problem found."""
    errors: list[RuleError] = []
    if not isinstance(data, dict):
        raise PolicyInvalid([RuleError("body", "the body must be a JSON object", "invalid_json")])
    unknown = sorted(set(data) - {"window_days", "tiers"})
    errors += [RuleError(key, f"unknown field {key}", "unknown_field") for key in unknown]
    window = data.get("window_days", 365)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW_DAYS:
        errors.append(RuleError("window_days", f"window_days must be an integer from 1 to {MAX_WINDOW_DAYS}"))
    raw = data.get("tiers")
    if not isinstance(raw, list) or len(raw) > MAX_TIERS:
        errors.append(RuleError("tiers", f"tiers must be a list of at most {MAX_TIERS} rules", "invalid_type"))
        raise PolicyInvalid(errors)
    rules = [rule for index, item in enumerate(raw) if (rule := _rule(item, f"tiers[{index}]", errors)) is not None]
    if not errors:  # with a rule left out, the indexes of the rules below it would be wrong
        errors += _order_errors(rules)
    if errors:
        raise PolicyInvalid(errors)
    return TierPolicy(tiers=tuple(rules), window_days=window)


def _rule(item: object, path: str, errors: list[RuleError]) -> TierRule | None:
    """Return one rule of the body, or None after adding its problems to errors."""
    if not isinstance(item, dict):
        errors.append(RuleError(path, f"{path} must be an object", "invalid_type"))
        return None
    found = len(errors)
    errors += [RuleError(f"{path}.{key}", f"unknown field {key}", "unknown_field")
               for key in sorted(set(item) - {"code", "name", "min_spend", "min_orders"})]
    code = item.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        errors.append(RuleError(f"{path}.code", "code must be 1-32 lower-case letters, digits, - or _, starting "
                                                "with a letter or digit"))
    name = item.get("name", code)
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME or _has_control(name):
        errors.append(RuleError(f"{path}.name", f"name must be 1-{MAX_NAME} characters of text"))
    spend = _spend(item.get("min_spend"), f"{path}.min_spend", errors)
    orders = item.get("min_orders")
    whole = isinstance(orders, int) and not isinstance(orders, bool)
    if orders is not None and (not whole or not 1 <= orders <= MAX_ORDERS):
        errors.append(RuleError(f"{path}.min_orders", f"min_orders must be an integer from 1 to {MAX_ORDERS}"))
        orders = None
    if item.get("min_spend") is None and item.get("min_orders") is None:
        errors.append(RuleError(path, f"{path} needs min_spend, min_orders or both", "missing_field"))
    if len(errors) > found:
        return None
    return TierRule(code, name.strip(), spend, orders)


def _spend(value: object, path: str, errors: list[RuleError]) -> Decimal | None:
    """Return a positive amount with at most 2 decimals, or None (absent, or after recording the problem)."""
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, (int, str, float)):
            raise InvalidOperation
        amount = Decimal(str(value))
        if not amount.is_finite() or amount <= 0 or amount > MAX_SPEND or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors.append(RuleError(path, "min_spend must be an amount above 0 with at most 2 decimals"))
        return None
    return amount.quantize(Decimal("0.01"))


def _order_errors(rules: list[TierRule]) -> list[RuleError]:
    """Return the problems of the rules as a list: repeated codes, thresholds not rising from tier to tier."""
    errors = []
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.code in seen:
            errors.append(RuleError(f"tiers[{index}].code", f"tier {rule.code} is listed twice", "duplicate"))
        seen.add(rule.code)
    for index, (lower, higher) in enumerate(zip(rules, rules[1:]), start=1):
        for name in ("min_spend", "min_orders"):
            low, high = getattr(lower, name), getattr(higher, name)
            if low is not None and high is not None and high <= low:
                errors.append(RuleError(f"tiers[{index}].{name}", f"tiers are listed lowest first: {name} of "
                                                                  f"{higher.code} must be above {lower.code}'s"))
    return errors


def _has_control(text: str) -> bool:
    """Return True when text holds a control character or a lone surrogate."""
    return any(ch < " " or "\ud800" <= ch <= "\udfff" for ch in text)
