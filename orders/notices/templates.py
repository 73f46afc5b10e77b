"""Bilingual buyer notice texts: one small renderer per kind, pure (no Flask, no database).

Every value that came from a buyer, a viewer or a platform (order ids, SKUs, coupon codes, reasons) is
inserted as data: it is never used as a format string, control and bidi characters are stripped, and
it is cut to a sane length. The result is plain text for a JSON channel; nothing here is HTML.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from orders.notices.after_sale import AFTER_SALE_RENDERERS
from orders.notices.wording import (CENT, FINDING_LIMIT, TEXT_LIMIT, Context, Message, bilingual, clean, listing,
                                    money, require, with_reason)

__all__ = ["CENT", "FINDING_LIMIT", "KINDS", "RENDERERS", "TEXT_LIMIT", "Context", "Message", "clean", "money",
           "render"]


def _received(c: Context, oid: str) -> tuple[str, str]:
    require(c, "received", "total")
    total = money(c["total"])
    en, zh = (f"We have received your order {oid} ({total}) and will confirm it shortly.",
              f"我们已收到您的订单 {oid}（{total}），稍后为您确认。")
    refused = [bilingual(m, FINDING_LIMIT) for m in c.get("refused") or ()]  # coupons entered but not applied
    if refused:
        en += " Not applied:" + "".join(f"\n- {r['en']}" for r in refused)
        zh += "以下优惠未能使用：" + "".join(f"\n- {r['zh-CN']}" for r in refused)
    return en, zh


def _needs_info(c: Context, oid: str) -> tuple[str, str]:
    require(c, "needs_info", "findings")
    asks = [bilingual(f["message"], FINDING_LIMIT) for f in c["findings"]]
    en_items = "".join(f"\n- {a['en']}" for a in asks)
    zh_items = "".join(f"\n- {a['zh-CN']}" for a in asks)
    return (f"Your order {oid} is on hold: we need a few details before we can ship it.{en_items}\n"
            "Please reply with the details and we will continue.",
            f"您的订单 {oid} 暂缓处理：发货前还需要您补充以下信息。{zh_items}\n请回复补充信息，我们会继续处理。")


def _waitlisted(c: Context, oid: str) -> tuple[str, str]:
    require(c, "waitlisted", "skus")
    return (f"Your order {oid} is on the waitlist because these items are out of stock right now: "
            f"{listing(c['skus'], ', ')}. We will tell you as soon as they are restocked.",
            f"您的订单 {oid} 已进入候补：以下商品暂时缺货：{listing(c['skus'], '、')}。补货后我们会第一时间通知您。")


def _promoted(c: Context, oid: str) -> tuple[str, str]:
    return (f"Good news: your order {oid} has left the waitlist. The items are back in stock and reserved for you.",
            f"好消息：您的订单 {oid} 已从候补转为正式订单，商品已补货并为您保留。")


def _promotion_applied(c: Context, oid: str) -> tuple[str, str]:
    if c.get("promotions"):  # the review's shape: [{"code", "amount"}] per applied promotion
        codes = [p["code"] for p in c["promotions"]]
        saving = money(sum((Decimal(str(p["amount"])) for p in c["promotions"]), Decimal(0)))
    else:
        require(c, "promotion_applied", "codes", "saving")
        codes, saving = list(c["codes"]), money(c["saving"])
    en = f"Promotion applied to your order {oid}: {listing(codes, ', ')}. You save {saving}."
    zh = f"您的订单 {oid} 已使用优惠：{listing(codes, '、')}，共节省 {saving}。"
    if c.get("total") is not None:
        en, zh = en + f" New total: {money(c['total'])}.", zh + f"优惠后应付 {money(c['total'])}。"
    return en, zh


def _payment_failed(c: Context, oid: str) -> tuple[str, str]:
    if c.get("amount") is None:
        return (f"The payment for your order {oid} did not go through. Please pay again before the order expires.",
                f"您的订单 {oid} 支付未成功，请在订单失效前重新支付。")
    amount = money(c["amount"])
    return (f"The payment of {amount} for your order {oid} did not go through. "
            "Please pay again before the order expires.",
            f"您的订单 {oid} 支付 {amount} 未成功，请在订单失效前重新支付。")


def _expired(c: Context, oid: str) -> tuple[str, str]:
    if c.get("cause") == "not_confirmed":  # a held order nobody confirmed or extended: the buyer was not late to pay
        return (f"Your order {oid} was held for a check and was not confirmed in time, so it has been closed; "
                "the items reserved for it were released.",
                f"您的订单 {oid} 在审核中未能及时确认，订单已关闭，为您保留的商品已释放。")
    return (f"Your order {oid} has expired because it was not paid in time; the reserved items were released.",
            f"您的订单 {oid} 因未按时支付已失效，为您保留的商品已释放。")


def _rejected(c: Context, oid: str) -> tuple[str, str]:
    return with_reason(c, f"We are sorry, we could not accept your order {oid}.",
                        f"很抱歉，我们无法受理您的订单 {oid}。")


def _cancelled(c: Context, oid: str) -> tuple[str, str]:
    return with_reason(c, f"Your order {oid} has been cancelled.", f"您的订单 {oid} 已取消。")


def _claimed(c: Context, oid: str) -> tuple[str, str]:
    # A chat claim became a draft order (orders/claims): the buyer has `minutes` to pay, or waits in line for stock.
    require(c, "claimed", "sku", "qty", "minutes")
    item = f"{clean(c['sku'], 64)} ×{int(c['qty'])}"
    if c.get("waitlisted"):
        en, zh = (f"We saw your claim in the live chat: {item} ({oid}). It is sold out right now; you are on the "
                  "waitlist and we will tell you when it is yours.",
                  f"已收到您在直播间的认领：{item}（{oid}）。目前已抢光，您已进入候补，轮到您时我们会通知您。")
    else:
        en, zh = (f"We saw your claim in the live chat: {item} ({oid}) is reserved for you. Please pay within "
                  f"{int(c['minutes'])} minutes, or it goes to the next in line.",
                  f"已收到您在直播间的认领：{item}（{oid}）已为您保留，请在 {int(c['minutes'])} 分钟内付款，"
                  "否则将顺延给下一位。")
    if c.get("pay_url"):
        en, zh = en + f" Pay here: {clean(c['pay_url'], 300)}", zh + f"付款链接：{clean(c['pay_url'], 300)}"
    return en, zh


def _claim_bumped(c: Context, oid: str) -> tuple[str, str]:
    # Claims are served by comment time: an earlier comment that reached us late took this draft's units back.
    require(c, "claim_bumped", "sku", "qty")
    item = f"{clean(c['sku'], 64)} ×{int(c['qty'])}"
    return (f"Sorry: an earlier claim in the live chat reached us late and comes first, so {item} ({oid}) is no "
            "longer reserved for you. You are back on the waitlist and we will tell you when it is yours; please do "
            "not pay for it yet.",
            f"抱歉：直播间一条更早的认领延迟送达，按认领先后优先，{item}（{oid}）已不再为您保留。您已回到候补，"
            "轮到您时我们会通知您，请暂勿付款。")


def _payment_reminder(c: Context, oid: str) -> tuple[str, str]:
    # 催付: the host's one-click reminder to a buyer who claimed or ordered and has not paid yet.
    total = money(c["total"]) if c.get("total") is not None else None
    en_total, zh_total = (f" ({total})", f"（{total}）") if total else ("", " ")
    return (f"A reminder: your order {oid}{en_total} is not paid yet. Please pay soon, or the items go to the next "
            "in line.", f"温馨提醒：您的订单 {oid}{zh_total}尚未付款，请尽快付款，否则商品将顺延给下一位。")


RENDERERS: Mapping[str, Callable[[Context, str], tuple[str, str]]] = {
    "received": _received,
    "needs_info": _needs_info,
    "waitlisted": _waitlisted,
    "promoted": _promoted,
    "promotion_applied": _promotion_applied,
    "payment_failed": _payment_failed,
    "expired": _expired,
    "rejected": _rejected,
    "cancelled": _cancelled,
    "claimed": _claimed,
    "claim_bumped": _claim_bumped,
    "payment_reminder": _payment_reminder,
    **AFTER_SALE_RENDERERS,
}
KINDS: tuple[str, ...] = tuple(RENDERERS)


def render(kind: str, context: Context) -> Message:
    """Return the ``{"en", "zh-CN"}`` message of a notice kind; ValueError for an unknown kind or missing context.

    Every kind needs ``order_id``; see docs/notices.md for the other keys of each kind.
    """
    renderer = RENDERERS.get(kind)
    if renderer is None:
        raise ValueError(f"unknown notice kind {kind!r}; known: {', '.join(KINDS)}")
    require(context, kind, "order_id")
    en, zh = renderer(context, clean(context["order_id"], 64))
    return {"en": en, "zh-CN": zh}
