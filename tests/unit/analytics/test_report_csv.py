"""Report tables as CSV: cells a spreadsheet would run as formulas are defused, numbers are written as they are."""
from __future__ import annotations

import csv
import io

import pytest

from analytics.report.csv import to_csv
from app.csv import BYTE_ORDER_MARK, csv_text, escape_cell


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+1", "-2+3", "@cmd", "\tTAB", "\rCR", "=cmd|' /C calc'!A0"])
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["SKU-1", "围巾", "a=b", ""])
def test_other_text_is_unchanged(text):
    assert escape_cell(text) == text


def test_numbers_stay_numbers_and_null_is_an_empty_cell():
    assert escape_cell(-3) == -3
    assert escape_cell(0.1234) == 0.1234
    assert escape_cell(None) == ""


def test_a_table_starts_with_a_byte_order_mark_so_excel_reads_chinese_as_utf8():
    text = to_csv(["sku"], [{"sku": "围巾"}])
    assert text == BYTE_ORDER_MARK + "sku\r\n围巾\r\n"
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert not csv_text(["sku"], [["围巾"]]).startswith(BYTE_ORDER_MARK)  # the writer adds it only when asked


def test_a_table_has_its_header_then_one_escaped_line_per_row():
    text = to_csv(["sku", "clicks", "gmv"], [{"sku": "=HYPERLINK(\"x\")", "clicks": 3, "gmv": "9.90"},
                                             {"sku": "B,\"quoted\"", "clicks": 0, "gmv": None}])
    assert list(csv.reader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK)))) == [
        ["sku", "clicks", "gmv"], ["'=HYPERLINK(\"x\")", "3", "9.90"], ["B,\"quoted\"", "0", ""]]
