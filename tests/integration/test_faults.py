"""Faults: a worker killed in the middle of a task, a broker that is down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paniers import create_app
from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from tests.conftest import Browser
from tests.integration.week import open_week
from tests.support.cycles import allocation_jobs
from tests.support.services import (
    closed_port,
    need_redis,
    postgres_schema,
    redis_celery,
    unique_queue,
)
from tests.support.workers import holding_row_lock, run_through_worker_kill


@pytest.fixture()
def pg_url() -> Iterator[str]:
    yield from postgres_schema()


def cycle_state(cycle_id: int) -> tuple[str, Any]:
    db.session.expire_all()
    cycle = db.session.get(OrderCycle, cycle_id)
    db.session.commit()
    return cycle.status, cycle.closed_dt


def test_a_worker_killed_while_closing_leaves_the_cycle_open_and_a_new_worker_closes_it_once(
    pg_url: str, tmp_path: Path
) -> None:
    need_redis()
    queue = unique_queue("faults")
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_url, "TESTING": True,
                      "CELERY": redis_celery(queue)})
    with app.app_context():
        cycle = open_week()
        seen_after_kill: list[tuple[str, Any]] = []
        run = run_through_worker_kill(
            app.extensions["celery"], pg_url, queue, tmp_path,
            "paniers.cycles.tasks.close_cycle", (cycle.id,),
            hold=lambda: holding_row_lock(pg_url, "order_cycles", cycle.id),
            after_kill=lambda: seen_after_kill.append(cycle_state(cycle.id)),
        )
        assert seen_after_kill == [("open", None)], "the killed worker left a half-closed cycle"
        assert run.result == "closed"
        assert (run.finished_on_killed_worker, run.finished_on_new_worker) == (0, 1), run.logs
        assert run.left_in_broker == 0
        status, closed_dt = cycle_state(cycle.id)
        assert status in ("closed", "allocated") and closed_dt is not None
        assert allocation_jobs(cycle.id) == 1  # the step after the close started once
        db.session.remove()
        db.engine.dispose()


def test_closing_with_the_broker_down_says_so_in_french_and_changes_nothing(
    database_url: str,
) -> None:
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SERVER_NAME": "paniers.test",
        "CELERY": redis_celery(unique_queue("down"), f"redis://127.0.0.1:{closed_port()}/0"),
    })
    with app.app_context():
        cycle = open_week()
        browser = Browser(app)
        browser.login("coordination@paniers.demo")
        show = f"/coordination/cycles/{cycle.id}"
        page = browser.post(show + "/clore", {"confirmed": "1"}, form_page=show)
        assert page.status_code == 200
        assert "Le service des tâches de fond ne répond pas : rien n'a été modifié." in page.text
        assert "Le cycle est clos" not in page.text
        assert cycle_state(cycle.id) == ("open", None)
        db.session.remove()
        db.engine.dispose()
