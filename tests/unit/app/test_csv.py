"""The one CSV writer: cells a spreadsheet would run as formulas are defused, quoting is RFC 4180, Chinese survives."""
from __future__ import annotations

import csv
import io

from decimal import Decimal

import pytest

from app.csv import csv_text as to_csv
from app.csv import escape_cell, unescape_cell


def parse(text: str) -> list[list[str]]:
    """Return the rows of CSV text as a spreadsheet importer would read them."""
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_starting_like_a_formula_gets_a_leading_apostrophe(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", [" =1", "  +1", "\n=1", "\r\n@SUM(A1)", "\u3000=1", "\u00a0-1",
                                   "＝1", "＋1", "＠1", "－1", " ＝HYPERLINK(\"http://x\")"])
def test_a_formula_behind_spaces_line_feeds_or_in_full_width_signs_is_escaped_too(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value, expected", [
    ("张三", "张三"), ("a=b", "a=b"), ("1+1", "1+1"), ("张 =1", "张 =1"), ("Ａ12", "Ａ12"), (None, ""), ("", ""),
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


@pytest.mark.parametrize("value", [42, -3, 0.1234, Decimal("-9.90")])
def test_numbers_stay_numbers(value):
    assert escape_cell(value) == value


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "it's", "'quoted'",
                                   " =1", "\n=1", "＝1", "＋1", "＠1", "－1", "' =1", "'＝1"])
def test_reading_a_cell_back_removes_exactly_the_apostrophe_the_writer_added(value):
    assert unescape_cell(escape_cell(value)) == value
