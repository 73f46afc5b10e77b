"""Catalogue, stock and order models of the orders domain."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, UTCDateTime, utcnow
from app.extensions import db
from orders.audit.risk import blocklist_key
from orders.lookup.phone import phone_digits, phone_last4

ORDER_SOURCES = ("in_stream", "product_link", "post_stream")
# How a stock_history row came about: a new SKU, units received, a count corrected by a person, a count set by
# an integration (PUT /stock), a CSV import, sellable units of an after-sales return put back on sale.
STOCK_CHANGE_KINDS = ("created", "restock", "correction", "set", "import", "return")
ORDER_STATUSES = ("received", "accepted", "held", "waitlisted", "rejected", "paid", "cancelled", "expired",
                  "claimed",
                  # After payment (orders/fulfilment): packed, shipped in one or more parcels, delivered, or an exception.
                  "packing", "partially_shipped", "shipped", "delivered", "delivery_failed", "returned_to_sender", "lost")
STATUS_LENGTH = 24
# A draft order made from a chat claim (orders/claims) is "claimed" until a platform order completes it.


class Product(db.Model):
    """A catalogue product; sold under its own SKU, or under its variants' SKUs when it has any."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    price: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An http(s) address of a picture; shown as a link (the CSP keeps remote images off the console).
    image_url: Mapped[str | None] = mapped_column(sa.String(500))

    variants: Mapped[list["ProductVariant"]] = relationship(
        back_populates="product", order_by="ProductVariant.id", cascade="all, delete-orphan"
    )


class ProductVariant(db.Model):
    """A size/colour variant of a product with its own SKU and stock."""

    __tablename__ = "product_variants"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # None means the product's price applies.
    price: Mapped[Decimal | None] = mapped_column(Money)
    # The claim and audit rules read size and colour from the name ("M / 黑色"); these keep them apart for people.
    size: Mapped[str | None] = mapped_column(sa.String(32))
    colour: Mapped[str | None] = mapped_column(sa.String(32))

    product: Mapped[Product] = relationship(back_populates="variants")


class StockLevel(db.Model):
    """Units of one sellable SKU; changed only by orders.inventory."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        sa.CheckConstraint("available >= 0", name="available_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        sa.CheckConstraint("sold >= 0", name="sold_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    variant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product_variants.id"))
    available: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    sold: Mapped[int] = mapped_column(default=0)
    # Every unit ever put on stock (initial plus restocks): available + reserved + sold never exceeds it.
    received_total: Mapped[int] = mapped_column(default=0)


class StockHistory(db.Model):
    """One change of a SKU's stock by a person, an import, an API call or a return; append-only, by orders.inventory.

    Reservations and sales of orders have no row here: the order and its history are their record.
    """

    __tablename__ = "stock_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    actor: Mapped[str] = mapped_column(sa.String(80))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    available_before: Mapped[int]
    available_after: Mapped[int]
    reserved: Mapped[int]
    sold: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Order(db.Model):
    """An order placed on a platform during (or after) a broadcast."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.Index("ix_orders_broadcast_status", "broadcast_id", "status"),
        sa.Index("ix_orders_broadcast_received", "broadcast_id", "received_at"),
        # Waitlist and held look-ups filter on status alone; without it they scan every order of a long sale.
        sa.Index("ix_orders_status", "status"),
        # The look-up's name search is a prefix LIKE; PostgreSQL uses an index for it only with pattern ops.
        sa.Index("ix_orders_buyer_name", "buyer_name", postgresql_ops={"buyer_name": "varchar_pattern_ops"}),
        sa.Index("ix_orders_placed_at", "placed_at"),
        # A claim finds the order that names its comment, and a platform order the draft of its comment.
        sa.Index("ix_orders_broadcast_comment", "broadcast_id", "comment_id"),
        # The audit reads the batch's buyers' open orders (duplicates, units per buyer) on every batch.
        sa.Index("ix_orders_broadcast_buyer", "broadcast_id", "buyer_id", "status", "placed_at"),
        # Every batch asks which of its SKUs have orders in line (orders/inventory.skus_in_line): the few orders
        # with a place in line, not every held one.
        sa.Index("ix_orders_in_line", "waitlisted_at", sqlite_where=sa.text("waitlisted_at IS NOT NULL"),
                 postgresql_where=sa.text("waitlisted_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    source: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(STATUS_LENGTH), default="received")
    buyer_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    buyer_name: Mapped[str | None] = mapped_column(sa.String(100))
    buyer_phone: Mapped[str | None] = mapped_column(sa.String(32))
    # What the look-up searches (orders/lookup/phone.py): kept in step with buyer_phone by _normalised_phone
    # below, and filled by these defaults when an INSERT (the batch intake's Core insert) leaves them out.
    buyer_phone_normalized: Mapped[str | None] = mapped_column(
        sa.String(32), index=True, default=lambda context: phone_digits(context.get_current_parameters().get("buyer_phone")))
    buyer_phone_last4: Mapped[str | None] = mapped_column(sa.String(4), index=True, default=lambda context: phone_last4(
        phone_digits(context.get_current_parameters().get("buyer_phone"))))
    address_province: Mapped[str | None] = mapped_column(sa.String(64))
    address_city: Mapped[str | None] = mapped_column(sa.String(64))
    address_district: Mapped[str | None] = mapped_column(sa.String(64))
    address_detail: Mapped[str | None] = mapped_column(sa.String(300))
    # The platform masked the buyer's name, phone or street (privacy-protected orders, as TikTok Shop sends them):
    # it keeps them and prints the waybill, so the audit does not hold the order for them.
    contact_masked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    comment_id: Mapped[str | None] = mapped_column(sa.String(128))
    member_tier: Mapped[str | None] = mapped_column(sa.String(32))
    coupon_codes: Mapped[list] = mapped_column(sa.JSON, default=list)
    units: Mapped[int] = mapped_column(default=0)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    paid_amount: Mapped[Decimal | None] = mapped_column(Money)
    # What the audit priced: every promotion applied or refused, with the reason in en and zh-CN.
    pricing: Mapped[dict | None] = mapped_column(sa.JSON)
    refund_due: Mapped[bool] = mapped_column(default=False)
    # True while units of this order sit in stock_levels.reserved (accepted, or held after a price query).
    stock_reserved: Mapped[bool] = mapped_column(default=False)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set while stock is reserved and unpaid: the sweeper expires the order after this time.
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Set while waitlisted: the FIFO position is (waitlisted_at, id).
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while held: the SLA timer of the audit queue runs from here.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After payment (orders/fulfilment): when it was paid, when it must ship by (policy), packed, fully shipped,
    # delivered. ship_by_at is indexed for the overdue list.
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ship_by_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    packed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sum of the succeeded refunds of the order (orders/aftersales ledger), kept in step by its refund actions.
    refunded_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), server_default="0")

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    history: Mapped[list["OrderHistory"]] = relationship(order_by="OrderHistory.id", viewonly=True)


