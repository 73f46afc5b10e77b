"""The HTTP part every detail client shares: a base URL, a timeout, retries with backoff and a token bucket.

Retried: timeouts, connection errors, HTTP 429 and 5xx, and answers the client's ``retryable`` callback
names (a platform's own "too many requests" code in an HTTP 200 body). ``Retry-After`` is honoured, capped.
Refused at once: other HTTP 4xx. After the last attempt a transient failure is ``DetailUnavailable``.

The rate limit is a token bucket shared by every client of the same platform, API host and app key in this
process (``shared_bucket``), so a burst of messages processed one client at a time still keeps to it.
"""
from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from live.adapters.clients.errors import DetailRejected, DetailUnavailable

MAX_RESPONSE_BYTES = 4 * 1024 * 1024  # an order detail is a few KiB; a larger answer is not one


class TokenBucket:
    """At most ``rate`` calls per second on average, bursts of up to ``capacity``; thread-safe.

    A caller that finds the bucket empty reserves the next token (the count may go below zero) and sleeps
    outside the lock until it is due, so waiting callers are served in order.
    """

    def __init__(self, rate: float, capacity: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        """Start full; clock and sleep are injectable so tests need not wait."""
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.rate = float(rate)
        self.capacity = float(capacity)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._at = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until it is due; return the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
            self._at = now
            self._tokens -= 1.0
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


_BUCKETS: dict[tuple, TokenBucket] = {}
_BUCKETS_LOCK = threading.Lock()


def shared_bucket(key: tuple, rate: float, capacity: float) -> TokenBucket:
    """Return the process-wide bucket for key (platform, host, app key), made on first use with rate/capacity."""
    with _BUCKETS_LOCK:
        bucket = _BUCKETS.get(key)
        if bucket is None or bucket.rate != rate or bucket.capacity != capacity:
            bucket = _BUCKETS[key] = TokenBucket(rate, capacity)
        return bucket


@dataclass(frozen=True)
class HttpSettings:
    """Timeout (seconds per attempt), attempts, first backoff (doubling, capped) and the rate limit."""

    timeout: float = 5.0
    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    rate_per_second: float = 10.0
    burst: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping, settings: Mapping) -> "HttpSettings":
        """Return app config ``ADAPTER_HTTP_*`` values, overridden per connection by its settings."""

        def pick(name: str, key: str, default: float) -> float:
            """Return the connection's setting name, else the config's key, else default (as a number)."""
            value = settings.get(name, config.get(key, default))
            try:
                number = float(value)
            except (TypeError, ValueError):
                return default
            return number if math.isfinite(number) else default

        return cls(timeout=max(0.1, pick("timeout", "ADAPTER_HTTP_TIMEOUT", cls.timeout)),
                   attempts=min(10, max(1, int(pick("attempts", "ADAPTER_HTTP_ATTEMPTS", cls.attempts)))),
                   backoff=max(0.0, pick("backoff", "ADAPTER_HTTP_BACKOFF", cls.backoff)),
                   max_backoff=pick("max_backoff", "ADAPTER_HTTP_MAX_BACKOFF", cls.max_backoff),
                   rate_per_second=max(0.01, pick("rate_per_second", "ADAPTER_RATE_PER_SECOND", cls.rate_per_second)),
                   burst=max(1.0, pick("burst", "ADAPTER_RATE_BURST", cls.burst)))


@dataclass(frozen=True)
class Signed:
    """What signing one attempt adds: query parameters, headers, and the body when the signature shapes it."""

    params: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    body: bytes | None = None


class _Retry(Exception):
    """One attempt failed in a way worth another; after is the wait the server asked for (or None)."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.after = after


class ApiTransport:
    """Sends one API call with retries and the rate limit; returns the decoded JSON body."""

    def __init__(self, platform: str, base_url: str, http: HttpSettings, bucket: TokenBucket,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep):
        """Keep what every call needs; without a session each call opens and closes its own connection."""
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.bucket = bucket
        self.session = session
        self._sleep = sleep

    def send(self, call: str, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: bytes | None = None, headers: Mapping[str, str] | None = None,
             sign: Callable[[], Signed] | None = None,
             retryable: Callable[[Any], str | None] | None = None) -> Any:
        """Return the JSON answer of one call, retrying transient failures; raise DetailUnavailable/Rejected.

        sign, when given, is called before every attempt and returns the Signed parameters, headers (and body,
        for a form-encoded call): signed requests carry a timestamp, so each attempt is signed afresh. retryable(json) returns a reason when
        an HTTP 200 answer is the platform's own throttling or busy signal.
        """
        if not self.base_url.startswith(("https://", "http://")):
            raise DetailRejected(self.platform, call, "the api_base_url setting is not an http(s) URL")
        last, last_after = "no attempt made", None
        for attempt in range(self.http.attempts):
            if attempt:
                self._sleep(self._delay(attempt, last_after))
            try:
                return self._attempt(call, method, path, params, body, headers, sign, retryable)
            except _Retry as retry:
                last, last_after = retry.reason, retry.after
        raise DetailUnavailable(self.platform, call, f"gave up after {self.http.attempts} attempts: {last}")

    def _delay(self, attempt: int, asked: float | None) -> float:
        """Return the wait before attempt (1-based retries): the server's Retry-After or doubling backoff."""
        backoff = min(self.http.max_backoff, self.http.backoff * (2 ** (attempt - 1)))
        return min(self.http.max_backoff, asked) if asked is not None else backoff

    def _attempt(self, call, method, path, params, body, headers, sign, retryable) -> Any:
        signed = sign() if sign else Signed()
        self.bucket.acquire()
        send = self.session.request if self.session is not None else requests.request
        try:
            response = send(method, self.base_url + path, params={**(params or {}), **signed.params},
                            data=signed.body if signed.body is not None else body,
                            headers={**(headers or {}), **signed.headers}, timeout=self.http.timeout,
                            allow_redirects=False)
        except requests.Timeout:
            raise _Retry("timed out") from None
        except requests.RequestException as error:
            raise _Retry(f"connection failed: {type(error).__name__}") from None
        content = response.content
        status = response.status_code
        if status == 429 or status >= 500:
            raise _Retry(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
        if status >= 300:
            raise DetailRejected(self.platform, call, f"HTTP {status}")
        if len(content) > MAX_RESPONSE_BYTES:
            raise DetailRejected(self.platform, call, "answer larger than 4 MiB")
        try:
            payload = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Retry("answer is not JSON") from None
        reason = retryable(payload) if retryable else None
        if reason:
            raise _Retry(reason)
        return payload


def _retry_after(value: str | None) -> float | None:
    """Return the seconds of a Retry-After header given in seconds (dates are ignored), or None."""
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None
