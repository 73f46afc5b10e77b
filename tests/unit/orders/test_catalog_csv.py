"""Reading a catalogue CSV without an app or database: encodings, header, cells and the checks across lines."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.catalog.csvfile import CsvFileError, parse_money, read_rows

HEADER = "sku,name,price,variant_sku,size,colour,variant_price,stock\r\n"


def fields(row):
    return [error.field for error in row.errors]


def test_utf8_with_a_bom_and_gb18030_read_the_same():
    text = "sku,Name, Price ,Color\r\nTEA,龙井,89,绿\r\n"
    for data in (text.encode("utf-8-sig"), text.encode("gb18030")):
        [row] = read_rows(data)
        assert (row.sku, row.name, row.price, row.colour) == ("TEA", "龙井", Decimal("89"), "绿")


def test_a_cell_escaped_by_a_livedesk_export_reads_back_as_typed():
    [row] = read_rows(b"sku,name,price\r\nA1,'=SUM(1),5\r\n")
    assert row.name == "=SUM(1)"


@pytest.mark.parametrize("raw, amount", [("89", Decimal("89")), ("¥89.50", Decimal("89.50")),
                                         ("８９.５", Decimal("89.5")), ("1.005", None), ("-1", None), ("abc", None),
                                         ("1e3", Decimal("1000")), ("NaN", None), ("100000000.01", None)])
def test_prices_are_decimal_with_at_most_two_places(raw, amount):
    assert parse_money(raw) == amount


def test_every_bad_cell_of_a_line_is_named():
    [row] = read_rows((HEADER + "A," + "n" * 201 + ",x,,XXL,,,-3\r\n").encode())
    assert fields(row) == ["name", "price", "stock", "variant_sku"]


def test_lines_that_contradict_each_other_are_flagged_where_they_occur():
    rows = read_rows((HEADER + "TEE,T,59,TEE-M,M,,,1\r\n"
                               "TEE,Tee,59,TEE-M,L,,,1\r\n"
                               "MUG,Mug,9,TEE,,,,1\r\n").encode())
    assert [fields(r) for r in rows] == [[], ["variant_sku", "name"], ["variant_sku"]]
    assert [e.code for e in rows[1].errors] == ["duplicate_sku", "conflicting_value"]


def test_a_mixed_product_is_flagged_on_its_variant_lines():
    rows = read_rows((HEADER + "TEE,T,59,,,,,1\r\nTEE,,,TEE-M,M,,,1\r\n").encode())
    assert [e.code for e in rows[1].errors] == ["mixed_variants"]


@pytest.mark.parametrize("data, code, field", [
    (b"", "empty_file", "body"),
    (b"sku\r\n\r\n", "empty_file", "body"),
    (b"sku,sku\r\nA,B\r\n", "duplicate_column", "sku"),
    (b"sku,qty\r\nA,1\r\n", "unknown_column", "qty"),
    (b"name\r\nA\r\n", "missing_column", "sku"),
    (b"sku\r\n\xff\xff\xff\xfe", "invalid_encoding", "body"),
    (b"sku\r\nA\x00\r\n", "invalid_character", "body"),
    (b"sku\r\n" + b"A\r\n" * 5001, "too_many_rows", "body"),
])
def test_a_file_that_is_not_a_catalogue_is_refused_whole(data, code, field):
    with pytest.raises(CsvFileError) as refused:
        read_rows(data)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_file_over_the_size_limit_is_413():
    with pytest.raises(CsvFileError) as refused:
        read_rows(b"sku\r\n" + b"A" * (1024 * 1024))
    assert refused.value.status == 413
