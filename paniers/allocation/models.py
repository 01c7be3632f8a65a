"""What allocation decided for a cycle, stored: basket contents, allocations, shortages."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db


class BasketItem(db.Model):  # type: ignore[name-defined,misc]
    """One product in every basket of a format this week (base amount per basket)."""

    __tablename__ = "basket_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    basket_format_id: Mapped[int] = mapped_column(ForeignKey("basket_formats.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    value_cents: Mapped[int] = mapped_column(Integer)
    weight_g: Mapped[int] = mapped_column(Integer)
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)  # set by hand

    product = relationship("Product")
    basket_format = relationship("BasketFormat")


class AllocationLine(db.Model):  # type: ignore[name-defined,misc]
    """Base amounts of a farm's offer sold to a product line, or packed into a format."""

    __tablename__ = "allocation_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("supply_offers.id"))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    basket_format_id: Mapped[int | None] = mapped_column(ForeignKey("basket_formats.id"))
    quantity: Mapped[int] = mapped_column(Integer)

    offer = relationship("SupplyOffer")


class Shortage(db.Model):  # type: ignore[name-defined,misc]
    """An order line not served in full: how much is missing, what to refund, and why."""

    __tablename__ = "shortages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), unique=True)
    ordered: Mapped[int] = mapped_column(Integer)
    served: Mapped[int] = mapped_column(Integer)
    refund_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))

    order_line = relationship("OrderLine")
