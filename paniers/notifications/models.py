"""What each household wants to receive, and every message sent (the outbox log)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class Kind(StrEnum):
    ORDER_CONFIRMATION = "order_confirmation"
    CYCLE_OPEN = "cycle_open"
    PICKUP_REMINDER = "pickup_reminder"
    SHORTAGE = "shortage"
    REFUND = "refund"
    MISSED_PICKUP = "missed_pickup"
    SUBSCRIPTION_SKIPPED = "subscription_skipped"
    # About the account itself: always sent, not among the households' choices.
    ACCOUNT_EXISTS = "account_exists"  # someone tried to register with the address
    CONFIRM_EMAIL = "confirm_email"  # a new account: the link that activates it
    PASSWORD_RESET = "password_reset"  # the link to choose a new password


ALWAYS_SENT = (Kind.ACCOUNT_EXISTS, Kind.CONFIRM_EMAIL, Kind.PASSWORD_RESET)
CHOOSABLE = tuple(kind for kind in Kind if kind not in ALWAYS_SENT)


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # given up after retries; the error says why


class NotificationPreference(db.Model):  # type: ignore[name-defined,misc]
    """One row per household and kind it has chosen about; no row means yes."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(24))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class OutboundMessage(db.Model):  # type: ignore[name-defined,misc]
    """A message to send once: its key is unique per (kind, order or cycle, user)."""

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("order_cycles.id"))
    amount_cents: Mapped[int | None] = mapped_column(Integer)  # a refund's amount
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.PENDING)
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
