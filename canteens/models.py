"""Canteens (school restaurants, elderly residences)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db


class CanteenKind(StrEnum):
    NURSERY = "nursery"
    ELEMENTARY = "elementary"
    RESIDENCE = "residence"


class Canteen(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "canteens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"))
    meals_per_day: Mapped[int] = mapped_column(Integer)
    service_days: Mapped[str] = mapped_column(String(20))  # ISO weekdays, "1,2,4,5"
    local_target_pct: Mapped[int] = mapped_column(Integer)
    budget_cents_per_meal: Mapped[int] = mapped_column(Integer)

    point = relationship("PickupPoint")
