"""TikTok Shop open API client (version 202309): Get Order Detail and Search Returns.

Signing ("Sign your API request"): the query parameters except ``sign`` and ``access_token``, sorted by key
and joined as ``{key}{value}``, prefixed with the path, followed by the raw body, wrapped in the app secret
on both sides; ``sign = hex(HMAC-SHA256(app_secret, that string))``. The access token travels in the
``x-tts-access-token`` header. Answers: ``{"code": 0, "message": "Success", "data": …}``. Amounts are decimal
strings in the shop's currency, times epoch seconds. Sources: tests/fixtures/adapters/tiktok_shop/SOURCES.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from live.adapters.base import AdapterError
from live.adapters.clients.errors import DetailRejected
from live.adapters.clients.http import ApiTransport, HttpSettings, Signed, shared_bucket
from live.adapters.clients.records import AftersaleDetail, Buyer, Line, OrderDetail
from live.adapters.clients.values import decimal_amount, optional_time, ref, text
from live.adapters.mapping import get, optional_id

PLATFORM = "tiktok_shop"
DEFAULT_BASE_URL = "https://open-api.tiktokglobalshop.com"
ORDER_PATH = "/order/202309/orders"
RETURNS_PATH = "/return_refund/202309/returns/search"
UTC = ZoneInfo("UTC")


def sign(app_secret: str, path: str, params: Mapping[str, str], body: bytes = b"") -> str:
    """Return the request signature of the TikTok Shop API (hex HMAC-SHA256)."""
    joined = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in ("sign", "access_token"))
    base = app_secret.encode() + path.encode() + joined.encode() + body + app_secret.encode()
    return hmac.new(app_secret.encode(), base, hashlib.sha256).hexdigest()


def _address(recipient: Mapping) -> dict:
    """Return province/city/district from district_info levels L1/L2/L3 (L0 is the country)."""
    levels = {item.get("address_level"): item.get("address_name")
              for item in recipient.get("district_info") or [] if isinstance(item, Mapping)}
    return {"province": levels.get("L1"), "city": levels.get("L2"), "district": levels.get("L3"),
            "detail": recipient.get("address_detail") or recipient.get("full_address")}


def parse_order(data: Mapping) -> OrderDetail:
    """Return the OrderDetail of a Get Order Detail answer's data (its first order).

    TikTok lists one line item per unit; units of the same SKU and price become one line with their count.
    """
    orders = data.get("orders")
    if not isinstance(orders, list) or not orders or not isinstance(orders[0], Mapping):
        raise AdapterError("missing_field", "data.orders", "the answer lists no order")
    order = orders[0]
    grouped: OrderedDict[tuple, int] = OrderedDict()
    for item in order.get("line_items") or []:
        if not isinstance(item, Mapping):
            continue
        sku = ref(item.get("seller_sku") or item.get("sku_id"), "line_items.seller_sku", required=False)
        price = item.get("sale_price")
        if sku:
            key = (sku, decimal_amount(price, "line_items.sale_price") if price not in (None, "") else None)
            grouped[key] = grouped.get(key, 0) + 1
    recipient = order.get("recipient_address") if isinstance(order.get("recipient_address"), Mapping) else {}
    total = get(order, "payment", "total_amount")
    return OrderDetail(
        order_id=ref(order.get("id"), "data.orders[0].id"),
        created_at=optional_time(order.get("create_time"), "create_time", UTC),
        paid_at=optional_time(order.get("paid_time"), "paid_time", UTC),
        paid_amount=decimal_amount(total, "payment.total_amount") if total not in (None, "") else None,
        buyer=Buyer(id=optional_id(order.get("user_id"), "user_id"), name=recipient.get("name"),
                    phone=recipient.get("phone_number"), **_address(recipient)),
        lines=tuple(Line(sku, qty, price) for (sku, price), qty in grouped.items()),
        cancel_reason=text(order.get("cancel_reason"), 500),
        payment_method=text(order.get("payment_method_name"), 32))


def parse_return(data: Mapping, return_id: str) -> AftersaleDetail:
    """Return the AftersaleDetail of a Search Returns answer's data for return_id."""
    found = next((item for item in data.get("return_orders") or []
                  if isinstance(item, Mapping) and str(item.get("return_id")) == return_id), None)
    if found is None:
        raise AdapterError("missing_field", "data.return_orders", f"the answer does not list return {return_id}")
    total = get(found, "refund_amount", "refund_total")
    deadlines = [item.get("deadline") for item in found.get("seller_next_action_response") or []
                 if isinstance(item, Mapping) and item.get("deadline")]
    return AftersaleDetail(
        aftersale_id=return_id, order_id=ref(found.get("order_id"), "order_id", required=False),
        reason=text(found.get("return_reason_text") or found.get("return_reason"), 500),
        amount=decimal_amount(total, "refund_amount.refund_total") if total not in (None, "") else None,
        deadline_at=optional_time(min(deadlines), "seller_next_action_response.deadline", UTC) if deadlines else None)


