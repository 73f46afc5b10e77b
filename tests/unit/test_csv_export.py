"""CSV export: cells a spreadsheet would run as formulas are defused, quoting is RFC 4180, Chinese survives."""
from __future__ import annotations

import csv
import io

import pytest

from orders.csv_export import QUEUE_COLUMNS, escape_cell, queue_csv, queue_row, to_csv


def parse(text: str) -> list[list[str]]:
    """Return the rows of CSV text as a spreadsheet importer would read them."""
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_starting_like_a_formula_gets_a_leading_apostrophe(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value, expected", [
    ("张三", "张三"), ("a=b", "a=b"), ("1+1", "1+1"), (" =1", " =1"), (42, "42"), (None, ""), ("", ""),
])
def test_ordinary_cells_are_left_alone(value, expected):
    assert escape_cell(value) == expected


def test_every_cell_of_every_row_and_the_header_is_escaped():
    text = to_csv(["=name", "ok"], [["=1+1", "fine"], ["x", "@me"]])
    assert parse(text) == [["'=name", "ok"], ["'=1+1", "fine"], ["x", "'@me"]]


def test_commas_quotes_and_newlines_are_quoted_and_lines_end_with_crlf():
    text = to_csv(["a", "b"], [['say "hi", then', "two\nlines"]])
    assert text == 'a,b\r\n"say ""hi"", then","two\nlines"\r\n'
    assert parse(text)[1] == ['say "hi", then', "two\nlines"]


def test_chinese_text_round_trips():
    text = to_csv(["买家", "地址"], [["张三", "浙江省 杭州市 西湖区 文三路 1 号"]])
    assert parse(text) == [["买家", "地址"], ["张三", "浙江省 杭州市 西湖区 文三路 1 号"]]


QUEUED = {
    "order_id": "Q-1", "broadcast_id": 7, "total": "198.00", "age_seconds": 301, "claimed_by": 3,
    "buyer": {"name": '=HYPERLINK("x")', "phone": "+8613812345678",
              "address": {"province": "浙江省", "city": "杭州市", "district": None, "detail": "文三路 1 号"}},
    "items": [{"sku": "A1", "qty": 2}, {"sku": "TEE-M", "qty": 1}],
    "findings": [{"code": "address_missing"}, {"code": "price_mismatch"}],
}


def test_a_queue_order_becomes_one_row_of_the_queue_columns():
    assert queue_row(QUEUED, {3: "auditor"}) == [
        "Q-1", 7, '=HYPERLINK("x")', "+8613812345678", "浙江省 杭州市 文三路 1 号", "A1 x2; TEE-M x1", "198.00",
        "address_missing price_mismatch", 301, "auditor",
    ]


def test_an_unclaimed_order_has_an_empty_claim_and_an_unknown_claimer_shows_their_id():
    assert queue_row(QUEUED | {"claimed_by": None}, {})[-1] == ""
    assert queue_row(QUEUED, {})[-1] == "#3"


def test_the_queue_csv_escapes_buyer_text_and_phone_numbers_with_a_plus():
    header, row = parse(queue_csv([QUEUED], {3: "auditor"}))
    assert header == list(QUEUE_COLUMNS)
    assert row[2] == "'=HYPERLINK(\"x\")"
    assert row[3] == "'+8613812345678"
