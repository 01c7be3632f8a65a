"""Background work of the allocation."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, acks_late=True, ignore_result=True)
def allocate(self: Any, job_id: int) -> None:
    """Compose and allocate the cycle of a job (idempotent: it replaces the cycle's plan)."""
    from paniers.allocation import services as allocating
    from paniers.errors import ServiceError
    from paniers.extensions import db
    from paniers.jobs import services as jobs
    from paniers.jobs.models import CycleJob, JobStatus

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
