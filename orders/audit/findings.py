"""Findings of the audit rules and the catalogue of their stable codes."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["block", "warn", "info"]
Outcome = Literal["reject", "hold", "none"]
Message = Mapping[str, str]

LANGUAGES: tuple[str, ...] = ("en", "zh-CN")


@dataclass(frozen=True)
class CodeSpec:
    """What a finding code means for the order: its severity, outcome and whether the buyer is told."""

    severity: Severity
    outcome: Outcome
    buyer_notice: bool


# The single source of truth for codes; docs/audit.md lists the same table.
CODES: Mapping[str, CodeSpec] = {
    # completeness
    "source_invalid": CodeSpec("block", "reject", False),
    "buyer_id_missing": CodeSpec("block", "reject", False),
    "buyer_name_missing": CodeSpec("block", "hold", True),
    "phone_missing": CodeSpec("block", "hold", True),
    "phone_invalid": CodeSpec("block", "hold", True),
    "address_missing": CodeSpec("block", "hold", True),
    "contact_masked": CodeSpec("info", "none", False),
    "items_missing": CodeSpec("block", "hold", True),
    "sku_missing": CodeSpec("block", "hold", True),
    "sku_unknown": CodeSpec("block", "hold", False),
    "sku_not_in_lineup": CodeSpec("block", "hold", False),
    "variant_missing": CodeSpec("block", "hold", True),
    "qty_invalid": CodeSpec("block", "hold", True),
    "qty_over_limit": CodeSpec("block", "hold", True),
    "claim_not_found": CodeSpec("block", "hold", False),
    "claim_mismatch": CodeSpec("block", "hold", True),
    # inventory
    "stock_short": CodeSpec("warn", "none", False),
    # pricing
    "price_mismatch": CodeSpec("block", "hold", False),
    "coupon_refused": CodeSpec("info", "none", True),
    # risk
    "duplicate_order": CodeSpec("block", "hold", False),
    "blocklisted": CodeSpec("block", "hold", False),
    "abnormal_quantity": CodeSpec("block", "hold", False),
    # payment events
    "duplicate_payment": CodeSpec("warn", "none", False),
    "payment_on_closed_order": CodeSpec("warn", "none", False),
    "payment_failed": CodeSpec("info", "none", True),
}


def asks_buyer(finding: "Finding | Mapping[str, Any]") -> bool:
    """Return True for a finding that holds the order until the buyer supplies something (a needs-info notice)."""
    item = finding.to_dict() if isinstance(finding, Finding) else finding
    spec = CODES.get(str(item.get("code")))
    return bool(item.get("buyer_notice")) and spec is not None and spec.outcome == "hold"


def needs_info_key(asks: "Iterable[Mapping[str, Any]]") -> str:
    """Return the dedupe key of a needs-info notice: ``code@field`` of each ask, sorted, joined by ``;``."""
    return ";".join(sorted(f"{a['code']}@{a.get('field') or ''}" for a in asks))


def msg(en: str, zh: str) -> dict[str, str]:
    """Return a bilingual message ``{"en": ..., "zh-CN": ...}``."""
    return {"en": en, "zh-CN": zh}


@dataclass(frozen=True)
class Finding:
    """One problem (or remark) about an order.

    ``message`` maps each language of ``LANGUAGES`` to text; ``field`` is a dotted path into the
    order (``buyer.address.city``, ``items[1].qty``); ``data`` carries machine-readable details.
    """

    code: str
    severity: Severity
    message: Message
    field: str | None = None
    buyer_notice: bool = False
    # dataclasses.field: the attribute `field` above shadows the bare name in this class body.
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def outcome(self) -> Outcome:
        """Return what the finding does to the order status (``none`` for unknown codes)."""
        spec = CODES.get(self.code)
        return spec.outcome if spec else "none"

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-safe dict (``field`` only when set)."""
        out: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": dict(self.message)}
        if self.field is not None:
            out["field"] = self.field
        out["buyer_notice"] = self.buyer_notice
        if self.data:
            out["data"] = dict(self.data)
        return out


def finding(
    code: str,
    en: str,
    zh: str,
    /,
    field: str | None = None,
    severity: Severity | None = None,
    **data: Any,
) -> Finding:
    """Return a Finding of a catalogued ``code`` with its severity and buyer-notice flag."""
    spec = CODES[code]
    return Finding(
        code=code,
        severity=severity or spec.severity,
        message=msg(en, zh),
        field=field,
        buyer_notice=spec.buyer_notice,
        data=data,
    )
