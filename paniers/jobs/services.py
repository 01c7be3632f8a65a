"""The long steps of a cycle (allocation, rounds) as jobs of the runner, and their pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from paniers.jobs import runner
from paniers.jobs.models import CycleJob, JobStatus
from paniers.transaction import transaction


def start_job(cycle_id: int, kind: str, task_name: str, *args: Any) -> CycleJob:
    """Start a step of the cycle as a job (see :func:`paniers.jobs.runner.start`)."""
    return runner.start(CycleJob(cycle_id=cycle_id, kind=kind), task_name, *args)


def start_once(cycle_id: int, kind: str, task_name: str, *args: Any) -> CycleJob:
    """Start a job unless one is already queued, running or done for the cycle (a task that
    runs twice, after a worker died, must not start the next step twice). The cycle row is
    locked meanwhile, so two workers at the same moment start one job between them."""
    with transaction():
        db.session.execute(
            select(OrderCycle.id).where(OrderCycle.id == cycle_id).with_for_update())
        job = latest_job(cycle_id, kind)
        if job is not None and job.status != JobStatus.FAILED:
            return job
        return start_job(cycle_id, kind, task_name, *args)


def latest_job(cycle_id: int, kind: str) -> CycleJob | None:
    return db.session.scalar(
        select(CycleJob).where(CycleJob.cycle_id == cycle_id, CycleJob.kind == kind)
        .order_by(CycleJob.id.desc())
    )


def job_page(cycle_id: int, kind: str) -> dict[str, object]:
    """What a page shows of a cycle's latest job of a kind: the job, and whether it runs."""
    job = latest_job(cycle_id, kind)
    return {"job": job, "running": job is not None and job.running}
