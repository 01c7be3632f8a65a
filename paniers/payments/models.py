"""What households owe and pay for their orders: payments, refunds, the provider's
events as received, and each cycle's solidarity fund.

Every amount is integer cents. For every order, ``paid = charged - refunded``:
``charged_cents`` is what reached us (card or pickup), ``refunded_cents`` the sum of
the refunds that succeeded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class PaymentMethod(StrEnum):
    ONLINE = "online"  # card, through Stripe Checkout
    AT_PICKUP = "at_pickup"  # cash, cheque or Ménadel, handed to the host


class PaymentStatus(StrEnum):
    PENDING = "pending"  # online: the stock is reserved, the money not confirmed yet
    DUE = "due"  # at pickup: to be paid at the handover
    PAID = "paid"
    EXPIRED = "expired"  # online: no payment in time, the reservation was released
    FAILED = "failed"  # online: the payment failed, the reservation was released
    CANCELLED = "cancelled"  # the order was cancelled before any money moved


class PickupMeans(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    MENADEL = "menadel"  # the local exchange currency of Loos-en-Gohelle


class RefundReason(StrEnum):
    CANCELLATION = "cancellation"
    SHORTAGE = "shortage"
    LATE_PAYMENT = "late"  # paid after the order was released: it cannot be served
    PROVIDER = "provider"  # made outside Paniers (Stripe dashboard), recorded from its event


class RefundVia(StrEnum):
    CARD = "card"  # money sent back through Stripe
    DEDUCTION = "deduction"  # not paid yet (at pickup): the amount due goes down


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Payment(db.Model):  # type: ignore[name-defined,misc]
    """How one order is paid, and what was charged and refunded for it."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("refunded_cents <= charged_cents", name="refund_within_charge"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    # What the household owes at placement: the order's value less the solidarity share.
    amount_cents: Mapped[int] = mapped_column(Integer)
    solidarity_cents: Mapped[int] = mapped_column(Integer, default=0)
    solidarity_pct: Mapped[int | None] = mapped_column(Integer)  # household's share, if any
    charged_cents: Mapped[int] = mapped_column(Integer, default=0)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    pickup_means: Mapped[str | None] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    checkout_url: Mapped[str | None] = mapped_column(String(2000))
    last_error: Mapped[str] = mapped_column(String(255), default="")
    expires_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order = relationship("Order", backref=backref("payment", uselist=False))
    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.id")

    @property
    def paid_cents(self) -> int:
        return self.charged_cents - self.refunded_cents

    @property
    def due_cents(self) -> int:
        """At pickup: what the host collects, once shortages are deducted."""
        deducted = sum(r.amount_cents for r in self.refunds if r.via == RefundVia.DEDUCTION)
        return max(self.amount_cents - deducted, 0)


class Refund(db.Model):  # type: ignore[name-defined,misc]
    """Money given back for an order: in full on cancellation, per line on a shortage.

    ``key`` makes each refund happen once (it is also the provider's idempotency key):
    one cancellation refund per payment, one shortage refund per order line.
    """

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    key: Mapped[str] = mapped_column(String(80), unique=True)
    reason: Mapped[str] = mapped_column(String(12))
    via: Mapped[str] = mapped_column(String(10), default=RefundVia.CARD)
    status: Mapped[str] = mapped_column(String(10), default=RefundStatus.PENDING)
    amount_cents: Mapped[int] = mapped_column(Integer)  # to the household
    solidarity_cents: Mapped[int] = mapped_column(Integer, default=0)  # back to the fund
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str] = mapped_column(String(255), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    payment: Mapped[Payment] = relationship(back_populates="refunds")
    order_line = relationship("OrderLine")


class ProviderEvent(db.Model):  # type: ignore[name-defined,misc]
    """A webhook event from Stripe, kept once by its id: a replay has no second effect."""

    __tablename__ = "provider_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(255), default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(120), default="")


class SolidarityFund(db.Model):  # type: ignore[name-defined,misc]
    """The money a cycle sets aside for solidarity baskets, taken atomically like stock."""

    __tablename__ = "solidarity_funds"
    __table_args__ = (
        UniqueConstraint("cycle_id"),
        CheckConstraint("used_cents >= 0 AND used_cents <= budget_cents",
                        name="used_within_budget"),
        CheckConstraint("household_pct >= 0 AND household_pct <= 100", name="household_pct_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"))
    budget_cents: Mapped[int] = mapped_column(Integer, default=0)
    used_cents: Mapped[int] = mapped_column(Integer, default=0)
    household_pct: Mapped[int] = mapped_column(Integer, default=30)

    @property
    def remaining_cents(self) -> int:
        return self.budget_cents - self.used_cents
