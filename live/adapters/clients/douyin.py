"""Douyin 抖店 open API client: order detail, after-sales detail and the batch decrypt of buyer contacts.

Request signing follows the official SDKs: parameters ``app_key, method, access_token, timestamp, v=2,
sign_method=hmac-sha256`` in the query, the business parameters as compact sorted JSON in the body, and
``sign = hex(HMAC-SHA256(app_secret, app_secret + "app_key…method…param_json…timestamp…v2" + app_secret))``.
Answers carry ``code`` (10000 = success, as the SDKs with ``x-open-no-old-err-code`` see it; 0 accepted too).
Amounts are fen, times epoch seconds. Sources: tests/fixtures/adapters/douyin/SOURCES.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from live.adapters.clients.errors import DetailRejected
from live.adapters.clients.http import ApiTransport, HttpSettings, Signed, shared_bucket
from live.adapters.clients.records import AftersaleDetail, Buyer, Line, OrderDetail
from live.adapters.base import AdapterError
from live.adapters.clients.values import CHINA_ZONE, fen_to_yuan, optional_time, ref, text
from live.adapters.mapping import optional_id, zone_of

PLATFORM = "douyin"
DEFAULT_BASE_URL = "https://openapi-fxg.jinritemai.com"
SUCCESS_CODES = (0, 10000)
MAX_DECRYPT = 50  # order.batchDecrypt takes at most 50 cipher texts
# pay_type as documented on order.orderDetail: 0 货到付款 1 微信 2 支付宝 3 小程序 4 银行卡 5 余额 7 无需支付 8 DOU分期
# 9 新卡支付 12 先用后付.
PAY_TYPES = {0: "cod", 1: "wechat", 2: "alipay", 3: "mini_program", 4: "bank_card", 5: "balance", 7: "free",
             8: "dou_installment", 9: "new_card", 12: "pay_later"}


def sign(app_key: str, app_secret: str, method: str, param_json: str, timestamp: str) -> str:
    """Return the request signature of the 抖店 open API (hmac-sha256, lower-case hex)."""
    pattern = f"app_key{app_key}method{method}param_json{param_json}timestamp{timestamp}v2"
    return hmac.new(app_secret.encode(), f"{app_secret}{pattern}{app_secret}".encode(), hashlib.sha256).hexdigest()


def param_json(params: Mapping[str, Any]) -> str:
    """Return business parameters as the SDKs send them: sorted keys, no spaces, no ASCII escaping."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sku(line: Mapping) -> str | None:
    """Return the seller's SKU of a sku order: merchant code, else external SKU id, else the platform SKU id."""
    for key in ("code", "out_sku_id", "sku_id"):
        value = line.get(key)
        if value not in (None, "", 0, "0"):
            return ref(value, f"sku_order_list.{key}", required=False)
    return None


_TZ = zone_of(None, CHINA_ZONE)  # the API's times are epoch seconds; a wall time would be Beijing time


def parse_order_detail(data: Mapping, decrypted: Mapping[str, str] | None = None) -> OrderDetail:
    """Return the OrderDetail of an ``order.orderDetail`` answer's data (decrypted: cipher → plain text)."""
    order = data.get("shop_order_detail")
    if not isinstance(order, Mapping):
        raise AdapterError("missing_field", "data.shop_order_detail", "shop_order_detail is missing")
    plain = decrypted or {}
    address = order.get("post_addr") if isinstance(order.get("post_addr"), Mapping) else {}
    masked = order.get("mask_post_addr") if isinstance(order.get("mask_post_addr"), Mapping) else {}

    def place(key: str) -> str | None:
        """Return the name of an address level (province, city, town), masked copy as fallback."""
        part = address.get(key) or masked.get(key)
        return part.get("name") if isinstance(part, Mapping) else None

    lines = []
    for line in order.get("sku_order_list") or []:
        if isinstance(line, Mapping) and _sku(line) and isinstance(line.get("item_num"), int):
            price = line.get("origin_amount")
            lines.append(Line(_sku(line), line["item_num"],
                              fen_to_yuan(price, "origin_amount") if price is not None else None))
    room = [line.get("room_id") for line in order.get("sku_order_list") or [] if isinstance(line, Mapping)]
    pay_amount = order.get("pay_amount")
    return OrderDetail(
        order_id=ref(order.get("order_id"), "order_id"),
        created_at=optional_time(order.get("create_time"), "create_time", _TZ),
        paid_at=optional_time(order.get("pay_time"), "pay_time", _TZ),
        paid_amount=fen_to_yuan(pay_amount, "pay_amount") if pay_amount is not None else None,
        buyer=Buyer(id=optional_id(order.get("doudian_open_id"), "doudian_open_id"),
                    name=plain.get(order.get("encrypt_post_receiver") or "") or order.get("post_receiver") or None,
                    phone=plain.get(order.get("encrypt_post_tel") or "") or None,
                    province=place("province"), city=place("city"), district=place("town"),
                    detail=plain.get(address.get("encrypt_detail") or "") or None),
        lines=tuple(lines),
        cancel_reason=text(order.get("cancel_reason"), 500),
        from_live_room=any(isinstance(r, int) and r > 0 for r in room) if room else None,
        payment_method=PAY_TYPES.get(order.get("pay_type")) if isinstance(order.get("pay_type"), int) else None,
    )


def ciphers_of(data: Mapping) -> list[str]:
    """Return the encrypted contact fields of an order detail (receiver, phone, address detail) to decrypt."""
    order = data.get("shop_order_detail") if isinstance(data.get("shop_order_detail"), Mapping) else {}
    address = order.get("post_addr") if isinstance(order.get("post_addr"), Mapping) else {}
    found = [order.get("encrypt_post_receiver"), order.get("encrypt_post_tel"), address.get("encrypt_detail")]
    return [cipher for cipher in found if isinstance(cipher, str) and cipher]


