"""Background jobs with progress: a long step run by a worker, followed by the pages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Failure(StrEnum):
    """Why a job failed, when the runner itself knows (a refusal by the work carries its
    own message instead)."""

    BROKER_UNREACHABLE = "broker_unreachable"
    INTERNAL = "internal"


def failure_text(summary: dict[str, Any]) -> str:
    """What the pages say of a failed job, in the reader's language where the runner knows
    the cause; otherwise the message the work refused with (already in French)."""
    code = summary.get("failure")
    if code == Failure.BROKER_UNREACHABLE:
        return _("Le service des tâches de fond ne répondait pas : relancez dans quelques "
                 "minutes.")
    if code == Failure.INTERNAL:
        return _("Erreur interne : l'équipe technique est prévenue.")
    return str(summary.get("error", ""))


# The steps the work reports (its ``progress(pct, step)``), as the pages say them.
STEP_LABELS = {
    "reading_week": _l("Lecture de la semaine : offre des fermes et commandes"),
    "allocating": _l("Composition des paniers et répartition entre les fermes"),
    "saving_plan": _l("Enregistrement de la répartition"),
    "loads": _l("Calcul des chargements par point"),
    "routing": _l("Recherche des tournées"),
    "saving_rounds": _l("Enregistrement des tournées"),
    "reading": _l("Lecture des prévisions et de l'offre des fermes"),
    "solving": _l("Calcul des menus"),
    "saving": _l("Enregistrement du plan"),
}


class Job:
    """The columns and the reading of every job with progress (a mixin of the job tables).

    ``summary`` holds what the work returned when done, or why it failed: ``failure`` (a
    :class:`Failure`) or ``error`` (the work's own message), with any details.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    progress_pct: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def failed(self) -> bool:
        return self.status == JobStatus.FAILED

    @property
    def step_label(self) -> str:
        """The step the work is at, as the pages say it."""
        return str(STEP_LABELS.get(self.step, self.step))

    @property
    def failure(self) -> str:
        """Why the job failed, as the pages say it ("" unless it failed)."""
        return failure_text(self.summary or {}) if self.failed else ""


class CycleJob(Job, db.Model):  # type: ignore[name-defined,misc]
    """A long step of a cycle (allocation, route planning) run by a worker, with progress."""

    __tablename__ = "cycle_jobs"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # allocation / routing
