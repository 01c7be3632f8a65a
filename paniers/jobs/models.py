"""Background jobs with progress: a long step run by a worker, followed by the pages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CycleJob(db.Model):  # type: ignore[name-defined,misc]
    """A long step of a cycle (allocation, route planning) run by a worker, with progress."""

    __tablename__ = "cycle_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # allocation / routing
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    progress_pct: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
