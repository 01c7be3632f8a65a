"""Subscriptions: a basket every week (or every other week) at a pickup point."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class RunOutcome(StrEnum):
    """What a subscription gave in one cycle."""

    ORDERED = "ordered"
    PAUSED = "paused"
    OFF_WEEK = "off_week"  # fortnightly, not this week
    SHORT = "short"  # stock or quota short, or the point closed: skipped with a notice


class Subscription(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"))
    format_code: Mapped[str] = mapped_column(String(10))  # small / medium / large
    frequency: Mapped[str] = mapped_column(String(12), default=Frequency.WEEKLY)
    # Fortnightly baskets come on the weeks of the same parity as this Monday.
    anchor_week: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=SubscriptionStatus.ACTIVE)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    extras: Mapped[list[SubscriptionExtra]] = relationship(
        back_populates="subscription", order_by="SubscriptionExtra.id",
        cascade="all, delete-orphan",
    )
    pauses: Mapped[list[SubscriptionPause]] = relationship(
        order_by="SubscriptionPause.week", cascade="all, delete-orphan",
    )
    user = relationship("User")
    point = relationship("PickupPoint")

    @property
    def active(self) -> bool:
        return self.status == SubscriptionStatus.ACTIVE


class SubscriptionExtra(db.Model):  # type: ignore[name-defined,misc]
    """A product added to every basket, in its base amount (grams, millilitres or a count)."""

    __tablename__ = "subscription_extras"
    __table_args__ = (
        UniqueConstraint("subscription_id", "product_id"),
        CheckConstraint("quantity > 0", name="positive_quantity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)

    subscription: Mapped[Subscription] = relationship(back_populates="extras")
    product = relationship("Product")


class SubscriptionPause(db.Model):  # type: ignore[name-defined,misc]
    """A week without basket (holidays), by the Monday of the delivery week."""

    __tablename__ = "subscription_pauses"
    __table_args__ = (UniqueConstraint("subscription_id", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    week: Mapped[date] = mapped_column(Date)


class SubscriptionRun(db.Model):  # type: ignore[name-defined,misc]
    """What one subscription gave in one cycle: once per cycle, even if opening runs twice."""

    __tablename__ = "subscription_runs"
    __table_args__ = (UniqueConstraint("subscription_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    outcome: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(255), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscription = relationship("Subscription")
    order = relationship("Order")
