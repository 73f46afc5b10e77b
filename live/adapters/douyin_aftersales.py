"""Douyin 抖店 refund messages (tags 2xx) → v1 ``aftersale`` events (pure but for the optional detail call).

The tag says what happened; ``aftersale_type`` (0 退货退款, 1 已发货仅退款, 2 发货前退款, 3 换货, 4 系统取消,
5 用户取消, 6 价保, 7 补寄, 8 维修) says what kind of case it is; tag 209 (售后超时时长变更) carries the
platform's ``aftersale_status`` and new ``status_deadline``. Amounts are fen. The reason text comes from
``afterSale.Detail`` for a new or modified request (200, 208); other tags carry what they need.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from live.adapters.base import Connection, InboundMessage
from live.adapters.clients.push import ignored
from live.adapters.clients.records import aftersale_event
from live.adapters.clients.values import event_id, fen_to_yuan, optional_time, ref, zone

PLATFORM = "douyin"

CASE_TYPES = {0: "return_refund", 1: "refund_only", 2: "refund_only", 3: "exchange", 4: "refund_only",
              5: "refund_only", 6: "refund_only", 7: "reship", 8: "repair"}
TAG_STATUS = {
    "200": "requested",  # 买家发起售后申请
    "201": "approved",  # 同意退款
    "202": "awaiting_return",  # 同意退货申请
    "203": "return_shipped",  # 买家退货给卖家
    "204": "rejected",  # 拒绝退款
    "205": "rejected",  # 拒绝退货申请
    "206": "refunded",  # 退款成功
    "207": "closed",  # 售后关闭
    "208": "requested",  # 买家修改售后申请
    "211": "replacement_shipped",  # 确认换货并二次发货
    "226": "replacement_shipped",  # 补寄商家发货
    "227": "approved",  # 同意补寄申请
}
# after_sale_status of afterSale.Detail and tag 209: 6 申请 7 退货中 8 待商家发货 11 已发货 12 成功 13 商家已发货
# 14 用户已收货 27 拒绝申请 28 失败 29 退货拒绝 51 订单取消成功 53 逆向交易已完成.
PLATFORM_STATUS = {6: "requested", 7: "awaiting_return", 8: "approved", 11: "return_shipped", 12: "refunded",
                   13: "replacement_shipped", 14: "completed", 27: "rejected", 28: "closed", 29: "rejected",
                   51: "refunded", 53: "completed"}
REFUND_ENDED = {"refunded"}
# The time field each tag names (then update_time, a Beijing wall time or epoch seconds).
TIME_FIELDS = {"200": "apply_time", "201": "agree_time", "204": "refuse_time", "205": "refuse_time",
               "206": "success_time", "207": "close_time", "208": "modify_time"}
DETAILED_TAGS = {"200", "208"}  # a new or changed request: fetch its reason text


def _status(tag: str, data: Mapping, case_type: str) -> str | None:
    """Return the LiveDesk status a message means (a 12 成功 of an exchange/reship/repair is completed)."""
    if tag == "209":
        status = PLATFORM_STATUS.get(data.get("aftersale_status"))
    else:
        status = TAG_STATUS.get(tag)
    if status == "refunded" and case_type not in ("refund_only", "return_refund"):
        return "completed"
    return status


def aftersale_events(inbound: InboundMessage, connection: Connection, details) -> list[dict]:
    """Return the ``aftersale`` event of one refund message, or [] (logged) for a tag LiveDesk does not mirror."""
    data, tag = inbound.payload, inbound.kind
    case_type = CASE_TYPES.get(data.get("aftersale_type"))
    status = _status(tag, data, case_type or "")
    if status is None or case_type is None:
        return ignored(PLATFORM, inbound, f"refund tag {tag} (aftersale_type {data.get('aftersale_type')}, "
                                          f"status {data.get('aftersale_status')}) is not mirrored")
    tz = zone(connection.settings)
    aftersale_id = ref(data.get("aftersale_id"), "data.aftersale_id")
    ts = (optional_time(data.get(TIME_FIELDS.get(tag, "update_time")), "data.time", tz)
          or optional_time(data.get("update_time"), "data.update_time", tz))
    if ts is None and tag == "209":
        ts = datetime.now(timezone.utc)  # 售后超时时长变更 carries no time of its own: when LiveDesk learns it
    if ts is None:
        return ignored(PLATFORM, inbound, "the refund message carries no time")
    raw_amount = data.get("refund_amount")
    amount = fen_to_yuan(raw_amount, "data.refund_amount") if raw_amount is not None else None
    reason, deadline = None, optional_time(data.get("status_deadline"), "data.status_deadline", tz)
    if tag in DETAILED_TAGS and details is not None:
        detail = details.aftersale(aftersale_id)
        reason, deadline, amount = detail.reason, deadline or detail.deadline_at, amount or detail.amount
    return [aftersale_event(
        event_id(PLATFORM, inbound.message_id), ts, aftersale_id=aftersale_id,
        order_id=ref(data.get("p_id"), "data.p_id"), case_type=case_type, status=status, reason=reason,
        amount=amount, deadline_at=deadline, platform="douyin")]
