"""Kuaishou 快手小店 open API client: order detail, batch decrypt of buyer contacts, after-sales detail.

Every call is ``{base}/{method with dots as slashes}`` with the public parameters ``appkey, method, version=1,
param (JSON), access_token, timestamp (ms), signMethod=HMAC_SHA256, sign`` where ``sign`` =
base64(HMAC-SHA256(signSecret, the parameters sorted as ``k=v`` joined by ``&`` + ``&signSecret=…``)).
Answers: ``{"result": 1, "data": …}``; ``result`` 1016 is "too fast" (retried). Amounts are fen, times epoch
milliseconds. Sources and assumptions: tests/fixtures/adapters/kuaishou/SOURCES.md.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from live.adapters.base import AdapterError
from live.adapters.clients.errors import DetailRejected
from live.adapters.clients.http import ApiTransport, HttpSettings, Signed, shared_bucket
from live.adapters.clients.records import AftersaleDetail, Buyer, Line, OrderDetail
from live.adapters.clients.values import CHINA_ZONE, fen_to_yuan, optional_time, ref, text
from live.adapters.mapping import optional_id, zone_of

PLATFORM = "kuaishou"
DEFAULT_BASE_URL = "https://openapi.kwaixiaodian.com"
THROTTLED = {1016}
PAY_TYPES = {1: "wechat", 2: "alipay"}
_TZ = zone_of(None, CHINA_ZONE)


def sign(sign_secret: str, params: Mapping[str, str]) -> str:
    """Return the HMAC_SHA256 signature of the public parameters (base64)."""
    joined = "&".join(f"{key}={params[key]}" for key in sorted(params) if key not in ("sign", "signSecret"))
    message = f"{joined}&signSecret={sign_secret}".encode()
    return base64.b64encode(hmac.new(sign_secret.encode(), message, hashlib.sha256).digest()).decode()


def parse_order(data: Mapping, decrypted: Mapping[str, str] | None = None) -> OrderDetail:
    """Return the OrderDetail of an ``open.order.detail`` answer's data (one item per Kuaishou order)."""
    base = data.get("orderBaseInfo")
    if not isinstance(base, Mapping):
        raise AdapterError("missing_field", "data.orderBaseInfo", "orderBaseInfo is missing")
    plain = decrypted or {}
    address = data.get("orderAddress") if isinstance(data.get("orderAddress"), Mapping) else {}
    items = data.get("orderItemInfoList") or [data.get("orderItemInfo")]
    lines = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("num"), int):
            continue
        sku = next((item.get(key) for key in ("skuNick", "goodsCode", "skuId") if item.get(key) not in (None, "", 0)),
                   None)
        if sku is not None:
            price = item.get("price")
            lines.append(Line(ref(sku, "orderItemInfo.skuNick"), item["num"],
                              fen_to_yuan(price, "orderItemInfo.price") if price is not None else None))
    total = base.get("totalFee")
    return OrderDetail(
        order_id=ref(base.get("oid"), "orderBaseInfo.oid"),
        created_at=optional_time(base.get("createTime"), "createTime", _TZ),
        paid_at=optional_time(base.get("payTime"), "payTime", _TZ),
        paid_amount=fen_to_yuan(total, "orderBaseInfo.totalFee") if total is not None else None,
        buyer=Buyer(id=optional_id(base.get("buyerOpenId"), "buyerOpenId"),
                    name=plain.get(address.get("encryptedConsignee") or "") or address.get("consignee") or None,
                    phone=plain.get(address.get("encryptedMobile") or "") or address.get("mobile") or None,
                    province=address.get("province"), city=address.get("city"), district=address.get("district"),
                    detail=plain.get(address.get("encryptedAddress") or "") or address.get("address") or None),
        lines=tuple(lines), payment_method=PAY_TYPES.get(base.get("payType")))


def ciphers_of(data: Mapping) -> list[str]:
    """Return the encrypted contact fields of an order detail (consignee, mobile, address) to decrypt."""
    address = data.get("orderAddress") if isinstance(data.get("orderAddress"), Mapping) else {}
    found = [address.get(key) for key in ("encryptedConsignee", "encryptedMobile", "encryptedAddress")]
    return [cipher for cipher in found if isinstance(cipher, str) and cipher]


def parse_decrypt(data: Mapping) -> dict[str, str]:
    """Return cipher → plain text of an ``open.order.decrypt.batch`` answer's data, leaving out failed entries."""
    return {item.get("encryptedData"): item["decryptedData"] for item in data.get("decryptList") or []
            if isinstance(item, Mapping) and not item.get("errorCode") and isinstance(item.get("decryptedData"), str)}


