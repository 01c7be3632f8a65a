"""Reading a cycle's state as the worker left it."""

from __future__ import annotations

from sqlalchemy import func, select

from paniers.extensions import db
from paniers.jobs.models import CycleJob


def allocation_jobs(cycle_id: int) -> int:
    """How many allocation jobs were started for the cycle."""
    count = db.session.scalar(select(func.count(CycleJob.id)).where(
        CycleJob.cycle_id == cycle_id, CycleJob.kind == "allocation"))
    db.session.commit()  # a fresh snapshot next time
    return int(count or 0)
