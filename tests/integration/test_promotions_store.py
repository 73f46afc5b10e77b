"""Stored promotions on SQLite and PostgreSQL: mapping to the pricing dataclasses, counters, caps, concurrency."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.models import Broadcast
from orders.audit.model import BuyerDraft, BuyerHistory, CatalogItem, CatalogView, LineDraft, OrderDraft
from orders.audit.pricing.model import CounterUse, Coupon, FlashSale, MemberPrice, ThresholdDiscount
from orders.audit.pricing.order import price_order
from orders.models import Order, Product
from orders.promotions import service
from orders.promotions.manage import create_promotion, update_promotion
from orders.promotions.models import Promotion, PromotionUse

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def ctx(any_app):
    """Return an app context on SQLite, then PostgreSQL, with broadcasts 1 and 2 and the products MUG and TEA."""
    with any_app.app_context() as context:
        db.session.add_all([Broadcast(title="One", platform="douyin"), Broadcast(title="Two", platform="douyin"),
                            Product(sku="MUG", name="Mug", price=Decimal("39")),
                            Product(sku="TEA", name="Tea", price=Decimal("89"))])
        db.session.commit()
        yield context


def make_orders(n: int, broadcast_id: int = 1) -> list[int]:
    """Create n orders in broadcast_id and return their primary keys."""
    orders = [Order(order_id=f"ORD-{i}-{broadcast_id}", broadcast_id=broadcast_id, source="in_stream",
                    buyer_id=f"buyer-{i}", placed_at=NOW) for i in range(n)]
    db.session.add_all(orders)
    db.session.flush()
    pks = [o.id for o in orders]
    db.session.commit()
    return pks


def promo(**body) -> Promotion:
    """Create and commit a promotion from an API-style body."""
    promotion = create_promotion(db.session, body)
    db.session.commit()
    return promotion


def flash(code="FLASH", remaining=10, per_buyer=None, broadcast_id=1, **extra) -> Promotion:
    return promo(code=code, kind="flash", broadcast_id=broadcast_id, skus=["MUG"], price="29.90",
                 starts_at=iso(NOW - timedelta(hours=1)), ends_at=iso(NOW + timedelta(hours=1)),
                 remaining=remaining, per_buyer=per_buyer, **extra)


def coupon(code="SAVE20", uses_left=None, per_buyer=None, coupon_type="fixed", **extra) -> Promotion:
    return promo(code=code, kind="coupon", coupon_type=coupon_type, value="20", min_spend="200",
                 uses_left=uses_left, per_buyer=per_buyer, **extra)


def counters(code: str) -> tuple[int | None, int | None]:
    db.session.expire_all()
    row = db.session.scalar(sa.select(Promotion).where(Promotion.code == code))
    return row.remaining, row.uses_left


def open_uses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PromotionUse).where(PromotionUse.released_at.is_(None)))


def test_active_promotions_maps_each_kind_to_its_pricing_dataclass(ctx):
    flash(per_buyer=2, stacking="stackable", priority=5)
    coupon(code="pct15", coupon_type="percent", uses_left=3, per_buyer=1, max_discount="50", stacking="exclusive",
           starts_at=iso(NOW - timedelta(days=1)), ends_at=iso(NOW + timedelta(days=1)))
    promo(code="MJ", kind="threshold", every="200", off="30", cap="60", priority=1)
    promo(code="GOLD", kind="member", tier="gold", prices={"TEA": "70", "MUG": 45.5})

    found = {p.code: p for p in service.active_promotions(db.session, 1, NOW)}

    assert found["FLASH"] == FlashSale(code="FLASH", skus=frozenset({"MUG"}), price=Decimal("29.90"),
                                       starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=1),
                                       remaining=10, per_buyer=2, stacking="stackable", priority=5)
    assert found["PCT15"] == Coupon(code="PCT15", kind="percent", value=Decimal("20.00"), max_discount=Decimal("50.00"),
                                    min_spend=Decimal("200.00"), valid_from=NOW - timedelta(days=1),
                                    valid_until=NOW + timedelta(days=1), uses_left=3, per_buyer=1, stacking="exclusive")
    assert found["MJ"] == ThresholdDiscount(code="MJ", every=Decimal("200.00"), off=Decimal("30.00"),
                                            cap=Decimal("60.00"), priority=1)
    assert found["GOLD"] == MemberPrice(code="GOLD", tier="gold", prices={"TEA": Decimal("70.00"), "MUG": Decimal("45.50")})
    assert [p.code for p in service.active_promotions(db.session, 1, NOW)] == ["MJ", "FLASH", "GOLD", "PCT15"]


def test_active_promotions_are_this_broadcasts_and_global_ones_that_are_on(ctx):
    flash(code="HERE", broadcast_id=1)
    flash(code="THERE", broadcast_id=2)
    coupon(code="EVERYWHERE")
    coupon(code="OFF", active=False)
    assert {p.code for p in service.active_promotions(db.session, 1, NOW)} == {"HERE", "EVERYWHERE"}
    assert {p.code for p in service.active_promotions(db.session, 2, NOW)} == {"THERE", "EVERYWHERE"}


def test_windows_are_left_to_the_engine_except_long_ended_promotions_and_member_prices(ctx):
    coupon(code="SOON", starts_at=iso(NOW + timedelta(hours=1)))
    coupon(code="JUSTENDED", ends_at=iso(NOW - timedelta(minutes=5)))
    coupon(code="LONGAGO", ends_at=iso(NOW - service.ENDED_GRACE - timedelta(seconds=1)))
    promo(code="GOLDLATER", kind="member", tier="gold", prices={"TEA": "70"}, starts_at=iso(NOW + timedelta(hours=1)))
    promo(code="GOLDOVER", kind="member", tier="gold", prices={"TEA": "70"}, ends_at=iso(NOW))
    promo(code="GOLDNOW", kind="member", tier="gold", prices={"TEA": "70"}, starts_at=iso(NOW), ends_at=iso(NOW + timedelta(hours=1)))
    found = {p.code for p in service.active_promotions(db.session, 1, NOW)}
    # An order placed before JUSTENDED ended and reviewed now still gets it: price_order judges at placed_at.
    assert found == {"SOON", "JUSTENDED", "GOLDNOW"}


def test_consume_takes_the_counters_and_release_gives_them_back_once(ctx):
    flash(remaining=10)
    coupon(uses_left=3)
    order_pk, = make_orders(1)
    uses = [CounterUse("FLASH", "flash_units", 4), CounterUse("save20", "coupon_uses", 1)]
    assert service.consume(db.session, uses, "buyer-0", order_pk) is True
    db.session.commit()
    assert counters("FLASH") == (6, None) and counters("SAVE20") == (None, 2)
    service.release(db.session, order_pk)
    service.release(db.session, order_pk)
    db.session.commit()
    assert counters("FLASH") == (10, None) and counters("SAVE20") == (None, 3)
    assert open_uses() == 0


@pytest.mark.slow
def test_consume_changes_nothing_when_any_counter_is_short(ctx):
    flash(remaining=10)
    coupon(uses_left=0)
    order_pk, = make_orders(1)
    uses = [CounterUse("FLASH", "flash_units", 2), CounterUse("SAVE20", "coupon_uses", 1)]
    assert service.consume(db.session, uses, "buyer-0", order_pk) is False
    db.session.commit()
    assert counters("FLASH") == (10, None) and open_uses() == 0
    assert service.consume(db.session, [CounterUse("FLASH", "flash_units", 11)], "buyer-0", order_pk) is False


def test_unlimited_coupons_are_counted_but_never_run_out(ctx):
    coupon(uses_left=None)
    pks = make_orders(3)
    assert all(service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], f"b{i}", pk)
               for i, pk in enumerate(pks))
    db.session.commit()
    assert counters("SAVE20") == (None, None) and open_uses() == 3


def test_unknown_inactive_and_mismatched_promotions(ctx):
    flash(remaining=10)
    coupon(code="GONE", active=False)
    order_pk, = make_orders(1)
    assert service.consume(db.session, [CounterUse("NOPE", "coupon_uses", 1)], "b", order_pk) is False
    assert service.consume(db.session, [CounterUse("GONE", "coupon_uses", 1)], "b", order_pk) is False
    assert service.consume(db.session, [], "b", order_pk) is True
    with pytest.raises(ValueError):
        service.consume(db.session, [CounterUse("FLASH", "coupon_uses", 1)], "b", order_pk)
    with pytest.raises(ValueError):
        service.consume(db.session, [CounterUse("FLASH", "flash_units", 0)], "b", order_pk)
    db.session.rollback()
    assert counters("FLASH") == (10, None) and open_uses() == 0


def test_per_buyer_caps_count_unreleased_uses_only(ctx):
    flash(remaining=100, per_buyer=3)
    coupon(per_buyer=1)
    first, second, third = make_orders(3)
    assert service.consume(db.session, [CounterUse("FLASH", "flash_units", 2)], "ann", first)
    assert not service.consume(db.session, [CounterUse("FLASH", "flash_units", 2)], "ann", second)
    assert service.consume(db.session, [CounterUse("FLASH", "flash_units", 2)], "bob", second)
    assert service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], "ann", first)
    assert not service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], "ann", third)
    db.session.commit()
    service.release(db.session, first)
    db.session.commit()
    assert service.consume(db.session, [CounterUse("FLASH", "flash_units", 3),
                                        CounterUse("SAVE20", "coupon_uses", 1)], "ann", third)
    db.session.commit()
    assert counters("FLASH") == (95, None)


def test_a_capped_promotion_is_not_given_to_an_unknown_buyer(ctx):
    coupon(per_buyer=1)
    coupon(code="FREE")
    order_pk, = make_orders(1)
    assert service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], None, order_pk) is False
    assert service.consume(db.session, [CounterUse("FREE", "coupon_uses", 1)], None, order_pk) is True


def test_buyer_usage_counts_unreleased_uses_of_promotions_this_broadcast_sees(ctx):
    flash(code="F1", broadcast_id=1)
    flash(code="F2", broadcast_id=2)
    coupon(code="C1")
    a, b, c = make_orders(3)
    service.consume(db.session, [CounterUse("F1", "flash_units", 2), CounterUse("C1", "coupon_uses", 1)], "ann", a)
    service.consume(db.session, [CounterUse("F2", "flash_units", 1)], "ann", b)
    service.consume(db.session, [CounterUse("F1", "flash_units", 3)], "ann", c)
    service.release(db.session, c)
    db.session.commit()
    assert service.buyer_usage(db.session, 1, "ann") == ({"C1": 1}, {"F1": 2})
    assert service.buyer_usage(db.session, 2, "ann") == ({"C1": 1}, {"F2": 1})
    assert service.buyer_usage(db.session, 1, "bob") == ({}, {})
    assert service.buyer_usage(db.session, 1, None) == ({}, {})


def test_counters_set_by_an_update_are_what_consume_sees(ctx):
    flash(remaining=0)
    order_pk, = make_orders(1)
    assert not service.consume(db.session, [CounterUse("FLASH", "flash_units", 1)], "b", order_pk)
    update_promotion(db.session, "flash", {"remaining": 1})
    db.session.commit()
    assert service.active_promotions(db.session, 1, NOW)[0].remaining == 1
    assert service.consume(db.session, [CounterUse("FLASH", "flash_units", 1)], "b", order_pk)


def test_an_update_of_other_fields_never_writes_back_a_stale_counter(ctx):
    promotion = flash(remaining=10)
    order_pk, = make_orders(1)
    assert promotion.remaining == 10  # loaded into the session before the orders take units
    assert service.consume(db.session, [CounterUse("FLASH", "flash_units", 3)], "b", order_pk)
    update_promotion(db.session, "FLASH", {"priority": 5})
    db.session.commit()
    assert counters("FLASH") == (7, None)


def test_consuming_twice_for_one_order_without_releasing_is_refused_as_a_bug(ctx):
    coupon()
    order_pk, = make_orders(1)
    assert service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], "b", order_pk)
    with pytest.raises(ValueError):
        service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], "b", order_pk)
    db.session.commit()
    assert open_uses() == 1
    service.release(db.session, order_pk)
    assert service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], "b", order_pk)


def test_what_the_store_gives_prices_an_order_with_the_buyers_history(ctx):
    coupon(per_buyer=1)
    promo(code="MJ", kind="threshold", every="200", off="30")
    order_pk, = make_orders(1)
    service.consume(db.session, [CounterUse("SAVE20", "coupon_uses", 1)], "ann", order_pk)
    db.session.commit()
    coupon_uses, flash_units = service.buyer_usage(db.session, 1, "ann")
    order = OrderDraft(order_id="O-2", broadcast_id=1, source="post_stream", buyer=BuyerDraft(id="ann"),
                       items=[LineDraft("TEA", 3)], placed_at=NOW, coupon_codes=["save20"])
    result = price_order(order, CatalogView.of(CatalogItem("TEA", "TEA", Decimal("80"))),
                         service.active_promotions(db.session, 1, NOW),
                         BuyerHistory(coupon_uses=coupon_uses, flash_units=flash_units), NOW)
    assert result.total == Decimal("210.00")
    assert {o.code: o.reason for o in result.outcomes} == {"SAVE20": "buyer_limit", "MJ": "applied"}
