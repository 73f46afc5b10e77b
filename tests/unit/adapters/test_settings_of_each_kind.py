"""Each kind of connection takes its own settings: what a shop cannot work without, and how values are checked."""
from __future__ import annotations

import pytest

from live.adapters.forms import edit_changes, new_settings
from live.adapters.settings import SettingProblem, checked, from_text, missing


@pytest.mark.parametrize("platform, needs", [
    ("douyin", ["app_key", "access_token"]),
    ("tiktok_shop", ["app_key", "access_token"]),
    ("kuaishou", ["app_key", "access_token", "sign_secret"]),
    ("bilibili", []), ("tiktok_live", []), ("douyin_live", []),
])
def test_a_shop_lacks_its_app_key_and_access_token_until_given_and_a_live_room_lacks_nothing(platform, needs):
    assert missing(platform, None, {}) == needs
    given = {"access_token": "tok", "sign_secret": "s"}
    assert missing(platform, "key", given) == []


def test_an_empty_token_is_no_token():
    assert missing("douyin", "key", {"access_token": ""}) == ["access_token"]


def test_given_settings_merge_into_the_stored_ones_and_null_removes_one():
    stored = {"access_token": "old", "api_base_url": "https://sandbox.example"}
    merged = checked("douyin", {"access_token": "new", "api_base_url": None, "decrypt_contacts": False}, stored)
    assert merged == {"access_token": "new", "decrypt_contacts": False}
    assert stored == {"access_token": "old", "api_base_url": "https://sandbox.example"}  # not changed in place


@pytest.mark.parametrize("platform, given, field, code", [
    ("douyin", {"sign_secret": "x"}, "settings.sign_secret", "unknown_field"),  # 快手's, not 抖店's
    ("bilibili", {"access_token": "x"}, "settings.access_token", "unknown_field"),
    ("douyin", {"colour": "red"}, "settings.colour", "unknown_field"),
    ("douyin", {"access_token": "has space"}, "settings.access_token", "invalid_value"),
    ("douyin", {"access_token": ""}, "settings.access_token", "invalid_value"),
    ("douyin", {"access_token": 12}, "settings.access_token", "invalid_value"),
    ("douyin", {"access_token": "x" * 301}, "settings.access_token", "invalid_value"),
    ("douyin", {"api_base_url": "ftp://example.com"}, "settings.api_base_url", "invalid_value"),
    ("douyin", {"api_base_url": "https://user@example.com"}, "settings.api_base_url", "invalid_value"),
    ("douyin", {"decrypt_contacts": "no"}, "settings.decrypt_contacts", "invalid_value"),
    ("douyin", {"order_source": "tv"}, "settings.order_source", "invalid_value"),
    ("douyin", {"attempts": 1.5}, "settings.attempts", "invalid_value"),
    ("douyin", {"timeout": float("nan")}, "settings.timeout", "invalid_value"),
    ("douyin", {"backoff": True}, "settings.backoff", "invalid_value"),
    ("tiktok_live", {"signature_tolerance_seconds": 0}, "settings.signature_tolerance_seconds", "invalid_value"),
    ("tiktok_live", {"zone": "Mars/Base"}, "settings.zone", "invalid_value"),
    ("douyin", [], "settings", "invalid_value"),
])
def test_a_setting_of_another_kind_or_of_the_wrong_shape_is_refused_naming_it(platform, given, field, code):
    with pytest.raises(SettingProblem) as refused:
        checked(platform, given)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_the_first_problem_named_is_always_the_same_one():
    with pytest.raises(SettingProblem) as refused:
        checked("douyin", {"zone": "Mars/Base", "access_token": "a b", "api_base_url": "x"})
    assert refused.value.field == "settings.access_token"


def test_typed_text_becomes_the_value_its_kind_takes():
    assert from_text("douyin", "decrypt_contacts", "false") is False
    assert from_text("douyin", "attempts", " 3 ") == 3 and from_text("douyin", "backoff", "0.5") == 0.5
    assert from_text("douyin", "access_token", " tok ") == "tok"
    assert from_text("douyin", "attempts", "three") == "three"  # left for checked() to refuse with its sentence


def test_a_create_form_gives_only_the_chosen_platforms_filled_settings():
    form = {"access_token": " tok ", "sign_secret": "for-kuaishou", "shop_cipher": "", "decrypt_contacts": "no",
            "api_base_url": "", "zone": ""}
    assert new_settings("douyin", form) == {"access_token": "tok", "decrypt_contacts": False}
    assert new_settings("bilibili", form) == {}


def test_an_edit_form_keeps_a_secret_left_empty_and_removes_an_emptied_text():
    form = {"shop_id": "", "app_key": "k", "access_token": "", "api_base_url": "", "decrypt_contacts": "yes",
            "zone": "UTC"}
    assert edit_changes("douyin", form) == {
        "shop_id": None, "app_key": "k",
        "settings": {"api_base_url": None, "decrypt_contacts": None, "zone": "UTC"}}
