"""The exchange rule: a replacement is another variant of a returned line's product (or the returned SKU itself),
never more units of a product than came back of it."""
from __future__ import annotations

from orders.aftersales.exchange import replacement_problem

PRODUCT_OF = {"SHOE-38": 1, "SHOE-39": 1, "TEE": 2, "CAP": 3}


def test_another_size_of_the_returned_product_may_go_out():
    assert replacement_problem([("SHOE-38", 2)], [("SHOE-39", 1), ("SHOE-38", 1)], PRODUCT_OF) is None


def test_another_product_is_refused_naming_its_line():
    problem = replacement_problem([("SHOE-38", 1), ("TEE", 1)], [("TEE", 1), ("CAP", 1)], PRODUCT_OF)
    assert (problem.status, problem.code, problem.field) == (400, "not_a_variant_of_returned", "lines[1].sku")


def test_a_sku_off_the_catalogue_matches_only_itself():
    assert replacement_problem([("GONE", 1)], [("GONE", 1)], PRODUCT_OF) is None
    assert replacement_problem([("GONE", 1)], [("SHOE-38", 1)], PRODUCT_OF).field == "lines[0].sku"
    assert replacement_problem([("SHOE-38", 1)], [("UNKNOWN", 1)], PRODUCT_OF).field == "lines[0].sku"


def test_units_are_counted_per_product():
    problem = replacement_problem([("SHOE-38", 1), ("TEE", 1)], [("SHOE-39", 1), ("SHOE-38", 1)], PRODUCT_OF)
    assert (problem.status, problem.code, problem.field) == (422, "too_many_units", "lines[1].qty")
