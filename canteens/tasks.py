"""Background work of the canteens: planning menus (a CP-SAT solve of several seconds)."""

from __future__ import annotations

from celery import shared_task

from canteens import menus
from canteens.models import PlanJob
from paniers.jobs import runner


@shared_task(acks_late=True, ignore_result=True)
def plan_menus(job_id: int) -> None:
    """Plan the menus a job asks for and store the plan (a job already done is left alone)."""
    runner.run(PlanJob, job_id, menus.plan_for_job)
