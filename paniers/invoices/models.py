"""Invoices as issued: a number, the parties and lines frozen in ``content``, and the
yearly counter that hands out the numbers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"  # avoir: corrects an issued invoice, never edits it


class BuyerKind(StrEnum):
    CANTEEN = "canteen"
    HOUSEHOLD = "household"


class InvoiceCounter(db.Model):  # type: ignore[name-defined,misc]
    """The last number given in a year; its row is locked while an invoice is issued."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(db.Model):  # type: ignore[name-defined,misc]
    """An issued invoice or credit note. ``content`` holds everything the document says
    (seller, buyer, lines, totals, payments, mentions) as it was at issue: the document
    is drawn from it alone, so later changes of prices, names or orders never reach it.

    ``subject`` names what an invoice stands for ("order:12", "canteen:3:2026-11") while
    it stands for it: unique, so a subject is invoiced once; a credit note cancelling the
    whole invoice clears it (the only column that changes after issue) so the subject
    can be invoiced again, correctly.
    """

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12), default=InvoiceKind.INVOICE)
    buyer_kind: Mapped[str] = mapped_column(String(10))
    canteen_id: Mapped[int | None] = mapped_column(ForeignKey("canteens.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    subject: Mapped[str | None] = mapped_column(String(40), unique=True)
    total_cents: Mapped[int] = mapped_column(Integer)
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)

    credited_invoice = relationship("Invoice", remote_side=[id])

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE
