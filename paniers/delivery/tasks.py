"""Background work of delivery planning."""

from __future__ import annotations

from functools import partial

from celery import shared_task

from paniers.delivery import planning
from paniers.jobs import runner
from paniers.jobs.models import CycleJob


@shared_task(acks_late=True, ignore_result=True)
def plan_routes(job_id: int, time_limit_s: float = 5.0) -> None:
    """Plan the rounds of a job's cycle (idempotent: it replaces the cycle's rounds)."""
    runner.run(CycleJob, job_id, partial(planning.plan_for_job, time_limit_s=time_limit_s))
