"""One line of the journal: an action, who did it, when, on what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class JournalEntry(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None when the scheduler or a worker acted on its own (a cycle closed at its cutoff).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # see services.Kind
    action: Mapped[str] = mapped_column(String(40))  # see services.ACTIONS
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    # What the action was about, as it was named then (a farm, a point, an account…).
    subject: Mapped[str] = mapped_column(String(200), default="")
    # The figures of the sentence (amounts in cents, counts, codes), never free text.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
