"""Pure stock check: units requested per SKU and the shortage findings."""
from __future__ import annotations

from orders.audit import check_stock, decide, requested_by_sku
from orders.audit.inventory import behind_the_line
from tests.unit.orders.audit.builders import codes, line


def test_two_lines_of_one_sku_count_together() -> None:
    assert requested_by_sku([line("TEA", 2), line("MUG", 1), line("TEA", 3)]) == {"TEA": 5, "MUG": 1}


def test_lines_without_valid_quantity_or_sku_are_not_requested() -> None:
    assert requested_by_sku([line("TEA", 0), line(None, 2), line("MUG", "3")]) == {}


def test_order_fits_when_every_sku_has_enough() -> None:
    result = check_stock([line("TEA", 2), line("MUG", 1)], {"TEA": 2, "MUG": 9})
    assert (result.ok, result.short, result.findings) == (True, {}, ())


def test_combined_lines_can_be_short_although_each_fits() -> None:
    result = check_stock([line("TEA", 2), line("TEA", 2)], {"TEA": 3})
    assert not result.ok
    assert result.short == {"TEA": 1}
    [found] = result.findings
    assert (found.code, found.severity, found.field) == ("stock_short", "warn", "items[0].sku")
    assert found.data == {"sku": "TEA", "requested": 4, "available": 3, "lines": [0, 1]}


def test_sku_with_no_stock_left_is_an_info_finding() -> None:
    [found] = check_stock([line("MUG", 1)], {}).findings
    assert (found.code, found.severity) == ("stock_short", "info")


def test_only_short_skus_get_findings() -> None:
    result = check_stock([line("TEA", 1), line("MUG", 5)], {"TEA": 10, "MUG": 2})
    assert codes(result.findings) == ["stock_short"]
    assert result.findings[0].data["sku"] == "MUG"


def test_stock_shortage_waitlists_an_otherwise_clean_order() -> None:
    result = check_stock([line("MUG", 5)], {"MUG": 2})
    assert decide(result.findings, stock_ok=result.ok) == "waitlisted"


def test_an_order_behind_two_lines_gets_one_finding_per_sku() -> None:
    first, second = behind_the_line([line("TEA", 2), line("MUG", 1), line("TEA", 1)], ["TEA", "MUG"])
    assert (first.field, first.data["requested"], first.data["lines"]) == ("items[0].sku", 3, [0, 2])
    assert (second.field, second.data["requested"], second.data["lines"]) == ("items[1].sku", 1, [1])
    assert {first.severity, second.severity} == {"info"}