class TikTokShopClient:
    """The TikTok Shop calls the adapter makes, signed with the connection's app key and current secret."""

    def __init__(self, transport: ApiTransport, app_key: str, app_secret: str, access_token: str | None,
                 shop_cipher: str | None = None, clock: Callable[[], float] = time.time):
        """Keep the transport and credentials (clock injectable: the signature holds a timestamp)."""
        self.transport = transport
        self.app_key, self.app_secret = app_key, app_secret
        self.access_token, self.shop_cipher = access_token, shop_cipher
        self._clock = clock

    def call(self, name: str, method: str, path: str, params: Mapping[str, str], body: Any = None) -> Mapping:
        """Return the ``data`` of one signed call; raise DetailRejected on a business error."""
        if not self.access_token:
            raise DetailRejected(PLATFORM, name, "the connection has no access_token setting")
        raw = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""

        def signed() -> Signed:
            """Return this attempt's query (timestamp, sign) and token header."""
            query = {**params, "app_key": self.app_key, "timestamp": str(int(self._clock()))}
            if self.shop_cipher:
                query["shop_cipher"] = self.shop_cipher
            query["sign"] = sign(self.app_secret, path, query, raw)
            return Signed(params=query, headers={"x-tts-access-token": self.access_token})

        payload = self.transport.send(name, method, path, body=raw or None,
                                      headers={"Content-Type": "application/json"}, sign=signed)
        if not isinstance(payload, Mapping) or payload.get("code") != 0:
            code = payload.get("code") if isinstance(payload, Mapping) else None
            message = payload.get("message") if isinstance(payload, Mapping) else None
            raise DetailRejected(PLATFORM, name, f"code {code}: {str(message or 'unexpected answer')[:200]}")
        data = payload.get("data")
        return data if isinstance(data, Mapping) else {}

    def order(self, order_id: str) -> OrderDetail:
        """Return the order's detail (Get Order Detail)."""
        data = self.call("get_order_detail", "GET", ORDER_PATH, {"ids": order_id})
        try:
            return parse_order(data)
        except AdapterError as error:
            raise DetailRejected(PLATFORM, "get_order_detail", error.message) from None

    def return_detail(self, return_id: str) -> AftersaleDetail:
        """Return the return's detail (Search Returns by its id)."""
        data = self.call("search_returns", "POST", RETURNS_PATH, {"page_size": "1"}, {"return_ids": [return_id]})
        try:
            return parse_return(data, return_id)
        except AdapterError as error:
            raise DetailRejected(PLATFORM, "search_returns", error.message) from None


def make_client(connection, config: Mapping) -> TikTokShopClient:
    """Return a client for connection: base URL, token, shop cipher and limits from its settings."""
    settings = connection.settings or {}
    http = HttpSettings.from_config(config, settings)
    base_url = str(settings.get("api_base_url") or DEFAULT_BASE_URL)
    bucket = shared_bucket((PLATFORM, base_url, connection.app_key), http.rate_per_second, http.burst)
    return TikTokShopClient(ApiTransport(PLATFORM, base_url, http, bucket), connection.app_key or "",
                            connection.secrets[0] if connection.secrets else "", settings.get("access_token"),
                            settings.get("shop_cipher"))
