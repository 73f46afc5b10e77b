"""Risk rules: duplicate orders and payments, blocklisted buyers, abnormal quantities."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from orders.audit.findings import Finding, finding
from orders.audit.inventory import requested_by_sku
from orders.audit.model import Address, Blocklist, BuyerHistory, OrderDraft
from orders.audit.phone import normalize_phone
from orders.audit.policy import AuditPolicy

CLOSED_STATUSES: frozenset[str] = frozenset({"rejected", "cancelled", "expired"})


@dataclass(frozen=True)
class PaymentEvent:
    """A payment notification from the platform; ``payment_id`` identifies the transaction."""

    payment_id: str
    status: Literal["paid", "failed"]
    amount: Decimal
    at: datetime


@dataclass(frozen=True)
class PaymentCheck:
    """What to do with a payment event.

    ``next_status`` is None when the order status does not change; ``refund`` asks the
    service to refund ``new_payment``; ``replay`` marks an event already recorded (ignore it).
    """

    findings: tuple[Finding, ...]
    next_status: str | None
    refund: bool = False
    keep_reservation: bool = True
    replay: bool = False


def check_risk(order: OrderDraft, history: BuyerHistory, blocklist: Blocklist, policy: AuditPolicy) -> list[Finding]:
    """Return the ``duplicate_order``, ``blocklisted`` and ``abnormal_quantity`` findings of ``order``."""
    return [*_duplicates(order, history, policy), *_blocklisted(order, blocklist), *_abnormal(order, policy)]


def address_key(text: str) -> str:
    """Return ``text`` reduced to lower-case letters and digits, for comparing addresses."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


BLOCKLIST_KINDS: tuple[str, ...] = ("buyer_id", "phone", "address")


def blocklist_key(kind: str, value: object) -> str | None:
    """Return the form in which a blocklist entry of kind matches an order (None: it can match none).

    A buyer id matches as written, a phone in E.164 whatever way it was typed, an address by its letters and
    digits. The database keeps this key beside each entry, so a batch reads only the entries its orders hit.
    """
    if not isinstance(value, str):
        return None
    if kind == "buyer_id":
        return value or None
    if kind == "phone":
        return normalize_phone(value)
    if kind == "address":
        return address_key(value) or None
    return None


def order_blocklist_keys(order: OrderDraft) -> list[tuple[str, str]]:
    """Return the (kind, key) pairs through which a blocklist entry would match the order's buyer."""
    buyer = order.buyer
    keys = [("buyer_id", blocklist_key("buyer_id", buyer.id)), ("phone", blocklist_key("phone", buyer.phone)),
            ("address", blocklist_key("address", _address_text(buyer.address)))]
    return [(kind, key) for kind, key in keys if key is not None]


def _address_text(address: Address) -> str:
    return "".join(part or "" for part in (address.province, address.city, address.district, address.detail))


def _duplicates(order: OrderDraft, history: BuyerHistory, policy: AuditPolicy) -> list[Finding]:
    """Return duplicate_order when the buyer placed the same items within the window and not both were paid.

    Two paid orders are two purchases the buyer confirmed with money (a second unit for a friend in a flash
    sale), not a double tap or a platform retry, which leave one of the two unpaid.
    """
    wanted = requested_by_sku(order.items)
    if policy.duplicate_window_seconds == 0 or not wanted:
        return []
    window = timedelta(seconds=policy.duplicate_window_seconds)
    paid = order.paid_amount is not None
    for past in history.recent_orders:
        same_items = {sku: n for sku, n in past.items.items() if n > 0} == wanted
        # abs(): the earlier order may reach us after this one.
        if (past.order_id != order.order_id and same_items and abs(order.placed_at - past.at) <= window
                and not (paid and past.paid)):
            return [finding(
                "duplicate_order", f"Same items as order {past.order_id} placed shortly before.",
                f"与不久前的订单 {past.order_id} 商品完全相同，疑似重复下单。", "items", previous=past.order_id)]
    return []


@lru_cache(maxsize=8)
def _blocklist_keys(blocklist: Blocklist) -> dict[str, frozenset[str]]:
    """Return the keys of blocklist's entries by kind, worked out once per blocklist, not once per order."""
    return {kind: frozenset(key for key in (blocklist_key(kind, value) for value in values) if key is not None)
            for kind, values in (("buyer_id", blocklist.buyer_ids), ("phone", blocklist.phones),
                                 ("address", blocklist.addresses))}


def _blocklisted(order: OrderDraft, blocklist: Blocklist) -> list[Finding]:
    found = []
    buyer = order.buyer
    keys = _blocklist_keys(blocklist)
    if buyer.id and buyer.id in keys["buyer_id"]:
        found.append(finding("blocklisted", "The buyer account is blocklisted.", "买家账号在黑名单中。",
                             "buyer.id", matched="buyer_id"))
    phone = blocklist_key("phone", buyer.phone)
    if phone and phone in keys["phone"]:
        found.append(finding("blocklisted", "The phone number is blocklisted.", "手机号在黑名单中。",
                             "buyer.phone", matched="phone"))
    address = blocklist_key("address", _address_text(buyer.address))
    if address and address in keys["address"]:
        found.append(finding("blocklisted", "The address is blocklisted.", "收货地址在黑名单中。",
                             "buyer.address", matched="address"))
    return found


def _abnormal(order: OrderDraft, policy: AuditPolicy) -> list[Finding]:
    limit = policy.abnormal_qty_per_sku
    found = []
    for sku, qty in requested_by_sku(order.items).items():
        if qty > limit:
            first = next(i for i, line in enumerate(order.items) if line.sku == sku and line.quantity is not None)
            found.append(finding(
                "abnormal_quantity", f"{sku}: {qty} units is unusually many (threshold {limit}).",
                f"{sku}：数量 {qty} 件异常偏多（阈值 {limit}）。", f"items[{first}].qty",
                sku=sku, qty=qty, threshold=limit))
    return found


def check_payment(order_status: str, previous_payments: Sequence[PaymentEvent], new_payment: PaymentEvent) -> PaymentCheck:
    """Return the findings and flags of ``new_payment`` for an order in ``order_status``.

    A repeated event (same ``payment_id`` and status) is a replay and changes nothing. A failed
    payment gives ``payment_failed`` (buyer notice, reservation kept). A successful one moves
    an ``accepted`` order to ``paid``; a second successful payment gives ``duplicate_payment``
    and one for a closed order ``payment_on_closed_order``, both with a refund flag.
    """
    if any(p.payment_id == new_payment.payment_id and p.status == new_payment.status for p in previous_payments):
        return PaymentCheck((), None, replay=True)
    if new_payment.status == "failed":
        return PaymentCheck((finding(
            "payment_failed", "The payment did not go through; your items stay reserved, please try again.",
            "支付未成功，商品仍为您保留，请重新支付。", payment_id=new_payment.payment_id),), None)
    if order_status in CLOSED_STATUSES:
        return PaymentCheck((finding(
            "payment_on_closed_order", f"Payment received for an order that is {order_status}; refund it.",
            f"订单已关闭（{order_status}）仍收到付款，需退款。", payment_id=new_payment.payment_id),),
            None, refund=True, keep_reservation=False)
    paid = [p for p in previous_payments if p.status == "paid"]
    if paid or order_status == "paid":
        first = paid[0].payment_id if paid else None
        return PaymentCheck((finding(
            "duplicate_payment", "The order was already paid; refund the second payment.",
            "订单已支付，重复付款需退款。", payment_id=new_payment.payment_id, first_payment_id=first),),
            None, refund=True)
    return PaymentCheck((), "paid" if order_status == "accepted" else None)
