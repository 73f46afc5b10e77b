"""The platform registry: lazy imports, the contract check, and one broken module not breaking the others."""
from __future__ import annotations

import sys
import types

import pytest

from live.adapters import registry
from live.adapters.registry import PLATFORMS, AdapterUnavailable, adapter_for, missing_attributes


@pytest.fixture
def fake_platform(monkeypatch):
    """Register a platform 'fake' served by an in-memory module the test fills."""
    module = types.ModuleType("tests_fake_adapter")
    monkeypatch.setitem(sys.modules, "tests_fake_adapter", module)
    monkeypatch.setitem(registry.PLATFORM_MODULES, "fake", "tests_fake_adapter")
    monkeypatch.setattr(registry, "_loaded", {})
    return module


def _fill(module, platform="fake"):
    module.PLATFORM = platform
    for name in ("verify", "split", "to_events", "ack", "detail_client"):
        setattr(module, name, lambda *args: None)


def test_every_platform_of_the_issue_is_registered():
    assert set(PLATFORMS) == {"douyin", "tiktok_shop", "kuaishou", "tiktok_live", "douyin_live", "bilibili"}


@pytest.mark.parametrize("platform", ["tiktok_live", "douyin_live", "bilibili"])
def test_the_live_room_modules_fulfil_the_contract(platform):
    module = adapter_for(platform)
    assert module.PLATFORM == platform and missing_attributes(module) == []
    assert callable(module.sample_request) and callable(module.ends_broadcast)


def test_a_module_lacking_part_of_the_contract_is_unavailable(fake_platform):
    _fill(fake_platform)
    del fake_platform.ack
    with pytest.raises(AdapterUnavailable, match="lacks ack"):
        adapter_for("fake")


def test_a_module_that_says_it_is_another_platform_is_unavailable(fake_platform):
    _fill(fake_platform, platform="other")
    with pytest.raises(AdapterUnavailable, match="says it is"):
        adapter_for("fake")


def test_a_module_that_cannot_be_imported_is_unavailable_and_the_others_still_work(monkeypatch):
    monkeypatch.setitem(registry.PLATFORM_MODULES, "broken", "tests.unit.adapters.no_such_module")
    monkeypatch.setattr(registry, "_loaded", {})
    with pytest.raises(AdapterUnavailable, match="cannot import"):
        adapter_for("broken")
    assert not registry.available("broken")
    assert registry.available("bilibili")


def test_an_unknown_platform_is_unavailable():
    with pytest.raises(AdapterUnavailable, match="unknown platform"):
        adapter_for("myspace")


def test_a_complete_module_is_imported_once(fake_platform):
    _fill(fake_platform)
    assert adapter_for("fake") is adapter_for("fake") is fake_platform
