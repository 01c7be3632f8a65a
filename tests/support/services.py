"""PostgreSQL schemas, Redis queues and closed ports for the tests that need real services."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

from paniers import config as settings
from tests.conftest import _postgres_schema, need_service

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def postgres_schema() -> Iterator[str]:
    """A migrated and seeded schema of its own on PostgreSQL, whatever the suite runs on."""
    yield from _postgres_schema(os.environ.get("PANIERS_TEST_DATABASE_URL") or POSTGRES_URL)


def with_application_name(url: str, name: str) -> str:
    """The URL with an application name, to find its sessions in ``pg_stat_activity``."""
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


def closed_port() -> int:
    """A local TCP port where nothing listens (bound then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unique_queue(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def redis_celery(queue: str, broker_url: str = REDIS_URL, **overrides: Any) -> dict[str, Any]:
    """The application's Celery settings, on Redis with a queue no other test uses."""
    conf = dict(settings.from_environment()["CELERY"])
    conf.update(broker_url=broker_url, result_backend=broker_url, task_default_queue=queue,
                **overrides)
    return conf


def need_redis() -> None:
    need_service("Redis", "127.0.0.1", 6379)