@sa.event.listens_for(Order.buyer_phone, "set")
def _normalised_phone(order: Order, value, _old, _initiator) -> None:
    """Keep the searched forms of the phone in step whenever the ORM sets buyer_phone (creation, edits, purge)."""
    order.buyer_phone_normalized = phone_digits(value)
    order.buyer_phone_last4 = phone_last4(order.buyer_phone_normalized)


class OrderLine(db.Model):
    """One SKU and quantity of an order, priced per unit."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64), index=True)
    qty: Mapped[int]
    # The unit price the platform reported; unit_price is ours after line-level promotions.
    platform_unit_price: Mapped[Decimal | None] = mapped_column(Money)
    list_price: Mapped[Decimal | None] = mapped_column(Money)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    promotion: Mapped[str | None] = mapped_column(sa.String(64))
    order_discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    line_total: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderHistory(db.Model):
    """An append-only record of something that happened to an order: who, what, why, when."""

    __tablename__ = "order_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    from_status: Mapped[str | None] = mapped_column(sa.String(STATUS_LENGTH))
    to_status: Mapped[str | None] = mapped_column(sa.String(STATUS_LENGTH))
    actor: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderFinding(db.Model):
    """A finding of the audit about an order; superseded ones stay for the record (active = False)."""

    __tablename__ = "order_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(48))
    severity: Mapped[str] = mapped_column(sa.String(8))
    field: Mapped[str | None] = mapped_column(sa.String(100))
    message: Mapped[dict] = mapped_column(sa.JSON)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    overridden_by: Mapped[str | None] = mapped_column(sa.String(64))
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrderPayment(db.Model):
    """A payment report from the platform (paid or failed), kept as it came."""

    __tablename__ = "order_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    payment_id: Mapped[str] = mapped_column(sa.String(128))
    status: Mapped[str] = mapped_column(sa.String(8))
    amount: Mapped[Decimal] = mapped_column(Money)
    method: Mapped[str | None] = mapped_column(sa.String(32))
    refund_due: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditPolicyRecord(db.Model):
    """The audit thresholds of one broadcast, as the JSON of orders.audit.AuditPolicy."""

    __tablename__ = "audit_policies"

    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"), primary_key=True)
    policy: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))


class BlocklistEntry(db.Model):
    """A buyer id, phone or address refused service: their orders are held for a person."""

    __tablename__ = "blocklist"
    __table_args__ = (sa.UniqueConstraint("kind", "value", name="uq_blocklist_kind_value"),
                      sa.Index("ix_blocklist_match_key", "match_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    value: Mapped[str] = mapped_column(sa.String(300))
    # The value as an order matches it (orders.audit.risk.blocklist_key); None when it can match no order.
    match_key: Mapped[str | None] = mapped_column(sa.String(300), default=lambda context: blocklist_key(
        *(context.get_current_parameters().get(name) for name in ("kind", "value"))))  # inserted by Core too
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _keep_match_key(entry: BlocklistEntry, value, _old, initiator) -> None:
    """Keep the match key in step when the ORM sets an entry's kind or value."""
    entry.match_key = blocklist_key(*((value, entry.value) if initiator.key == "kind" else (entry.kind, value)))


for _attribute in (BlocklistEntry.kind, BlocklistEntry.value):
    sa.event.listen(_attribute, "set", _keep_match_key)
