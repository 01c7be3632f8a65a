"""Closing a cycle hands allocation to a real worker; rounds are planned the same way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker

from paniers import create_app
from paniers.extensions import db
from paniers.jobs.models import CycleJob, JobStatus
from tests.integration.test_week_plan import SUPPLY, point_id
from tests.integration.week import open_week, user
from tests.support.services import need_redis, redis_celery, unique_queue
from tests.support.workers import forget_queue, wait_until


@pytest.fixture()
def worker_app(database_url: str) -> Iterator[Any]:
    need_redis()
    queue = unique_queue("week")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "CELERY": redis_celery(queue), "ROUTING_TIME_LIMIT_S": 1.0})
    with app.app_context():
        with start_worker(app.extensions["celery"], pool="solo", perform_ping_check=False,
                          shutdown_timeout=60):
            yield app
            db.session.remove()
        db.engine.dispose()  # the worker's connections too, now that it has stopped
    forget_queue(queue)


def job_done(cycle_id: int, kind: str) -> CycleJob | None:
    db.session.rollback()  # see the worker's commits
    job = db.session.query(CycleJob).filter_by(cycle_id=cycle_id, kind=kind).one_or_none()
    return job if job is not None and job.status in (JobStatus.DONE, JobStatus.FAILED) else None


def test_closing_a_cycle_allocates_it_in_the_background_then_rounds_are_planned(worker_app):
    from paniers.orders import services as orders
    from tests.conftest import Browser

    cycle = open_week(quotas=(3, 3, 2), supply=SUPPLY)
    formats = {f.code: f.id for f in cycle.formats}
    orders.place_order(user("foyer@paniers.demo"), cycle.id, point_id("relay-loos"),
                       orders.Cart({formats["medium"]: 1}, {}))
    browser = Browser(worker_app)
    browser.login("coordination@paniers.demo")
    show = f"/coordination/cycles/{cycle.id}"
    closed = browser.post(show + "/clore", {"confirmed": "1"}, form_page=show)
    assert "Le cycle est clos" in closed.text

    job = wait_until(lambda: job_done(cycle.id, "allocation"), 60, "the allocation job")
    assert job.status == JobStatus.DONE and job.progress_pct == 100
    page = browser.get(show + "/repartition").text
    assert "Terminé le" in page and "réparti" in page and "Panier moyen" in page

    rounds = show + "/tournees"
    assert "Planification des tournées lancée" in browser.post(
        show + "/planifier", form_page=rounds).text
    job = wait_until(lambda: job_done(cycle.id, "routing"), 60, "the routing job")
    assert job.status == JobStatus.DONE and job.summary["unserved"] == 0
    page = browser.get(rounds).text
    assert "Maison des associations" in page and "Feuille de route" in page
