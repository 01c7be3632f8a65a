"""Starting the long steps of a cycle as background jobs, and following their progress."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from paniers.background import BrokerUnavailable, enqueue
from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from paniers.jobs.models import CycleJob, JobStatus
from paniers.types import utcnow

log = logging.getLogger(__name__)


def start_job(cycle_id: int, kind: str, task_name: str, *args: Any) -> CycleJob:
    """Record a queued job and hand it to the workers; a broker that is down is said clearly
    (the job is then marked failed, and nothing else changed)."""
    job = CycleJob(cycle_id=cycle_id, kind=kind, status=JobStatus.QUEUED, progress_pct=0,
                   step="", summary={})
    db.session.add(job)
    db.session.commit()
    try:
        enqueue(task_name, job.id, *args)
    except BrokerUnavailable:
        finish(job.id, JobStatus.FAILED, {"error": "broker_unreachable"})
        raise
    return job


def start_once(cycle_id: int, kind: str, task_name: str, *args: Any) -> CycleJob:
    """Start a job unless one is already queued, running or done for the cycle (a task that
    runs twice, after a worker died, must not start the next step twice). The cycle row is
    locked meanwhile, so two workers at the same moment start one job between them."""
    db.session.execute(select(OrderCycle.id).where(OrderCycle.id == cycle_id).with_for_update())
    job = latest_job(cycle_id, kind)
    if job is not None and job.status != JobStatus.FAILED:
        return job
    return start_job(cycle_id, kind, task_name, *args)


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


def job_page(cycle_id: int, kind: str) -> dict[str, object]:
    """What a page shows of a cycle's latest job of a kind: the job, and whether it runs."""
    job = latest_job(cycle_id, kind)
    running = job is not None and job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    return {"job": job, "running": running}
