"""Background work of the cycle."""

from __future__ import annotations

import logging

from celery import shared_task

from paniers.cycles import services
from paniers.jobs import services as jobs

log = logging.getLogger(__name__)
ALLOCATE = "paniers.allocation.tasks.allocate"


@shared_task(ignore_result=False)
def advance_cycles() -> dict[str, list[int]]:
    """Close every open cycle whose cutoff has passed (run every minute by beat)."""
    closed = services.close_due_cycles()
    if closed:
        log.info("closed cycles %s at their cutoff", closed)
    for cycle_id in closed:
        jobs.start_once(cycle_id, "allocation", ALLOCATE)
    return {"closed": closed}


@shared_task(ignore_result=False)
def close_cycle(cycle_id: int) -> str:
    """Close one cycle and start its allocation (idempotent: a cycle already closed stays as
    it is, and its allocation is started once)."""
    status = services.close_if_open(cycle_id)
    if status == "closed":
        jobs.start_once(cycle_id, "allocation", ALLOCATE)
    return status
