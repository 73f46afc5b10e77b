"""Bilingual explanations of why a promotion was applied or refused."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from orders.audit.findings import msg

# reason -> (en, zh-CN); {code} is the promotion code, other fields come from Refusal.params.
TEMPLATES: Mapping[str, tuple[str, str]] = {
    "applied": ("{code}: saved {amount}", "{code}：已优惠 {amount}"),
    "not_started": ("{code}: not started yet (starts {at})", "{code}：活动尚未开始（{at} 开始）"),
    "ended": ("{code}: ended at {at}", "{code}：活动已于 {at} 结束"),
    "no_item": ("{code}: no item in this order qualifies", "{code}：订单中没有参与活动的商品"),
    "not_lower": ("{code}: not lower than the current price", "{code}：活动价不低于当前价格"),
    "sold_out": ("{code}: the flash quantity is sold out", "{code}：秒杀名额已抢完"),
    "not_enough_left": (
        "{code}: only {left} left at the flash price, {wanted} ordered",
        "{code}：秒杀价仅剩 {left} 件，本单需要 {wanted} 件",
    ),
    "buyer_cap": (
        "{code}: limit {cap} per buyer at the flash price ({before} already bought, {wanted} ordered)",
        "{code}：秒杀价每人限购 {cap} 件（已购 {before} 件，本单 {wanted} 件）",
    ),
    "not_member": ("{code}: for members only", "{code}：仅限会员"),
    "other_tier": ("{code}: for {tier} members only", "{code}：仅限 {tier} 会员"),
    "unknown_code": ("{code}: unknown coupon code", "{code}：优惠券码无效"),
    "expired": ("{code}: expired at {at}", "{code}：优惠券已于 {at} 过期"),
    "used_up": ("{code}: no uses left", "{code}：优惠券已被用完"),
    "buyer_limit": (
        "{code}: limit {limit} use(s) per buyer, already used {used}",
        "{code}：每人限用 {limit} 次，您已使用 {used} 次",
    ),
    "min_spend_not_met": ("{code}: min spend {min} not met ({amount})", "{code}：未满最低消费 {min}（当前 {amount}）"),
    "threshold_not_met": (
        "{code}: spend {every} to get {off} off ({amount} in order)",
        "{code}：满 {every} 减 {off}（当前 {amount}）",
    ),
    "nothing_left": ("{code}: nothing left to discount", "{code}：订单已无可优惠金额"),
    "exclusive_conflict": ("{code}: cannot be combined with {other}", "{code}：不可与 {other} 同时使用"),
    "better_combination": (
        "{code}: a better combination was applied ({other})",
        "{code}：已为您选择更优惠的组合（{other}）",
    ),
    "no_extra_saving": ("{code}: no extra saving on top of {other}", "{code}：与 {other} 同时使用没有额外优惠"),
}


@dataclass(frozen=True)
class Refusal:
    """Why a promotion gave nothing: a reason of ``TEMPLATES`` and its display parameters."""

    reason: str
    params: Mapping[str, str] = field(default_factory=dict)


def at_text(moment: datetime) -> str:
    """Return ``moment`` as ``2024-05-01 20:00 UTC`` for explanations."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def explain(code: str, reason: str, params: Mapping[str, str]) -> dict[str, str]:
    """Return the bilingual explanation of ``reason`` for promotion ``code``."""
    en, zh = TEMPLATES[reason]
    return msg(en.format(code=code, **params), zh.format(code=code, **params))
