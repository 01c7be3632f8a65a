"""The fleet."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db


class Vehicle(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"))
    capacity_kg: Mapped[int] = mapped_column(Integer)
    capacity_crates: Mapped[int] = mapped_column(Integer)
    shift_start_min: Mapped[int] = mapped_column(Integer)
    shift_end_min: Mapped[int] = mapped_column(Integer)
    max_km: Mapped[int | None] = mapped_column(Integer)
    cost_per_km_cents: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
