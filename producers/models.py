"""Farms, products and the weekly supply declarations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow
from producers.units import Unit


class OrganicStatus(StrEnum):
    AB = "AB"  # certified organic
    C1 = "C1"  # conversion, first year
    C2 = "C2"
    C3 = "C3"


class Farm(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "farms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(80))
    lat: Mapped[float]
    lon: Mapped[float]
    organic_status: Mapped[str] = mapped_column(String(2), default=OrganicStatus.C1)
    distance_m: Mapped[int] = mapped_column(Integer, default=0)  # to the hub


def parse_months(spec: str) -> frozenset[int]:
    """``"9-12;1-3"`` -> {9, 10, 11, 12, 1, 2, 3}."""
    months: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        first, _, last = part.partition("-")
        start, end = int(first), int(last or first)
        if not (1 <= start <= 12 and 1 <= end <= 12):
            raise ValueError(f"month out of range in {spec!r}")
        month = start
        while True:
            months.add(month)
            if month == end:
                break
            month = month % 12 + 1
    return frozenset(months)


class Product(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(10), default=Unit.KG)
    unit_weight_g: Mapped[int] = mapped_column(Integer)
    months: Mapped[str] = mapped_column(String(40), default="1-12")
    reference_price_cents: Mapped[int] = mapped_column(Integer)
    nursery_portion_g: Mapped[int | None] = mapped_column(Integer)

    def in_season(self, month: int) -> bool:
        return month in parse_months(self.months)


class SupplyOffer(db.Model):  # type: ignore[name-defined,misc]
    """What one farm declares it will bring for one product in one cycle."""

    __tablename__ = "supply_offers"
    __table_args__ = (UniqueConstraint("cycle_id", "farm_id", "product_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)  # base amount: g, ml or count
    price_cents: Mapped[int] = mapped_column(Integer)  # per sale unit
    out_of_season_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    farm: Mapped[Farm] = relationship()
    product: Mapped[Product] = relationship()
