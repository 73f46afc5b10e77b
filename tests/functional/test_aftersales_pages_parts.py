"""What the after-sales pages compute before drawing: countdowns, photo links, a timeline step's details, the refund
the form starts with (in an English request; the words are flask-babel's)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest

from orders.aftersales.case_view import photo_links, step_details, suggested_refund
from orders.aftersales.ledger import LineValue
from orders.aftersales.strings import countdown_text, duration_text

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_a_countdown_reads_as_time_left_or_overdue_to_the_minute():
    at = lambda delta: (NOW + delta).isoformat()  # noqa: E731
    assert countdown_text(at(timedelta(hours=3, minutes=12, seconds=59)), NOW) == "3 h 12 min left"
    assert countdown_text(at(timedelta(days=2, hours=5)), NOW) == "2 d 5 h left"
    assert countdown_text(at(timedelta(seconds=59)), NOW) == "0 min left"
    assert countdown_text(at(timedelta(0)), NOW) == "overdue by 0 min"  # due at exactly its time
    assert countdown_text(at(-timedelta(minutes=90)), NOW) == "overdue by 1 h 30 min"
    assert countdown_text(None, NOW) == "no deadline"
    assert duration_text(-86400 * 3) == "3 d 0 h"


def test_photos_are_web_addresses_to_open_never_scripts_once_each_and_at_most_twenty():
    case = SimpleNamespace(photos=["https://img.example.com/1.jpg", " javascript:alert(1) "])
    timeline = [{"data": {"photos": ["https://img.example.com/1.jpg", {"url": "http://x.example/2.png"}, 7]}},
                {"data": {"photos": [f"https://img.example.com/{n}.jpg" for n in range(30)]}}, {"data": None}]
    photos = photo_links(case, timeline)
    assert photos[:3] == [{"url": "https://img.example.com/1.jpg", "link": True},
                          {"url": "javascript:alert(1)", "link": False},
                          {"url": "http://x.example/2.png", "link": True}]
    assert len(photos) == 20
    assert photo_links(SimpleNamespace(), []) == []


def test_a_step_shows_its_data_in_words_and_codes_as_codes():
    step = {"data": {"reason": "size_fit", "received": {"TEE-M": 2}, "carrier": "SF", "tracking": "SF123",
                     "auto": True, "event_id": "platform-internal"}}
    assert step_details(step) == [("Reason", "Size or fit", False), ("Units received", "TEE-M ×2", True),
                                  ("Carrier", "SF", True), ("Tracking", "SF123", True),
                                  ("By", "the timer (nobody answered in time)", False)]
    assert step_details({"data": None}) == []


def test_the_refund_form_starts_with_what_the_lines_are_still_worth_within_what_may_be_refunded():
    lines = [LineValue("TEE", 2, Decimal("99.00"), refunded=Decimal("50.00")), LineValue("CAP", 1, Decimal("10.00"))]
    assert suggested_refund(lines, Decimal("500.00"), None) == Decimal("158.00")
    assert suggested_refund(lines, Decimal("100.00"), None) == Decimal("100.00")
    assert suggested_refund([], Decimal("80.00"), Decimal("30.00")) == Decimal("30.00")
    assert suggested_refund([], Decimal("80.00"), None) == Decimal("80.00")
