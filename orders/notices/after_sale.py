"""Bilingual buyer notices after the sale (pure): parcels shipped and delivered, after-sales steps, surveys, complaints."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from orders.notices.wording import TEXT_LIMIT, Context, clean, money, require

def _survey_invitation(c: Context, oid: str) -> tuple[str, str]:
    # orders/care/surveys: a signed one-time link to a CSAT (1–5) or NPS (0–10) survey; `days` it stays open.
    require(c, "survey_invitation", "url", "survey")
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
    require(c, kind, "case_id", "type")
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
    require(c, "aftersale_refunded", "amount")
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
    require(c, "shipped", "carrier_en", "carrier_zh", "tracking_no")
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
    require(c, "delivery_exception", "carrier_en", "carrier_zh", "tracking_no", "status")
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
    require(c, "complaint_feedback", "complaint_id", "feedback")
    complaint, feedback = clean(c["complaint_id"], 32), clean(c["feedback"], 600)
    return (f"About your complaint {complaint} on order {oid}: {feedback}",
            f"关于您对订单 {oid} 的投诉（{complaint}）：{feedback}")


AFTER_SALE_RENDERERS: Mapping[str, Callable[[Context, str], tuple[str, str]]] = {
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
