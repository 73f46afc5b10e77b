"""Delivery channels for buyer notices: a log line, or a signed webhook to the platform adapter."""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from app.auth.tokens import sign

logger = logging.getLogger("livedesk.notices")

SIGNATURE_HEADER = "X-LiveDesk-Signature"
ERROR_BODY_LIMIT = 200


class DeliveryError(Exception):
    """The channel did not deliver the notice; the outbox will retry it."""


class Channel(Protocol):
    """Sends one notice payload; returns on success and raises on any failure."""

    name: str

    def send(self, notice_payload: dict) -> None:
        """Return None once the payload is delivered; raise when it is not."""
        ...


def encode(notice_payload: dict) -> bytes:
    """Return the JSON body of a payload as sent on the wire (UTF-8, compact, keys sorted)."""
    return json.dumps(notice_payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class LogChannel:
    """Writes each notice as one JSON line to the ``livedesk.notices`` logger (development and demos)."""

    name = "log"

    def send(self, notice_payload: dict) -> None:
        """Return after logging the payload; JSON keeps buyer text on one line."""
        logger.info("buyer notice %s", encode(notice_payload).decode())


class WebhookChannel:
    """POSTs each notice as JSON to url, signed like incoming events (``t=<unix>,v1=<hmac>``)."""

    name = "webhook"

    def __init__(self, url: str, secret: str, timeout: float = 5,
                 clock: Callable[[], float] = time.time) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"NOTICE_WEBHOOK_URL must be an http(s) URL, not {url!r}")
        if not secret:
            raise ValueError("NOTICE_WEBHOOK_SECRET is required for the webhook channel")
        self.url, self.secret, self.timeout, self.clock = url, secret, timeout, clock

    def send(self, notice_payload: dict) -> None:
        """Return when the receiver answered 2xx; raise DeliveryError (or a requests error) otherwise."""
        body = encode(notice_payload)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(body, self.secret, int(self.clock())),
            "User-Agent": "LiveDesk-Notices/1",
        }
        # No redirects: a redirect would resend the signed body somewhere the operator did not configure.
        response = requests.post(self.url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False)
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:ERROR_BODY_LIMIT]}")


def _setting(config: Mapping[str, Any], key: str, default: str = "") -> str:
    """Return config[key] when set, else the environment variable of the same name, else default."""
    value = config.get(key)
    if value in (None, ""):
        value = os.environ.get(key, default)
    return str(value)


def channel_from_config(config: Mapping[str, Any]) -> Channel:
    """Return the channel named by NOTICE_CHANNEL (``log`` by default, or ``webhook``); ValueError if misconfigured."""
    kind = _setting(config, "NOTICE_CHANNEL", "log").strip().lower()
    if kind == "log":
        return LogChannel()
    if kind == "webhook":
        url = _setting(config, "NOTICE_WEBHOOK_URL")
        if not url:
            raise ValueError("NOTICE_CHANNEL=webhook needs NOTICE_WEBHOOK_URL")
        return WebhookChannel(url, _setting(config, "NOTICE_WEBHOOK_SECRET"),
                              timeout=float(_setting(config, "NOTICE_WEBHOOK_TIMEOUT", "5")))
    raise ValueError(f"NOTICE_CHANNEL must be 'log' or 'webhook', not {kind!r}")
