"""The news sheet of a cycle: one short text, written by a coordinator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow

MAX_CHARS = 4000  # a sheet of paper, printed under the host's list


class NewsSheet(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "news_sheets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), unique=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    # As typed: plain text with a few Markdown marks, shown escaped (see news.render).
    body: Mapped[str] = mapped_column(Text, default="")
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
