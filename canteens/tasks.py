"""Background work of the canteens: planning menus (a CP-SAT solve of several seconds)."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def plan_menus(job_id: int) -> None:
    """Plan the menus a job asks for and store the plan (a job already done is left alone)."""
    from canteens import menus
    from paniers.errors import ServiceError

    try:
        menus.run_plan_job(job_id)
    except ServiceError as error:
        menus.finish(job_id, "failed", {"error": str(error)})
    except Exception:
        log.exception("planning job %s failed", job_id)
        menus.finish(job_id, "failed", {"error": "internal"})
        raise
