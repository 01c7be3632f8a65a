"""Background work of the cycle."""

from __future__ import annotations

import logging

from celery import shared_task

from paniers.cycles import services

log = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def advance_cycles() -> dict[str, list[int]]:
    """Close every open cycle whose cutoff has passed (run every minute by beat)."""
    closed = services.close_due_cycles()
    if closed:
        log.info("closed cycles %s at their cutoff", closed)
    return {"closed": closed}


@shared_task(ignore_result=False)
def close_cycle(cycle_id: int) -> str:
    """Close one cycle (idempotent: a cycle already closed stays as it is)."""
    return services.close_if_open(cycle_id)
