"""Order cycles (one a week), their basket formats and the stock they sell."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.cycles.states import CycleStatus
from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class OrderCycle(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "order_cycles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_date: Mapped[date] = mapped_column(Date, unique=True)
    cutoff_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default=CycleStatus.DRAFT)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Once published, households see their baskets and shortages and are refunded.
    published_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    formats: Mapped[list[BasketFormat]] = relationship(
        back_populates="cycle", order_by="BasketFormat.price_cents"
    )


def format_label(code: str) -> str:
    """A basket format's name as people read it (« Petit panier »)."""
    labels = {"small": _("Petit panier"), "medium": _("Panier moyen"), "large": _("Grand panier")}
    return labels.get(code, code)


class BasketFormat(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "basket_formats"
    __table_args__ = (
        UniqueConstraint("cycle_id", "code"),
        CheckConstraint("sold >= 0 AND sold <= quota", name="sold_within_quota"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"))
    code: Mapped[str] = mapped_column(String(10))  # small / medium / large
    price_cents: Mapped[int] = mapped_column(Integer)
    target_weight_g: Mapped[int] = mapped_column(Integer)
    min_products: Mapped[int] = mapped_column(Integer)
    quota: Mapped[int] = mapped_column(Integer)
    sold: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(60), default="", server_default="")  # "" -> label
    # What a household eligible for a subsidised basket pays (None: the usual 30 % rule).
    solidarity_price_cents: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    cycle: Mapped[OrderCycle] = relationship(back_populates="formats")

    @property
    def remaining(self) -> int:
        return self.quota - self.sold

    @property
    def label(self) -> str:
        return self.name or format_label(self.code)


class ProductStock(db.Model):  # type: ignore[name-defined,misc]
    """What is declared and already sold of one product in one cycle.

    ``declared`` is the sum of the farms' offers; orders take from ``sold`` with a
    conditional update, so the sum sold never passes the sum declared.
    """

    __tablename__ = "product_stocks"
    __table_args__ = (
        UniqueConstraint("cycle_id", "product_id"),
        CheckConstraint("sold >= 0 AND sold <= declared", name="sold_within_declared"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    declared: Mapped[int] = mapped_column(Integer, default=0)
    sold: Mapped[int] = mapped_column(Integer, default=0)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)  # per sale unit, to households

    product = relationship("Product")

    @property
    def remaining(self) -> int:
        return self.declared - self.sold