def parse_refund(data: Mapping) -> AftersaleDetail:
    """Return the AftersaleDetail of an ``open.seller.order.refund.detail`` answer's data."""
    if data.get("refundId") in (None, ""):
        raise AdapterError("missing_field", "data.refundId", "refundId is missing")
    fee = data.get("refundFee")
    reason = next((data.get(key) for key in ("refundReasonDesc", "refundReason", "refundDesc")
                   if isinstance(data.get(key), str) and data.get(key).strip()), None)
    return AftersaleDetail(
        aftersale_id=ref(data.get("refundId"), "data.refundId"), order_id=ref(data.get("oid"), "oid", required=False),
        reason=text(reason, 500), amount=fen_to_yuan(fee, "data.refundFee") if fee is not None else None,
        deadline_at=optional_time(data.get("expireTime"), "data.expireTime", _TZ))


def _throttled(payload: Any) -> str | None:
    """Return why an answer is Kuaishou's "too fast" (retry), else None."""
    return "too fast" if isinstance(payload, Mapping) and payload.get("result") in THROTTLED else None


class KuaishouClient:
    """The 快手小店 calls the adapter makes, signed with the connection's app key and sign secret."""

    def __init__(self, transport: ApiTransport, app_key: str, sign_secret: str | None, access_token: str | None,
                 clock: Callable[[], float] = time.time, decrypt_contacts: bool = True):
        """Keep the transport and credentials (clock injectable: the signature holds a timestamp)."""
        self.transport = transport
        self.app_key, self.sign_secret, self.access_token = app_key, sign_secret, access_token
        self.decrypt_contacts = decrypt_contacts
        self._clock = clock

    def call(self, method: str, params: Mapping[str, Any], http_method: str = "GET") -> Mapping:
        """Return the ``data`` of one signed call; raise DetailRejected on a business error."""
        if not self.access_token or not self.sign_secret:
            raise DetailRejected(PLATFORM, method, "the connection needs access_token and sign_secret settings")
        param = json.dumps(params, separators=(",", ":"), ensure_ascii=False)

        def signed() -> dict:
            """Return this attempt's public parameters with their signature (fresh timestamp)."""
            public = {"appkey": self.app_key, "method": method, "version": "1", "param": param,
                      "access_token": self.access_token, "timestamp": str(int(self._clock() * 1000)),
                      "signMethod": "HMAC_SHA256"}
            return {**public, "sign": sign(self.sign_secret, public)}

        path = "/" + method.replace(".", "/")
        if http_method == "GET":
            payload = self.transport.send(method, "GET", path, sign=lambda: Signed(params=signed()),
                                          retryable=_throttled)
        else:  # the public parameters travel as a form body
            payload = self.transport.send(method, "POST", path, retryable=_throttled,
                                          headers={"Content-Type": "application/x-www-form-urlencoded"},
                                          sign=lambda: Signed(body=urlencode(signed()).encode()))
        if not isinstance(payload, Mapping) or payload.get("result") != 1:
            result = payload.get("result") if isinstance(payload, Mapping) else None
            message = payload.get("error_msg") if isinstance(payload, Mapping) else None
            raise DetailRejected(PLATFORM, method, f"result {result}: {str(message or 'unexpected answer')[:200]}")
        data = payload.get("data")
        return data if isinstance(data, Mapping) else {}

    def order(self, order_id: str) -> OrderDetail:
        """Return the order's detail, buyer contacts decrypted when the connection allows it."""
        data = self.call("open.order.detail", {"oid": int(order_id) if order_id.isascii() and order_id.isdigit() and len(order_id) <= 19 else order_id})
        decrypted = self.decrypt(order_id, ciphers_of(data)) if self.decrypt_contacts else {}
        try:
            return parse_order(data, decrypted)
        except AdapterError as error:
            raise DetailRejected(PLATFORM, "open.order.detail", error.message) from None

    def decrypt(self, order_id: str, ciphers: list[str]) -> dict[str, str]:
        """Return cipher → plain text for an order's encrypted fields (``open.order.decrypt.batch``)."""
        if not ciphers:
            return {}
        items = [{"bizId": order_id, "encryptedData": cipher} for cipher in ciphers[:100]]
        return parse_decrypt(self.call("open.order.decrypt.batch", {"batchDecryptList": items}, "POST"))

    def refund(self, refund_id: str) -> AftersaleDetail:
        """Return the after-sales record's detail (refund fee, reason, deadline)."""
        data = self.call("open.seller.order.refund.detail",
                         {"refundId": int(refund_id) if refund_id.isascii() and refund_id.isdigit() and len(refund_id) <= 19
                          else refund_id})
        try:
            return parse_refund(data)
        except AdapterError as error:
            raise DetailRejected(PLATFORM, "open.seller.order.refund.detail", error.message) from None


def make_client(connection, config: Mapping) -> KuaishouClient:
    """Return a client for connection: base URL, token, sign secret and limits from its settings."""
    settings = connection.settings or {}
    http = HttpSettings.from_config(config, settings)
    base_url = str(settings.get("api_base_url") or DEFAULT_BASE_URL)
    bucket = shared_bucket((PLATFORM, base_url, connection.app_key), http.rate_per_second, http.burst)
    return KuaishouClient(ApiTransport(PLATFORM, base_url, http, bucket), connection.app_key or "",
                          settings.get("sign_secret"), settings.get("access_token"),
                          decrypt_contacts=settings.get("decrypt_contacts", True) is not False)
