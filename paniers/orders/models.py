"""Orders and their lines."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class OrderStatus(StrEnum):
    PLACED = "placed"
    CANCELLED = "cancelled"
    COLLECTED = "collected"
    UNCLAIMED = "unclaimed"
    # Paid online, not confirmed yet: its stock is reserved, it is not live (not allocated,
    # not handed out) until the payment provider confirms it.
    AWAITING_PAYMENT = "awaiting"


class OrderSource(StrEnum):
    ONE_OFF = "one_off"
    SUBSCRIPTION = "subscription"
    CANTEEN = "canteen"


class Order(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"), index=True)
    canteen_id: Mapped[int | None] = mapped_column(ForeignKey("canteens.id"))
    source: Mapped[str] = mapped_column(String(12), default=OrderSource.ONE_OFF)
    status: Mapped[str] = mapped_column(String(10), default=OrderStatus.PLACED)
    payment_method: Mapped[str] = mapped_column(String(12), default="at_pickup")
    total_cents: Mapped[int] = mapped_column(Integer, default=0)
    placed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    user = relationship("User", foreign_keys=[user_id])
    point = relationship("PickupPoint")
    cycle = relationship("OrderCycle")


class OrderLine(db.Model):  # type: ignore[name-defined,misc]
    """A number of baskets of one format, or a quantity of one product (base amount)."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint(
            "(basket_format_id IS NULL) <> (product_id IS NULL)", name="basket_or_product"
        ),
        CheckConstraint("quantity > 0", name="positive_quantity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    basket_format_id: Mapped[int | None] = mapped_column(ForeignKey("basket_formats.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")
    basket_format = relationship("BasketFormat")
    product = relationship("Product")
