"""Background work of the allocation."""

from __future__ import annotations

from celery import shared_task

from paniers.allocation import services as allocating
from paniers.jobs import runner
from paniers.jobs.models import CycleJob


@shared_task(acks_late=True, ignore_result=True)
def allocate(job_id: int) -> None:
    """Compose and allocate the cycle of a job (idempotent: it replaces the cycle's plan)."""
    runner.run(CycleJob, job_id, allocating.allocate_for_job)
