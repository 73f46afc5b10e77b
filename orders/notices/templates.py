"""Bilingual buyer notice texts: one small renderer per kind, pure (no Flask, no database).

Every value that came from a buyer, a viewer or a platform (order ids, SKUs, coupon codes, reasons) is
inserted as data: it is never used as a format string, control and bidi characters are stripped, and
it is cut to a sane length. The result is plain text for a JSON channel; nothing here is HTML.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Message = dict[str, str]
Context = Mapping[str, Any]

CENT = Decimal("0.01")
TEXT_LIMIT = 120
FINDING_LIMIT = 300


def money(amount: Decimal | int | str) -> str:
    """Return amount as ``¥1,234.50``: rounded half-up to the cent, thousands separated, sign in front."""
    if isinstance(amount, float):
        raise TypeError("money is Decimal, int or str, never float")
    cents = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"{sign}¥{abs(cents):,.2f}"


def clean(value: Any, limit: int = TEXT_LIMIT) -> str:
    """Return value as one line of text: control/format characters removed, spaces collapsed, cut to limit."""
    text = "".join(" " if ch in "\r\n\t" else ch for ch in str(value))
    # Cc/Cf covers NUL, escapes and bidi overrides that could make "A1" display as something else.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _require(context: Context, kind: str, *keys: str) -> None:
    missing = [key for key in keys if context.get(key) in (None, "", [], ())]
    if missing:
        raise ValueError(f"notice {kind!r} needs context keys {missing}")


def _listing(values: Sequence[Any], sep: str) -> str:
    return sep.join(clean(v) for v in values)


def _bilingual(value: Mapping[str, Any], limit: int = TEXT_LIMIT) -> Message:
    """Return the cleaned {"en","zh-CN"} pair of a bilingual mapping."""
    return {"en": clean(value.get("en", ""), limit), "zh-CN": clean(value.get("zh-CN", ""), limit)}


def _received(c: Context, oid: str) -> tuple[str, str]:
    _require(c, "received", "total")
    total = money(c["total"])
    en, zh = (f"We have received your order {oid} ({total}) and will confirm it shortly.",
              f"我们已收到您的订单 {oid}（{total}），稍后为您确认。")
    refused = [_bilingual(m, FINDING_LIMIT) for m in c.get("refused") or ()]  # coupons entered but not applied
    if refused:
        en += " Not applied:" + "".join(f"\n- {r['en']}" for r in refused)
        zh += "以下优惠未能使用：" + "".join(f"\n- {r['zh-CN']}" for r in refused)
    return en, zh


def _needs_info(c: Context, oid: str) -> tuple[str, str]:
    _require(c, "needs_info", "findings")
    asks = [_bilingual(f["message"], FINDING_LIMIT) for f in c["findings"]]
    en_items = "".join(f"\n- {a['en']}" for a in asks)
    zh_items = "".join(f"\n- {a['zh-CN']}" for a in asks)
    return (f"Your order {oid} is on hold: we need a few details before we can ship it.{en_items}\n"
            "Please reply with the details and we will continue.",
            f"您的订单 {oid} 暂缓处理：发货前还需要您补充以下信息。{zh_items}\n请回复补充信息，我们会继续处理。")


def _waitlisted(c: Context, oid: str) -> tuple[str, str]:
    _require(c, "waitlisted", "skus")
    return (f"Your order {oid} is on the waitlist because these items are out of stock right now: "
            f"{_listing(c['skus'], ', ')}. We will tell you as soon as they are restocked.",
            f"您的订单 {oid} 已进入候补：以下商品暂时缺货：{_listing(c['skus'], '、')}。补货后我们会第一时间通知您。")


def _promoted(c: Context, oid: str) -> tuple[str, str]:
    return (f"Good news: your order {oid} has left the waitlist. The items are back in stock and reserved for you.",
            f"好消息：您的订单 {oid} 已从候补转为正式订单，商品已补货并为您保留。")


def _promotion_applied(c: Context, oid: str) -> tuple[str, str]:
    if c.get("promotions"):  # the review's shape: [{"code", "amount"}] per applied promotion
        codes = [p["code"] for p in c["promotions"]]
        saving = money(sum((Decimal(str(p["amount"])) for p in c["promotions"]), Decimal(0)))
    else:
        _require(c, "promotion_applied", "codes", "saving")
        codes, saving = list(c["codes"]), money(c["saving"])
    en = f"Promotion applied to your order {oid}: {_listing(codes, ', ')}. You save {saving}."
    zh = f"您的订单 {oid} 已使用优惠：{_listing(codes, '、')}，共节省 {saving}。"
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


def _with_reason(c: Context, en: str, zh: str) -> tuple[str, str]:
    # Only a bilingual reason is shown: a plain string is an operator's or platform's note, not meant for the buyer.
    if not isinstance(c.get("reason"), Mapping):
        return en, zh
    reason = _bilingual(c["reason"])
    return f"{en} Reason: {reason['en']}", f"{zh}原因：{reason['zh-CN']}"


def _rejected(c: Context, oid: str) -> tuple[str, str]:
    return _with_reason(c, f"We are sorry, we could not accept your order {oid}.",
                        f"很抱歉，我们无法受理您的订单 {oid}。")


def _cancelled(c: Context, oid: str) -> tuple[str, str]:
    return _with_reason(c, f"Your order {oid} has been cancelled.", f"您的订单 {oid} 已取消。")


def _claimed(c: Context, oid: str) -> tuple[str, str]:
    # A chat claim became a draft order (orders/claims): the buyer has `minutes` to pay, or waits in line for stock.
    _require(c, "claimed", "sku", "qty", "minutes")
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


def _payment_reminder(c: Context, oid: str) -> tuple[str, str]:
    # 催付: the host's one-click reminder to a buyer who claimed or ordered and has not paid yet.
    total = money(c["total"]) if c.get("total") is not None else None
    en_total, zh_total = (f" ({total})", f"（{total}）") if total else ("", " ")
    return (f"A reminder: your order {oid}{en_total} is not paid yet. Please pay soon, or the items go to the next "
            "in line.", f"温馨提醒：您的订单 {oid}{zh_total}尚未付款，请尽快付款，否则商品将顺延给下一位。")


def _survey_invitation(c: Context, oid: str) -> tuple[str, str]:
    # orders/care/surveys: a signed one-time link to a CSAT (1–5) or NPS (0–10) survey; `days` it stays open.
    _require(c, "survey_invitation", "url", "survey")
    url, days = clean(c["url"], 300), int(c.get("days") or 30)
    if c["survey"] == "nps":
        return (f"How likely are you to recommend us to a friend? Tell us on a scale of 0 to 10: {url} "
                f"(open for {days} days).", f"您有多大可能把我们推荐给朋友？请用 0–10 分告诉我们：{url}（{days} 天内有效）")
    return (f"How satisfied are you with your order {oid}? Rate it in one tap: {url} (open for {days} days).",
            f"您对订单 {oid} 满意吗？一键评价：{url}（{days} 天内有效）")


# After-sales (orders/aftersales): one notice per step of a case; `case_id` and `type` are in every context.
_CASE_TYPES = {"refund_only": ("refund", "仅退款"), "return_refund": ("return and refund", "退货退款"),
               "exchange": ("exchange", "换货"), "reship": ("reshipment", "补发"), "repair": ("repair", "维修")}


def _case(c: Context, kind: str) -> tuple[str, str, str]:
    """Return the case id and the case type in en and zh-CN."""
    _require(c, kind, "case_id", "type")
    en, zh = _CASE_TYPES.get(str(c["type"]), ("after-sales", "售后"))
    return clean(c["case_id"], 40), en, zh


def _aftersale_opened(c: Context, oid: str) -> tuple[str, str]:
    case, en, zh = _case(c, "aftersale_opened")
    return (f"We have received your {en} request {case} for order {oid} and will answer it shortly.",
            f"我们已收到您订单 {oid} 的{zh}申请（{case}），将尽快处理。")


def _aftersale_approved(c: Context, oid: str) -> tuple[str, str]:
    case, en, zh = _case(c, "aftersale_approved")
    if c.get("return_days"):
        days = int(c["return_days"])
        return (f"Your {en} request {case} for order {oid} is approved. Please send the items back within {days} days "
                "and enter the return tracking number.",
                f"您订单 {oid} 的{zh}申请（{case}）已通过，请在 {days} 天内寄回商品并填写退货单号。")
    return (f"Your {en} request {case} for order {oid} is approved.", f"您订单 {oid} 的{zh}申请（{case}）已通过。")


def _aftersale_rejected(c: Context, oid: str) -> tuple[str, str]:
    case, en, zh = _case(c, "aftersale_rejected")
    # The agent writes the rejection reason for the buyer (the API says so): shown as text, cleaned and cut.
    reason = clean(c.get("reason") or "", TEXT_LIMIT)
    en_text = f"Your {en} request {case} for order {oid} was not accepted."
    zh_text = f"很抱歉，您订单 {oid} 的{zh}申请（{case}）未通过。"
    if reason:
        en_text, zh_text = en_text + f" Reason: {reason.rstrip('.。')}.", zh_text + f"原因：{reason.rstrip('.。')}。"
    if c.get("may_appeal"):
        en_text, zh_text = en_text + " You may appeal once.", zh_text + "您可以申诉一次。"
    return en_text, zh_text


def _aftersale_received(c: Context, oid: str) -> tuple[str, str]:
    case, _en, _zh = _case(c, "aftersale_received")
    return (f"We have received the items you sent back for {case} (order {oid}) and are checking them.",
            f"我们已收到您为售后单 {case}（订单 {oid}）寄回的商品，正在检验。")


def _aftersale_refunded(c: Context, oid: str) -> tuple[str, str]:
    case, _en, _zh = _case(c, "aftersale_refunded")
    _require(c, "aftersale_refunded", "amount")
    amount = money(c["amount"])
    return (f"We have refunded {amount} for {case} (order {oid}). It goes back the way you paid.",
            f"售后单 {case}（订单 {oid}）已退款 {amount}，将按原支付方式退回。")


def _aftersale_replacement_shipped(c: Context, oid: str) -> tuple[str, str]:
    case, en, zh = _case(c, "aftersale_replacement_shipped")
    parcel = " ".join(clean(c.get(key) or "", 64) for key in ("carrier", "tracking")).strip()
    en_text = f"The parcel of your {en} {case} (order {oid}) is on its way."
    zh_text = f"您的{zh}（售后单 {case}，订单 {oid}）已发出。"
    if parcel:
        en_text, zh_text = en_text + f" Tracking: {parcel}", zh_text + f"物流单号：{parcel}"
    return en_text, zh_text


def _aftersale_closed(c: Context, oid: str) -> tuple[str, str]:
    case, en, zh = _case(c, "aftersale_closed")
    cause = c.get("cause")
    if cause == "cancelled":
        return (f"Your {en} request {case} for order {oid} was withdrawn.", f"您订单 {oid} 的{zh}申请（{case}）已撤销。")
    if cause == "return_not_shipped":
        return (f"Your {en} request {case} for order {oid} was closed because the items were not sent back in time.",
                f"您订单 {oid} 的{zh}申请（{case}）因未在规定时间内寄回商品已关闭。")
    return (f"Your {en} {case} for order {oid} is complete. Thank you for your patience.",
            f"您订单 {oid} 的{zh}（{case}）已完成，感谢您的耐心。")


def _parcel(c: Context) -> tuple[str, str]:
    """Return the parcel a fulfilment notice names, in en and zh-CN: carrier and tracking number."""
    number = clean(c["tracking_no"], 40)
    return (f"{clean(c['carrier_en'], 80)} {number}", f"{clean(c['carrier_zh'], 80)} {number}")


def _shipped(c: Context, oid: str) -> tuple[str, str]:
    # orders/fulfilment: a parcel of the order left with a carrier; eta is the expected arrival date (YYYY-MM-DD).
    _require(c, "shipped", "carrier_en", "carrier_zh", "tracking_no")
    en_parcel, zh_parcel = _parcel(c)
    if c.get("partial"):
        en, zh = (f"Part of your order {oid} has shipped with {en_parcel}.", f"您的订单 {oid} 已部分发货：{zh_parcel}。")
    else:
        en, zh = f"Your order {oid} has shipped with {en_parcel}.", f"您的订单 {oid} 已发货：{zh_parcel}。"
    if c.get("eta"):
        eta = clean(c["eta"], 32)
        en, zh = en + f" Expected arrival: {eta}.", zh + f"预计 {eta} 送达。"
    return en, zh


_TROUBLES = {"delivery_failed": ("could not be delivered; the carrier will contact you or try again",
                                 "派送遇到问题，快递员会与您联系或再次派送"),
             "returned_to_sender": ("is being returned to us", "正在退回"),
             "lost": ("appears to be lost; we are on it and will make it right", "疑似丢失，我们正在处理，会给您满意的解决")}


def _delivery_exception(c: Context, oid: str) -> tuple[str, str]:
    # orders/fulfilment: a parcel's tracking reported a problem (物流问题); status is the shipment's exception.
    _require(c, "delivery_exception", "carrier_en", "carrier_zh", "tracking_no", "status")
    en_parcel, zh_parcel = _parcel(c)
    en_what, zh_what = _TROUBLES.get(str(c["status"]), _TROUBLES["delivery_failed"])
    return (f"The parcel of your order {oid} ({en_parcel}) {en_what}. We are sorry for the trouble.",
            f"您的订单 {oid} 的包裹（{zh_parcel}）{zh_what}，给您带来不便，非常抱歉。")


def _delivered(c: Context, oid: str) -> tuple[str, str]:
    # orders/fulfilment: every parcel of the order was delivered.
    return (f"Your order {oid} has been delivered. Thank you for shopping with us!",
            f"您的订单 {oid} 已签收，感谢您的支持！")



def _complaint_feedback(c: Context, oid: str) -> tuple[str, str]:
    # orders/care/complaints: the outcome of a buyer's complaint, in the agent's words (kept as data, cut to 600).
    _require(c, "complaint_feedback", "complaint_id", "feedback")
    complaint, feedback = clean(c["complaint_id"], 32), clean(c["feedback"], 600)
    return (f"About your complaint {complaint} on order {oid}: {feedback}",
            f"关于您对订单 {oid} 的投诉（{complaint}）：{feedback}")

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
    "payment_reminder": _payment_reminder,
    "aftersale_opened": _aftersale_opened,
    "aftersale_approved": _aftersale_approved,
    "aftersale_rejected": _aftersale_rejected,
    "aftersale_received": _aftersale_received,
    "aftersale_refunded": _aftersale_refunded,
    "aftersale_replacement_shipped": _aftersale_replacement_shipped,
    "aftersale_closed": _aftersale_closed,
    "survey_invitation": _survey_invitation,
    "shipped": _shipped,
    "delivery_exception": _delivery_exception,
    "delivered": _delivered,
    "complaint_feedback": _complaint_feedback,
}
KINDS: tuple[str, ...] = tuple(RENDERERS)


def render(kind: str, context: Context) -> Message:
    """Return the ``{"en", "zh-CN"}`` message of a notice kind; ValueError for an unknown kind or missing context.

    Every kind needs ``order_id``; see docs/notices.md for the other keys of each kind.
    """
    renderer = RENDERERS.get(kind)
    if renderer is None:
        raise ValueError(f"unknown notice kind {kind!r}; known: {', '.join(KINDS)}")
    _require(context, kind, "order_id")
    en, zh = renderer(context, clean(context["order_id"], 64))
    return {"en": en, "zh-CN": zh}
