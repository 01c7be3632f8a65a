"""Background work of delivery planning."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, acks_late=True, ignore_result=True)
def plan_routes(self: Any, job_id: int, time_limit_s: float = 5.0) -> None:
    """Plan the rounds of a job's cycle (idempotent: it replaces the cycle's rounds)."""
    from paniers.delivery.planning import plan_cycle_routes
    from paniers.errors import ServiceError
    from paniers.extensions import db
    from paniers.jobs import services as jobs
    from paniers.jobs.models import CycleJob, JobStatus

    job = db.session.get(CycleJob, job_id)
    if job is None or job.status == JobStatus.DONE:
        return
    try:
        result = plan_cycle_routes(job.cycle_id, time_limit_s,
                                   progress=lambda pct, step: jobs.report(job_id, pct, step))
    except ServiceError as error:
        jobs.finish(job_id, JobStatus.FAILED, {"error": str(error)})
        return
    jobs.finish(job_id, JobStatus.DONE, {
        "routes": len(result.routes), "unserved": len(result.unserved),
        "distance_m": result.total_distance_m, "cost_cents": result.total_cost_cents,
        "status": result.status.value,
    })
