"""The look-up's reading of the search box (pure): which indexed kinds a text is matched as."""
from __future__ import annotations

import pytest

from orders.lookup.classify import MAX_QUERY, LookupTextError, classify, like_prefix
from orders.lookup.phone import phone_digits, phone_last4


@pytest.mark.parametrize(("raw", "digits"), [
    ("13812345678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("008613812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("+44 20 7946 0958", "442079460958"),
    ("8612345", "8612345"),  # too short to carry a country code: kept as typed
    ("", None),
    ("no digits", None),
    (None, None),
])
def test_a_phone_is_stored_as_its_digits_without_the_mainland_country_code(raw, digits):
    assert phone_digits(raw) == digits


def test_the_last_four_digits_need_four_digits():
    assert phone_last4("13812345678") == "5678"
    assert phone_last4("123") is None and phone_last4(None) is None


def test_an_empty_text_is_no_search():
    assert classify("") is None and classify("   ") is None


def test_four_digits_are_a_phone_ending_an_order_id_a_buyer_id_and_a_sku():
    terms = classify("5678")
    assert terms.phone_last4 == "5678" and terms.phone is None
    assert terms.order_id == "5678" and terms.buyer_id == "5678" and terms.name_prefix is None


def test_a_phone_in_any_format_is_searched_by_its_normalised_digits():
    terms = classify("+86 138-1234-5678")
    assert terms.phone == "13812345678" and terms.phone_last4 is None
    assert terms.order_id is None  # a text with spaces is no platform id
    assert classify("138 1234 5678").phone == "13812345678"


def test_a_short_number_is_an_id_but_not_a_phone():
    terms = classify("42")
    assert terms.kinds == ("order_id", "buyer_id", "sku")


def test_a_sku_like_text_is_an_id_a_sku_and_a_name_start():
    terms = classify("TEA-01")
    assert terms.kinds == ("order_id", "buyer_id", "sku", "name_prefix")
    assert terms.phone is None and terms.phone_last4 is None


def test_a_chinese_name_is_a_name_start_and_no_sku():
    terms = classify(" 张三 ")
    assert terms.name_prefix == "张三" and terms.sku is None and terms.order_id == "张三"


def test_a_text_with_a_slash_is_no_platform_id():
    terms = classify("a/b")
    assert terms.order_id is None and terms.buyer_id is None and terms.name_prefix == "a/b"


def test_a_text_longer_than_64_characters_is_refused():
    assert classify("x" * MAX_QUERY).name_prefix == "x" * MAX_QUERY
    with pytest.raises(LookupTextError):
        classify("x" * (MAX_QUERY + 1))


def test_control_and_format_characters_are_dropped():
    assert classify("ab\x00c\u200b").name_prefix == "abc"
    assert classify("\x00") is None


def test_like_wildcards_typed_by_a_person_match_only_themselves():
    assert like_prefix("50%_off\\") == "50\\%\\_off\\\\%"


def test_a_phone_written_with_its_country_code_in_brackets_is_a_phone():
    """Probe 3 of session 15: "(+86)138…" found nothing."""
    for text in ("(+86)13812345678", "(+86) 138-1234-5678", "(86)13812345678"):
        assert classify(text).phone == "13812345678", text
