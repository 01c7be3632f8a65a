"""The job runner, as the coordinator follows it on the allocation page: progress, the end of
a job, a refusal, an unexpected error, a message delivered twice and a broker that is down.

Jobs are started through the pages, then run as a worker would run the queued task.
"""

from __future__ import annotations

import logging

import pytest

from paniers import create_app
from paniers.allocation import tasks as allocation_tasks
from paniers.extensions import db
from paniers.jobs import runner
from paniers.jobs import services as jobs
from paniers.jobs.models import CycleJob, JobStatus
from tests.conftest import Browser
from tests.integration.test_week_plan import closed_week
from tests.integration.week import open_week, user
from tests.support.services import closed_port, redis_celery, unique_queue

COORDINATOR = "coordination@paniers.demo"
INTERNAL_ERROR = "Erreur interne : l'équipe technique est prévenue."


def start_allocation(browser: Browser, cycle_id: int) -> CycleJob:
    """The coordinator's click on « Lancer la répartition »: the job it queued."""
    browser.post(f"/coordination/cycles/{cycle_id}/repartir", form_page=page_of(cycle_id))
    job = jobs.latest_job(cycle_id, "allocation")
    assert job is not None
    return job


def page_of(cycle_id: int) -> str:
    return f"/coordination/cycles/{cycle_id}/repartition"


def reload(job: CycleJob) -> CycleJob:
    db.session.expire_all()
    found = db.session.get(CycleJob, job.id)
    assert found is not None
    return found


def test_the_allocation_page_follows_a_job_from_queued_to_done(app, browser):
    cycle = closed_week()
    browser.login(COORDINATOR)
    job = start_allocation(browser, cycle.id)
    assert job.status == JobStatus.QUEUED
    assert "En cours…" in browser.get(page_of(cycle.id)).text

    seen_while_running: list[str] = []

    def work(job: CycleJob, progress: runner.Progress) -> dict[str, object]:
        progress(40, "composing baskets")
        seen_while_running.append(browser.get(page_of(cycle.id)).html)
        return {"diagnoses": ["all served"]}

    runner.run(CycleJob, job.id, work)

    assert '<progress max="100" value="40">' in seen_while_running[0]
    job = reload(job)
    assert (job.status, job.progress_pct, job.summary) == (
        JobStatus.DONE, 100, {"diagnoses": ["all served"]})
    page = browser.get(page_of(cycle.id)).text
    assert "Terminé le" in page and "all served" in page and "En cours…" not in page


def test_a_job_whose_work_breaks_unexpectedly_fails_and_the_page_says_so_in_french(
        app, browser, caplog):
    cycle = closed_week()
    browser.login(COORDINATOR)
    job = start_allocation(browser, cycle.id)

    def breaks(job: CycleJob, progress: runner.Progress) -> dict[str, object]:
        progress(30, "composing baskets")
        raise ZeroDivisionError("a bug in the work")

    with caplog.at_level(logging.ERROR, logger="paniers.jobs.runner"), pytest.raises(
            ZeroDivisionError):  # raised again: the worker reports the task failed
        runner.run(CycleJob, job.id, breaks)

    job = reload(job)
    assert (job.status, job.progress_pct) == (JobStatus.FAILED, 30)
    assert job.finished_dt is not None and job.failure == INTERNAL_ERROR
    logged = [r for r in caplog.records if r.name == "paniers.jobs.runner"]
    assert logged and logged[0].exc_info is not None  # the traceback, for the team
    page = browser.get(page_of(cycle.id)).text
    assert f"Échec : {INTERNAL_ERROR}" in page and "a bug in the work" not in page
    assert "En cours…" not in page  # the coordinator can start it again

    user(COORDINATOR).locale = "en"
    db.session.commit()
    assert "Internal error: the technical team has been told." in browser.get(
        page_of(cycle.id)).text


def test_a_refusal_of_the_work_fails_the_job_with_its_own_message(app, browser):
    cycle = open_week()  # not closed yet: nothing to allocate
    browser.login(COORDINATOR)
    job = start_allocation(browser, cycle.id)

    allocation_tasks.allocate(job.id)

    job = reload(job)
    assert job.status == JobStatus.FAILED
    assert job.failure == "Le cycle doit être clos avant la répartition."
    assert "Échec : Le cycle doit être clos avant la répartition." in browser.get(
        page_of(cycle.id)).text


def test_a_job_delivered_again_once_done_is_left_alone(app, browser):
    cycle = closed_week()
    browser.login(COORDINATOR)
    job = start_allocation(browser, cycle.id)
    allocation_tasks.allocate(job.id)
    done = reload(job)
    assert done.status == JobStatus.DONE
    finished_dt, summary = done.finished_dt, dict(done.summary)

    allocation_tasks.allocate(job.id)  # the same message, after a worker died

    again = reload(job)
    assert (again.status, again.finished_dt, again.summary) == (
        JobStatus.DONE, finished_dt, summary)


def test_a_job_started_with_the_broker_down_is_refused_and_shown_failed(database_url):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SERVER_NAME": "paniers.test",
        "CELERY": redis_celery(unique_queue("down"), f"redis://127.0.0.1:{closed_port()}/0"),
    })
    with app.app_context():
        cycle = closed_week()
        browser = Browser(app)
        browser.login(COORDINATOR)
        page = browser.post(f"/coordination/cycles/{cycle.id}/repartir",
                            form_page=page_of(cycle.id))
        assert "Le service des tâches de fond ne répond pas" in page.text
        assert ("Échec : Le service des tâches de fond ne répondait pas : relancez dans "
                "quelques minutes.") in page.text
        job = jobs.latest_job(cycle.id, "allocation")
        assert job is not None and job.status == JobStatus.FAILED
        db.session.remove()
        db.engine.dispose()
