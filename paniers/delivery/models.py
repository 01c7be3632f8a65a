"""The fleet and the rounds it drives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db
from paniers.points.models import Hub
from paniers.types import UTCDateTime


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
    shift_weekday: Mapped[int] = mapped_column(Integer, default=5, server_default="5")  # ISO
    notes: Mapped[str] = mapped_column(String(255), default="", server_default="")
    # Kept for the points outside the agglomeration (kind "city": Lille, Dunkerque): when a
    # vehicle is, those points go to it alone and it serves nothing else.
    long_haul: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    hub: Mapped[Hub] = relationship()


class Route(db.Model):  # type: ignore[name-defined,misc]
    """One vehicle's round in a cycle."""

    __tablename__ = "routes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"))
    departs_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    returns_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    distance_m: Mapped[int] = mapped_column(Integer)
    cost_cents: Mapped[int] = mapped_column(Integer)

    vehicle: Mapped[Vehicle] = relationship()
    stops: Mapped[list[RouteStop]] = relationship(
        back_populates="route", order_by="RouteStop.sequence", cascade="all, delete-orphan"
    )

    @property
    def duration_s(self) -> int:
        return int((self.returns_dt - self.departs_dt).total_seconds())


class RouteStop(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "route_stops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"))
    arrives_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    starts_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    departs_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    weight_g: Mapped[int] = mapped_column(Integer)  # dropped here
    crates: Mapped[int] = mapped_column(Integer)
    load_after_kg: Mapped[int] = mapped_column(Integer)

    route: Mapped[Route] = relationship(back_populates="stops")
    point = relationship("PickupPoint")


class UnservedPoint(db.Model):  # type: ignore[name-defined,misc]
    """A point with orders that no round serves this week, and why."""

    __tablename__ = "unserved_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"))
    reason: Mapped[str] = mapped_column(String(40))
    weight_g: Mapped[int] = mapped_column(Integer)
    crates: Mapped[int] = mapped_column(Integer)

    point = relationship("PickupPoint")
