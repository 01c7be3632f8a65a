"""On Redis, the cycle's steps are taken before a backlog of e-mails."""

from __future__ import annotations

import json

import pytest
import redis

from paniers import create_app
from paniers.background import BULK_PRIORITY, enqueue
from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.notifications.services import SEND_TASK
from tests.integration.week import open_week
from tests.support.services import REDIS_URL, need_redis, redis_celery, unique_queue
from tests.support.workers import forget_queue, priority_lists


@pytest.fixture()
def redis_app(database_url):
    need_redis()
    queue = unique_queue("priority")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "CELERY": redis_celery(queue)})
    with app.app_context():
        yield app, queue
        db.session.remove()
        db.engine.dispose()
    forget_queue(queue)


def test_the_close_is_taken_before_the_messages_queued_ahead_of_it(redis_app):
    app, queue = redis_app
    cycle = open_week()
    for message_id in range(1, 41):  # the week's opening: one message per household
        enqueue(SEND_TASK, message_id, priority=BULK_PRIORITY)
    cycles.close_and_hand_over(cycle.id)

    client = redis.Redis.from_url(REDIS_URL)
    try:
        # A worker's fetch: BRPOP over the queue's lists, highest priority first (Kombu).
        taken = []
        while popped := client.brpop([queue, *priority_lists(queue)], timeout=1):
            taken.append(json.loads(popped[1])["headers"]["task"])
    finally:
        client.close()
    # The opening's task (queued by open_week) and the close, then the messages.
    assert taken[:2] == ["paniers.subscriptions.tasks.open_cycle_for_subscribers",
                         "paniers.cycles.tasks.close_cycle"]
    assert taken[2:] == [SEND_TASK] * 40  # none lost
