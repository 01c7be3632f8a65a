"""Handing work to the Celery workers from a web request or the command line.

A broker that does not answer is a refusal the user can read (``BrokerUnavailable``,
a ``ServiceError``), never a 500: the caller rolls back what it was about to commit.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from paniers.errors import ServiceError

log = logging.getLogger(__name__)


class BrokerUnavailable(ServiceError):
    status_code = 503


# The priority of bulk work (the e-mails): a week's opening queues one message per
# household, and the cycle's steps (close, allocate, plan the rounds), queued at the
# default priority (0, the highest on Redis), must not wait behind thousands of them.
# Redis keeps one list per priority step (0, 3, 6, 9) and the workers empty the highest
# first; the filesystem broker ignores it.
BULK_PRIORITY = 6


def enqueue(task_name: str, *args: Any, priority: int | None = None) -> str:
    """Queue ``task_name(*args)`` for the workers; return the task id.

    Nobody waits for the result (progress is in the database), so the result backend
    is not involved: only the broker has to answer. ``priority``: ``BULK_PRIORITY`` for
    work that may wait behind the cycle's steps.
    """
    celery = current_app.extensions["celery"]
    options = {} if priority is None else {"priority": priority}
    try:
        return str(celery.send_task(task_name, args=args, ignore_result=True, **options).id)
    except (OperationalError, OSError, RedisError) as error:
        log.error("could not queue %s%r: %s", task_name, args, error)
        raise BrokerUnavailable(_(
            "Le service des tâches de fond ne répond pas : rien n'a été modifié. "
            "Réessayez dans quelques minutes ; si cela dure, prévenez l'équipe technique."
        )) from error


def broker_answers(timeout_s: float = 2.0) -> None:
    """Raise ``OperationalError`` (or ``OSError``) unless the broker accepts a connection."""
    celery = current_app.extensions["celery"]
    with celery.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0, timeout=timeout_s)
