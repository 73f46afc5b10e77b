"""The audit queue as CSV: one row per held order in the queue columns, buyer text defused."""
from __future__ import annotations

import csv
import io

from orders.backoffice.queue_csv import QUEUE_COLUMNS, queue_csv, queue_row


def parse(text: str) -> list[list[str]]:
    """Return the rows of CSV text as a spreadsheet importer would read them."""
    return list(csv.reader(io.StringIO(text, newline="")))


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
