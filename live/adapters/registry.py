"""Platform name → adapter module, imported lazily and checked against the contract of live.adapters.base.

A module is imported the first time its platform is used, so one platform's broken or half-written module
never stops the app (or the other platforms) from starting; it answers ``AdapterUnavailable`` instead.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from live.adapters.base import REQUIRED_ATTRIBUTES

PLATFORM_MODULES = {
    "douyin": "live.adapters.douyin",
    "tiktok_shop": "live.adapters.tiktok_shop",
    "kuaishou": "live.adapters.kuaishou",
    "tiktok_live": "live.adapters.tiktok_live",
    "douyin_live": "live.adapters.douyin_live",
    "bilibili": "live.adapters.bilibili",
}
PLATFORMS = tuple(PLATFORM_MODULES)
# Live-room connectors (a forwarder posts the connector's events, signed with the connection's secret).
LIVE_ROOM_PLATFORMS = ("tiktok_live", "douyin_live", "bilibili")

_loaded: dict[str, ModuleType] = {}


class AdapterUnavailable(Exception):
    """The platform is unknown, or its module cannot be imported or lacks part of the adapter contract."""

    def __init__(self, platform: str, reason: str):
        """Keep the platform and why."""
        super().__init__(f"adapter {platform!r} is unavailable: {reason}")
        self.platform = platform
        self.reason = reason


def missing_attributes(module: ModuleType) -> list[str]:
    """Return the names of the adapter contract that module does not provide (or provides as the wrong kind)."""
    missing = []
    for name in REQUIRED_ATTRIBUTES:
        value = getattr(module, name, None)
        if name == "PLATFORM":
            if not isinstance(value, str):
                missing.append(name)
        elif not callable(value):
            missing.append(name)
    return missing


def adapter_for(platform: str) -> ModuleType:
    """Return the adapter module of platform, imported once and checked; raise AdapterUnavailable otherwise."""
    if platform in _loaded:
        return _loaded[platform]
    path = PLATFORM_MODULES.get(platform)
    if path is None:
        raise AdapterUnavailable(platform, f"unknown platform; platforms are {', '.join(PLATFORMS)}")
    try:
        module = importlib.import_module(path)
    except Exception as error:  # a broken module of one platform must not break the others
        raise AdapterUnavailable(platform, f"cannot import {path}: {type(error).__name__}: {error}") from error
    missing = missing_attributes(module)
    if missing:
        raise AdapterUnavailable(platform, f"{path} lacks {', '.join(missing)}")
    if module.PLATFORM != platform:
        raise AdapterUnavailable(platform, f"{path} says it is {module.PLATFORM!r}")
    _loaded[platform] = module
    return module


def available(platform: str) -> bool:
    """Return True when the platform's adapter module imports and fulfils the contract."""
    try:
        adapter_for(platform)
    except AdapterUnavailable:
        return False
    return True
