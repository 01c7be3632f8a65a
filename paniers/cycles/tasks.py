"""Background work of the cycle."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from paniers.cycles import services

log = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def advance_cycles() -> dict[str, list[int]]:
    """Close every open cycle whose cutoff has passed (run every minute by beat)."""
    from paniers.cycles import jobs

    closed = services.close_due_cycles()
    if closed:
        log.info("closed cycles %s at their cutoff", closed)
    for cycle_id in closed:
        jobs.start_once(cycle_id, "allocation", "paniers.cycles.tasks.allocate")
    return {"closed": closed}


@shared_task(ignore_result=False)
def close_cycle(cycle_id: int) -> str:
    """Close one cycle and start its allocation (idempotent: a cycle already closed stays as
    it is, and its allocation is started once)."""
    from paniers.cycles import jobs

    status = services.close_if_open(cycle_id)
    if status == "closed":
        jobs.start_once(cycle_id, "allocation", "paniers.cycles.tasks.allocate")
    return status


@shared_task(bind=True, acks_late=True, ignore_result=True)
def allocate(self: Any, job_id: int) -> None:
    """Compose and allocate the cycle of a job (idempotent: it replaces the cycle's plan)."""
    from paniers.cycles import allocating, jobs
    from paniers.cycles.results import CycleJob, JobStatus
    from paniers.errors import ServiceError
    from paniers.extensions import db

    job = db.session.get(CycleJob, job_id)
    if job is None or job.status == JobStatus.DONE:
        return
    try:
        plan = allocating.allocate_cycle(
            job.cycle_id, progress=lambda pct, step: jobs.report(job_id, pct, step))
    except ServiceError as error:
        jobs.finish(job_id, JobStatus.FAILED, {"error": str(error)})
        return
    jobs.finish(job_id, JobStatus.DONE, {
        "max_share_gap_pct": plan.max_share_gap_pct,
        "shortages": len(plan.shortages),
        "refund_cents": sum(line.refund_cents for line in plan.shortages),
        "diagnoses": [d.message for d in plan.diagnoses],
    })
