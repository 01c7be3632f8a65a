"""Starting the long steps of a cycle as background jobs, and following their progress."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from flask_babel import gettext as _
from kombu.exceptions import OperationalError
from sqlalchemy import select

from paniers.cycles.results import CycleJob, JobStatus
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.types import utcnow

log = logging.getLogger(__name__)


def start_job(cycle_id: int, kind: str, task: Task, **options: Any) -> CycleJob:
    """Record a queued job and hand it to the workers; a broker that is down is said clearly."""
    job = CycleJob(cycle_id=cycle_id, kind=kind, status=JobStatus.QUEUED, progress_pct=0,
                   step="", summary={})
    db.session.add(job)
    db.session.commit()
    try:
        task.apply_async(args=(job.id,), kwargs=options, retry=False)
    except (OperationalError, OSError) as error:
        log.warning("broker unreachable for %s job %s: %s", kind, job.id, error)
        finish(job.id, JobStatus.FAILED, {"error": "broker_unreachable"})
        raise ServiceError(_(
            "Le service des tâches de fond est injoignable : rien n'a été lancé. "
            "Réessayez dans un instant ou prévenez l'équipe technique."
        )) from error
    return job


def report(job_id: int, pct: int, step: str) -> None:
    job = db.session.get(CycleJob, job_id)
    if job is not None:
        job.status, job.progress_pct, job.step = JobStatus.RUNNING, pct, step
        db.session.commit()


def finish(job_id: int, status: JobStatus, summary: dict[str, Any]) -> None:
    db.session.rollback()
    job = db.session.get(CycleJob, job_id)
    if job is not None:
        job.status, job.summary, job.finished_dt = status, summary, utcnow()
        job.progress_pct = 100 if status == JobStatus.DONE else job.progress_pct
        db.session.commit()


def latest_job(cycle_id: int, kind: str) -> CycleJob | None:
    return db.session.scalar(
        select(CycleJob).where(CycleJob.cycle_id == cycle_id, CycleJob.kind == kind)
        .order_by(CycleJob.id.desc())
    )