def parse_decrypt(data: Mapping) -> dict[str, str]:
    """Return cipher → plain text of an ``order.batchDecrypt`` answer's data, leaving out failed entries."""
    result = {}
    for info in data.get("decrypt_infos") or []:
        if isinstance(info, Mapping) and not info.get("err_no") and isinstance(info.get("decrypt_text"), str):
            result[info.get("cipher_text")] = info["decrypt_text"]
    return result


def parse_aftersale_detail(data: Mapping) -> AftersaleDetail:
    """Return the AftersaleDetail of an ``afterSale.Detail`` answer's data."""
    process = data.get("process_info") if isinstance(data.get("process_info"), Mapping) else {}
    info = process.get("after_sale_info")
    if not isinstance(info, Mapping):
        raise AdapterError("missing_field", "data.process_info.after_sale_info", "after_sale_info is missing")
    order = data.get("order_info") if isinstance(data.get("order_info"), Mapping) else {}
    amount = info.get("refund_total_amount")
    return AftersaleDetail(
        aftersale_id=ref(info.get("after_sale_id"), "after_sale_id"),
        order_id=ref(order.get("shop_order_id"), "shop_order_id", required=False),
        reason=text(info.get("reason"), 500),
        amount=fen_to_yuan(amount, "refund_total_amount") if amount is not None else None,
        deadline_at=optional_time(info.get("status_deadline"), "status_deadline", _TZ))


def _throttled(payload: Any) -> str | None:
    """Return why an HTTP 200 answer is the platform's throttling or a busy system (retry), else None."""
    if not isinstance(payload, Mapping):
        return None
    sub = str(payload.get("sub_code") or "")
    return f"platform busy ({sub})" if "limit" in sub or "busy" in sub else None


class DouyinClient:
    """The 抖店 calls the adapter makes, signed with the connection's app key and current secret."""

    def __init__(self, transport: ApiTransport, app_key: str, app_secret: str, access_token: str | None,
                 clock: Callable[[], float] = time.time, decrypt_contacts: bool = True):
        """Keep the transport and credentials (clock injectable: the signature holds a timestamp)."""
        self.transport = transport
        self.app_key = app_key
        self.app_secret = app_secret
        self.access_token = access_token
        self.decrypt_contacts = decrypt_contacts
        self._clock = clock

    def call(self, method: str, params: Mapping[str, Any]) -> Mapping:
        """Return the ``data`` of one signed API call; raise DetailRejected on a business error."""
        if not self.access_token:
            raise DetailRejected(PLATFORM, method, "the connection has no access_token setting")
        body = param_json(params)

        def signed() -> Signed:
            """Return this attempt's signed query (fresh timestamp)."""
            timestamp = str(int(self._clock()))
            return Signed(params={"app_key": self.app_key, "method": method, "access_token": self.access_token,
                                  "timestamp": timestamp, "v": "2", "sign_method": "hmac-sha256",
                                  "sign": sign(self.app_key, self.app_secret, method, body, timestamp)})

        payload = self.transport.send(method, "POST", "/" + method.replace(".", "/"), body=body.encode(),
                                      headers={"Content-Type": "application/json", "x-open-no-old-err-code": "1"},
                                      sign=signed, retryable=_throttled)
        if not isinstance(payload, Mapping) or payload.get("code") not in SUCCESS_CODES:
            code = payload.get("code") if isinstance(payload, Mapping) else None
            message = payload.get("sub_msg") or payload.get("msg") if isinstance(payload, Mapping) else None
            raise DetailRejected(PLATFORM, method, f"code {code}: {str(message or 'unexpected answer')[:200]}")
        data = payload.get("data")
        return data if isinstance(data, Mapping) else {}

    def order(self, order_id: str) -> OrderDetail:
        """Return the order's detail, buyer contacts decrypted when the connection allows it."""
        data = self.call("order.orderDetail", {"shop_order_id": order_id})
        decrypted = self.decrypt(order_id, ciphers_of(data)) if self.decrypt_contacts else {}
        try:
            return parse_order_detail(data, decrypted)
        except AdapterError as error:
            raise DetailRejected(PLATFORM, "order.orderDetail", error.message) from None

    def decrypt(self, order_id: str, ciphers: list[str]) -> dict[str, str]:
        """Return cipher → plain text for an order's encrypted fields (``order.batchDecrypt``)."""
        if not ciphers:
            return {}
        infos = [{"auth_id": order_id, "cipher_text": cipher} for cipher in ciphers[:MAX_DECRYPT]]
        return parse_decrypt(self.call("order.batchDecrypt", {"cipher_infos": infos}))

    def aftersale(self, aftersale_id: str) -> AftersaleDetail:
        """Return the after-sales record's detail (reason text, refund total, deadline)."""
        data = self.call("afterSale.Detail", {"after_sale_id": aftersale_id})
        try:
            return parse_aftersale_detail(data)
        except AdapterError as error:
            raise DetailRejected(PLATFORM, "afterSale.Detail", error.message) from None


def make_client(connection, config: Mapping) -> DouyinClient:
    """Return a client for connection: base URL, token and limits from its settings (limits else the app config)."""
    settings = connection.settings or {}
    http = HttpSettings.from_config(config, settings)
    base_url = str(settings.get("api_base_url") or DEFAULT_BASE_URL)
    bucket = shared_bucket((PLATFORM, base_url, connection.app_key), http.rate_per_second, http.burst)
    return DouyinClient(ApiTransport(PLATFORM, base_url, http, bucket), connection.app_key or "",
                        connection.secrets[0] if connection.secrets else "", settings.get("access_token"),
                        decrypt_contacts=settings.get("decrypt_contacts", True) is not False)
