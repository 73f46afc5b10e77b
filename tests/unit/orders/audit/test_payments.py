"""check_payment: failed, repeated, duplicate and late payment events."""
from __future__ import annotations

from orders.audit import PaymentEvent, check_payment
from tests.unit.orders.audit.builders import NOW, D, codes


def paid(payment_id: str = "pay-1") -> PaymentEvent:
    """Return a successful ¥80 payment."""
    return PaymentEvent(payment_id, "paid", D("80"), NOW)


def failed(payment_id: str = "pay-1") -> PaymentEvent:
    """Return a failed ¥80 payment."""
    return PaymentEvent(payment_id, "failed", D("80"), NOW)


def test_payment_moves_an_accepted_order_to_paid() -> None:
    result = check_payment("accepted", [], paid())
    assert (result.findings, result.next_status, result.refund) == ((), "paid", False)


def test_failed_payment_notifies_the_buyer_and_keeps_the_reservation() -> None:
    result = check_payment("accepted", [], failed())
    [found] = result.findings
    assert (found.code, found.severity, found.buyer_notice) == ("payment_failed", "info", True)
    assert (result.next_status, result.keep_reservation, result.refund) == (None, True, False)


def test_paying_after_a_failure_is_accepted() -> None:
    assert check_payment("accepted", [failed("pay-1")], paid("pay-2")).next_status == "paid"


def test_second_successful_payment_is_flagged_for_refund() -> None:
    result = check_payment("paid", [paid("pay-1")], paid("pay-2"))
    assert codes(result.findings) == ["duplicate_payment"]
    assert result.findings[0].data == {"payment_id": "pay-2", "first_payment_id": "pay-1"}
    assert (result.refund, result.next_status) == (True, None)


def test_replayed_notification_changes_nothing() -> None:
    result = check_payment("paid", [paid("pay-1")], paid("pay-1"))
    assert (result.findings, result.refund, result.replay) == ((), False, True)


def test_payment_for_a_closed_order_is_refunded() -> None:
    result = check_payment("expired", [], paid())
    assert codes(result.findings) == ["payment_on_closed_order"]
    assert (result.refund, result.keep_reservation) == (True, False)


def test_payment_before_acceptance_leaves_the_status_to_the_service() -> None:
    assert check_payment("held", [], paid()).next_status is None
