"""The hub and the pickup points (relay points, partner shops, canteens, cities)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow
from paniers.windows import DayWindow, parse


class PointKind(StrEnum):
    RELAY = "relay"
    SHOP = "shop"
    CANTEEN = "canteen"
    CITY = "city"


def format_window(start_min: int | None, end_min: int | None) -> str:
    """Minutes after midnight (local time) as ``16:30–19:00``."""
    if start_min is None or end_min is None:
        return ""
    return f"{start_min // 60:02d}:{start_min % 60:02d}–{end_min // 60:02d}:{end_min % 60:02d}"


class Hub(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "hubs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(80))
    lat: Mapped[float]
    lon: Mapped[float]
    open_start_min: Mapped[int] = mapped_column(Integer)
    open_end_min: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer, default=5, server_default="5")  # ISO, Fri
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    notes: Mapped[str] = mapped_column(String(255), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class PickupPoint(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "pickup_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(80))
    lat: Mapped[float]
    lon: Mapped[float]
    capacity_baskets: Mapped[int | None] = mapped_column(Integer)
    # Windows are local time (Europe/Paris) on the delivery day, in minutes after midnight.
    delivery_start_min: Mapped[int] = mapped_column(Integer)
    delivery_end_min: Mapped[int] = mapped_column(Integer)
    pickup_start_min: Mapped[int | None] = mapped_column(Integer)
    pickup_end_min: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The windows above fall on these ISO weekdays (5: Friday, the usual delivery day);
    # the overrides hold the other weekdays' windows where they differ, as
    # "Sat 09:00-12:00" (parsed and formatted by paniers.windows).
    delivery_weekday: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    pickup_weekday: Mapped[int | None] = mapped_column(Integer)  # None: delivery_weekday
    delivery_overrides: Mapped[str] = mapped_column(String(200), default="", server_default="")
    pickup_overrides: Mapped[str] = mapped_column(String(200), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    access_notes: Mapped[str] = mapped_column(String(500), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    host_email: Mapped[str] = mapped_column(String(254), default="", server_default="")

    @property
    def pickup_window(self) -> str:
        return format_window(self.pickup_start_min, self.pickup_end_min)

    @property
    def delivery_window(self) -> str:
        return format_window(self.delivery_start_min, self.delivery_end_min)

    @property
    def delivery_windows(self) -> tuple[DayWindow, ...]:
        """The usual delivery window, then the other weekdays' where they differ."""
        usual = DayWindow(self.delivery_weekday or 5, self.delivery_start_min,
                          self.delivery_end_min)
        return (usual, *parse(self.delivery_overrides or ""))

    @property
    def pickup_windows(self) -> tuple[DayWindow, ...]:
        if self.pickup_start_min is None or self.pickup_end_min is None:
            return ()
        usual = DayWindow(self.pickup_weekday or self.delivery_weekday or 5,
                          self.pickup_start_min, self.pickup_end_min)
        return (usual, *parse(self.pickup_overrides or ""))

    @property
    def orderable(self) -> bool:
        """Households collect at relay points, shops and city points, not at canteens."""
        return self.active and self.kind != PointKind.CANTEEN


class EveningOutcome(StrEnum):
    """What became of the baskets nobody collected."""

    CHARITY = "charity"  # given to a charity partner
    KEPT = "kept"  # kept at the point until the next day
    RETURNED = "returned"  # taken back to the hub
    NONE = "none"  # everything was collected


class PickupEvening(db.Model):  # type: ignore[name-defined,misc]
    """A host's closure of the pickup evening at one point for one cycle."""

    __tablename__ = "pickup_evenings"
    __table_args__ = (UniqueConstraint("point_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    collected: Mapped[int] = mapped_column(Integer, default=0)
    unclaimed: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(10), default=EveningOutcome.NONE)
    note: Mapped[str] = mapped_column(String(500), default="")
