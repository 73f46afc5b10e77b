"""The settings each kind of connection takes, which of them it cannot work without, and their check.

Pure: no app, no database. A commerce connection (抖店, TikTok Shop, 快手) fetches every order's details from
the platform's API, so it needs the shop's ``access_token`` (and 快手 the app's ``sign_secret``) before it can
process a single order: ``missing`` names what is absent, the connection pages show it, and the inbox worker
keeps such a connection's messages waiting instead of failing them. ``checked`` refuses keys a kind does
not read and values of the wrong shape, naming the field (``settings.<key>``).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

COMMERCE_PLATFORMS = ("douyin", "tiktok_shop", "kuaishou")
ORDER_SOURCES = ("in_stream", "product_link", "post_stream")  # what an order envelope's source may be
MAX_TEXT = 300
MAX_TOLERANCE = 86_400  # seconds a forwarder's signed time may differ from ours (a day; the default is 300)
URL = re.compile(r"https?://[^\s/?#@]+(/[^\s?#]*)?")


@dataclass(frozen=True)
class Setting:
    """One setting: its key, its kind of value, whether the connection cannot work without it, and its bounds.

    kind: ``secret`` (a credential, shown by fingerprint only), ``text``, ``url``, ``flag`` (true/false),
    ``zone`` (IANA), ``choice``, ``count`` (whole number) or ``number``.
    """

    key: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    low: float = 0
    high: float = 0


_HTTP = (Setting("timeout", "number", low=0.1, high=60), Setting("attempts", "count", low=1, high=10),
         Setting("backoff", "number", low=0, high=60), Setting("max_backoff", "number", low=0, high=600),
         Setting("rate_per_second", "number", low=0.01, high=1000), Setting("burst", "number", low=1, high=1000))
_COMMERCE = (Setting("api_base_url", "url"), Setting("zone", "zone"),
             Setting("order_source", "choice", choices=ORDER_SOURCES)) + _HTTP
_LIVE_ROOM = (Setting("zone", "zone"), Setting("signature_tolerance_seconds", "count", low=1, high=MAX_TOLERANCE),
              Setting("end_broadcast_on_stream_end", "flag"))
_TOKEN = Setting("access_token", "secret", required=True)
SETTINGS: dict[str, tuple[Setting, ...]] = {
    "douyin": (_TOKEN, Setting("decrypt_contacts", "flag")) + _COMMERCE,
    "tiktok_shop": (_TOKEN, Setting("shop_cipher", "text")) + _COMMERCE,
    "kuaishou": (_TOKEN, Setting("sign_secret", "secret", required=True), Setting("decrypt_contacts", "flag"))
    + _COMMERCE,
    "tiktok_live": _LIVE_ROOM, "douyin_live": _LIVE_ROOM, "bilibili": _LIVE_ROOM,
}
# Credentials: never shown again once given (the API and pages show a fingerprint). app_secret and secret are
# not settings of any kind, but a connection stored before kinds had their own settings may hold them.
SECRET_KEYS = frozenset({s.key for specs in SETTINGS.values() for s in specs if s.kind == "secret"}
                        | {"message_key", "app_secret", "secret"})


class SettingProblem(ValueError):
    """A setting refused: a stable code, the field (``settings`` or ``settings.<key>``) and a sentence."""

    def __init__(self, code: str, field: str, message: str):
        """Keep the error parts."""
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


def settings_of(platform: str) -> dict[str, Setting]:
    """Return {key: Setting} of what a platform's connection reads (empty for an unknown platform)."""
    return {spec.key: spec for spec in SETTINGS.get(platform, ())}


def missing(platform: str, app_key: str | None, settings: Mapping | None) -> list[str]:
    """Return what a connection of platform lacks before it can process a message (app_key, required settings)."""
    if platform not in COMMERCE_PLATFORMS:
        return []
    given = settings or {}
    absent = [] if app_key else ["app_key"]  # every commerce signature and API call includes it
    return absent + [spec.key for spec in SETTINGS[platform] if spec.required and not given.get(spec.key)]


def checked(platform: str, given, current: Mapping | None = None) -> dict:
    """Return current settings with given applied (None removes a key), each checked; raise SettingProblem.

    Keys are checked in sorted order, so the first problem reported is always the same one.
    """
    if not isinstance(given, dict):
        raise SettingProblem("invalid_value", "settings", "settings must be an object")
    known = settings_of(platform)
    result = dict(current or {})
    for key in sorted(given, key=str):
        value, field = given[key], f"settings.{key}"[:100]
        spec = known.get(key)
        if spec is None:
            names = ", ".join(known) or "none"
            raise SettingProblem("unknown_field", field, f"{str(key)[:40]!r} is not a setting of a {platform} "
                                                         f"connection; its settings are: {names}")
        if value is None:
            result.pop(key, None)
            continue
        problem = value_problem(spec, value)
        if problem:
            raise SettingProblem("invalid_value", field, f"{key} {problem}")
        result[key] = value
    return result


def from_text(platform: str, key: str, text: str):
    """Return a setting typed in as text (a form field, a command's KEY=VALUE) as the value its kind takes.

    true/false become a flag, digits a number, for the settings of those kinds; anything that does not read
    is returned as typed, for checked() to refuse with the setting's own sentence. Unknown keys stay text too.
    """
    spec = settings_of(platform).get(key)
    text = text.strip()
    if spec is None:
        return text
    if spec.kind == "flag":
        return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(text.lower(), text)
    if spec.kind in ("count", "number"):
        try:
            return int(text) if spec.kind == "count" or text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            return text
    return text


def value_problem(spec: Setting, value) -> str | None:
    """Return what is wrong with value as the setting spec (the end of a sentence starting with its key), or None."""
    if spec.kind in ("secret", "text"):
        if (not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT or not value.isprintable()
                or any(ch.isspace() for ch in value)):
            return f"is 1 to {MAX_TEXT} printable characters without spaces"
    elif spec.kind == "url":
        if not isinstance(value, str) or len(value) > MAX_TEXT or not URL.fullmatch(value):
            return "is an http(s) URL such as https://openapi-sandbox.jinritemai.com"
    elif spec.kind == "flag":
        if not isinstance(value, bool):
            return "is true or false"
    elif spec.kind == "choice":
        if value not in spec.choices:
            return f"is one of {', '.join(spec.choices)}"
    elif spec.kind == "zone":
        return None if _zone(value) else "must be an IANA time zone such as Asia/Shanghai"
    elif isinstance(value, bool) or not isinstance(value, int if spec.kind == "count" else (int, float)) \
            or not math.isfinite(value) or not spec.low <= value <= spec.high:
        whole = "a whole number" if spec.kind == "count" else "a number"
        return f"is {whole} from {spec.low:g} to {spec.high:g}"
    return None


def _zone(value) -> bool:
    """Return True when value names an IANA time zone."""
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        return False
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
