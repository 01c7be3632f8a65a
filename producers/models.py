"""Farms, products and the weekly supply declarations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, true
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
    conversion_start_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # Areas in ares (1 ha = 100 a): integers, shown as hectares with two decimals.
    farmed_area_ares: Mapped[int | None] = mapped_column(Integer)
    organic_area_ares: Mapped[int | None] = mapped_column(Integer)  # organic or converting
    contact_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # When the farm drops its produce at the hub ("Thu 14:00-18:00", see paniers.windows).
    drop_windows: Mapped[str] = mapped_column(String(200), default="", server_default="")
    notes: Mapped[str] = mapped_column(String(255), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


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


class ProductOrigin(StrEnum):
    NETWORK = "network"  # grown by the network's farms
    OUTSIDE = "outside"  # bought outside the network (say why in origin_reason)


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
    origin: Mapped[str] = mapped_column(String(10), default=ProductOrigin.NETWORK,
                                        server_default=ProductOrigin.NETWORK.value)
    origin_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    price_basis: Mapped[str] = mapped_column(String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

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
