"""In-memory stand-ins for the detail clients (pure mapping tests) and connections of the three platforms."""
from __future__ import annotations

import base64
import json

from live.adapters.base import Connection
from live.adapters.clients import aes
from live.adapters.clients import douyin as douyin_api
from live.adapters.clients import kuaishou as kuaishou_api
from live.adapters.clients import tiktok_shop as tiktok_api
from tests.support.platform_fakes import FIXTURES, fixture

KUAISHOU_KEY = base64.b64encode(bytes(range(32))).decode()  # the tests' 消息加密密钥 (AES-256)
KUAISHOU_OLD_KEY = base64.b64encode(bytes(range(100, 132))).decode()


def connection(platform: str, *, secrets: tuple[str, ...] | None = None, settings: dict | None = None,
               shop_id: str | None = None, app_key: str | None = None) -> Connection:
    """Return a connection of platform with the fixtures' app key and a known secret."""
    defaults = {"douyin": ("7123456789012345678", ("2ad2355c-01d0-11f8-91dc-05a8cd1054b1",)),
                "tiktok_shop": ("6a6b7c8d9e0f1", ("4eb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9",)),
                "kuaishou": ("ks699183844582124027", (KUAISHOU_KEY,))}
    key, default_secrets = defaults[platform]
    return Connection(name=f"{platform}-shop", platform=platform, shop_id=shop_id, broadcast_id=1,
                      app_key=app_key or key, secrets=secrets or default_secrets, settings=settings or {})


def body(platform: str, name: str) -> bytes:
    """Return a push body fixture byte for byte (Kuaishou's: the plain message encrypted with the test key)."""
    if platform == "kuaishou":
        return kuaishou_body(name)
    return (FIXTURES / platform / f"{name}.json").read_bytes().rstrip(b"\n")


def kuaishou_body(name: str, key: str = KUAISHOU_KEY, **changes) -> bytes:
    """Return a Kuaishou push body: the plain fixture (with changes) AES-encrypted with key, base64."""
    plain = json.loads((FIXTURES / "kuaishou" / f"{name}.plain.json").read_text(encoding="utf-8"))
    plain.update(changes)
    text = json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(aes.encrypt_cbc(base64.b64decode(key), text))


class DouyinDetails:
    """The 抖店 detail client answering from the fixtures (no HTTP); counts its calls."""

    def __init__(self):
        self.calls = []

    def order(self, order_id):
        """Return the fixture order, contacts decrypted."""
        self.calls.append(("order", order_id))
        data = fixture("douyin", "api_order_detail")["data"]
        decrypted = douyin_api.parse_decrypt(fixture("douyin", "api_batch_decrypt")["data"])
        return douyin_api.parse_order_detail(data, decrypted)

    def aftersale(self, aftersale_id):
        """Return the fixture after-sales record."""
        self.calls.append(("aftersale", aftersale_id))
        return douyin_api.parse_aftersale_detail(fixture("douyin", "api_aftersale_detail")["data"])


class TikTokDetails:
    """The TikTok Shop detail client answering from the fixtures (no HTTP)."""

    def __init__(self):
        self.calls = []

    def order(self, order_id):
        """Return the fixture order."""
        self.calls.append(("order", order_id))
        return tiktok_api.parse_order(fixture("tiktok_shop", "api_order_detail")["data"])

    def return_detail(self, return_id):
        """Return the fixture return."""
        self.calls.append(("return", return_id))
        return tiktok_api.parse_return(fixture("tiktok_shop", "api_search_returns")["data"], return_id)


class KuaishouDetails:
    """The 快手 detail client answering from the fixtures (no HTTP)."""

    def __init__(self):
        self.calls = []

    def order(self, order_id):
        """Return the fixture order, contacts decrypted."""
        self.calls.append(("order", order_id))
        decrypted = kuaishou_api.parse_decrypt(fixture("kuaishou", "api_decrypt_batch")["data"])
        return kuaishou_api.parse_order(fixture("kuaishou", "api_order_detail")["data"], decrypted)

    def refund(self, refund_id):
        """Return the fixture refund."""
        self.calls.append(("refund", refund_id))
        return kuaishou_api.parse_refund(fixture("kuaishou", "api_refund_detail")["data"])


def douyin_push(*messages: tuple[str, str, dict]) -> bytes:
    """Return a 抖店 push body of (tag, msg_id, data) messages, data encoded as the JSON string 抖店 sends."""
    return json.dumps([{"tag": tag, "msg_id": msg_id, "data": json.dumps(data, ensure_ascii=False)}
                       for tag, msg_id, data in messages], ensure_ascii=False).encode()


def douyin_signed(raw: bytes, app_key: str, secret: str) -> dict:
    """Return the headers 抖店 sends with a push: app-id and event-sign."""
    import hashlib
    return {"app-id": app_key, "event-sign": hashlib.md5(app_key.encode() + raw + secret.encode()).hexdigest(),
            "Content-Type": "application/json"}


def tiktok_signed(raw: bytes, app_key: str, secret: str) -> dict:
    """Return the Authorization header TikTok Shop sends with a webhook."""
    import hashlib
    import hmac
    return {"Authorization": hmac.new(secret.encode(), app_key.encode() + raw, hashlib.sha256).hexdigest(),
            "Content-Type": "application/json"}
