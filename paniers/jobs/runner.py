"""The one runner of background jobs with progress: start, run, report, finish.

A job is a row (a table with the :class:`~paniers.jobs.models.Job` columns) and a Celery
task that takes its id. Starting records the job queued and hands its id to the workers;
the task calls :func:`run` with the area's work, ``work(job, progress)``, which returns
the summary shown once done. What goes wrong is caught here, recorded and shown in French:
a refusal (a ``ServiceError``) with its own message, anything else as an internal error,
logged with its traceback and raised again for the worker to report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from paniers.background import BrokerUnavailable, enqueue
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.jobs.models import Failure, Job, JobStatus
from paniers.transaction import after_commit, transaction
from paniers.types import utcnow

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
J = TypeVar("J", bound=Job)
Summary = dict[str, Any]


class JobFailed(ServiceError):
    """A refusal of the work that has more to show than its message (``details``, kept in
    the job's summary beside the message)."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


def start(job: J, task_name: str, *args: Any) -> J:
    """Record ``job`` queued and hand ``task_name(job.id, *args)`` to the workers once it is
    committed. A broker that is down marks the job failed and raises ``BrokerUnavailable``
    (nothing else changed)."""
    job.status, job.progress_pct, job.step, job.summary = JobStatus.QUEUED, 0, "", {}
    with transaction():
        db.session.add(job)
        db.session.flush()
        job_id = job.id
        after_commit(lambda: _hand_over(type(job), job_id, task_name, args))
    return job


def _hand_over(model: type[Job], job_id: int, task_name: str, args: tuple[Any, ...]) -> None:
    try:
        enqueue(task_name, job_id, *args)
    except BrokerUnavailable:
        finish(model, job_id, JobStatus.FAILED, {"failure": Failure.BROKER_UNREACHABLE})
        raise


def run(model: type[J], job_id: int, work: Callable[[J, Progress], Summary]) -> None:
    """Run a job's work in a worker and record how it ended; a job already done (the same
    message delivered again after a worker died) is left alone."""
    job = db.session.get(model, job_id)
    if job is None or job.status == JobStatus.DONE:
        return
    try:
        summary = work(job, lambda pct, step: report(model, job_id, pct, step))
        # What the work left uncommitted is committed with the job done, in one commit.
        finish(model, job_id, JobStatus.DONE, summary, keep_work=True)
    except JobFailed as refusal:
        finish(model, job_id, JobStatus.FAILED, {"error": str(refusal), **refusal.details})
    except ServiceError as refusal:
        finish(model, job_id, JobStatus.FAILED, {"error": str(refusal)})
    except Exception:
        log.exception("%s %s failed", model.__name__, job_id)
        finish(model, job_id, JobStatus.FAILED, {"failure": Failure.INTERNAL})
        raise


def report(model: type[Job], job_id: int, pct: int, step: str) -> None:
    """The job's progress, committed at once so that the pages see it (and with it what the
    work wrote so far)."""
    job = db.session.get(model, job_id)
    if job is not None:
        job.status, job.progress_pct, job.step = JobStatus.RUNNING, pct, step
        db.session.commit()


def finish(model: type[Job], job_id: int, status: JobStatus, summary: Summary, *,
           keep_work: bool = False) -> None:
    """Record how the job ended; what the work left uncommitted is rolled back first unless
    ``keep_work``."""
    if not keep_work:
        db.session.rollback()
    job = db.session.get(model, job_id)
    if job is not None:
        job.status, job.summary, job.finished_dt = status, summary, utcnow()
        job.progress_pct = 100 if status == JobStatus.DONE else job.progress_pct
        db.session.commit()
