"""The cycle's background work through a real Celery worker on Redis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from sqlalchemy import update

from paniers import create_app
from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from paniers.types import utcnow
from tests.integration.week import open_week
from tests.support.cycles import allocation_jobs
from tests.support.services import need_redis, redis_celery, unique_queue
from tests.support.workers import forget_queue


@pytest.fixture()
def worker_app(database_url: str) -> Iterator[Any]:
    """The application on Redis, with a worker (in a thread) consuming its own queue."""
    need_redis()
    queue = unique_queue("celery")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "CELERY": redis_celery(queue)})
    celery = app.extensions["celery"]
    with app.app_context():
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
            db.session.remove()
        db.engine.dispose()  # the worker's connections too, now that it has stopped
    forget_queue(queue)


def reload(cycle_id: int) -> OrderCycle:
    db.session.expire_all()
    cycle = db.session.get(OrderCycle, cycle_id)
    db.session.commit()  # let the worker's transactions in
    return cycle


def test_the_scheduled_task_closes_an_open_cycle_once_its_cutoff_has_passed(worker_app):
    celery = worker_app.extensions["celery"]
    schedule = celery.conf.beat_schedule["open-and-close-cycles"]
    assert schedule["task"] == "paniers.cycles.tasks.advance_cycles"
    cycle = open_week()

    assert celery.send_task(schedule["task"]).get(timeout=30) == {"closed": []}
    assert reload(cycle.id).status == "open"

    move_cutoff(cycle.id, utcnow() - timedelta(minutes=1))
    assert celery.send_task(schedule["task"]).get(timeout=30) == {"closed": [cycle.id]}
    closed = reload(cycle.id)
    assert closed.status == "closed" and closed.closed_dt is not None


def move_cutoff(cycle_id: int, cutoff_dt: datetime) -> None:
    """Time passing: the cutoff is now ``cutoff_dt``."""
    db.session.execute(update(OrderCycle).where(OrderCycle.id == cycle_id)
                       .values(cutoff_dt=cutoff_dt))
    db.session.commit()


def test_closing_a_cycle_twice_closes_it_once_and_starts_one_allocation(worker_app):
    celery = worker_app.extensions["celery"]
    cycle = open_week()

    first = celery.send_task("paniers.cycles.tasks.close_cycle", args=(cycle.id,))
    second = celery.send_task("paniers.cycles.tasks.close_cycle", args=(cycle.id,))

    assert (first.get(timeout=30), second.get(timeout=30)) == ("closed", "closed")
    closed_dt = reload(cycle.id).closed_dt
    assert closed_dt is not None
    again = celery.send_task("paniers.cycles.tasks.close_cycle", args=(cycle.id,))
    assert again.get(timeout=30) in ("closed", "allocated")
    assert reload(cycle.id).closed_dt == closed_dt
    assert allocation_jobs(cycle.id) == 1

