"""Real Celery worker processes, and running a task through a worker killed mid-way.

``run_through_worker_kill`` is the fault test of any task that is idempotent by its
arguments (closing a cycle today; allocation and route planning use the same shape):
the test holds a lock the task needs, the task starts on a first worker and blocks on
it, the whole worker (parent and pool) is killed with SIGKILL, the lock is released,
and a second worker must receive the same message again (late acknowledgement, Redis
visibility timeout) and finish it exactly once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, text

from tests.support.services import REDIS_URL, with_application_name

VISIBILITY_TIMEOUT_S = 3  # short, so that the new worker receives the task again soon


def wait_until(condition: Callable[[], Any], timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def settled(count: Callable[[], int], timeout_s: float) -> int:
    """``count()`` once it reaches 0, or its value after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while (value := count()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


class WorkerProcess:
    """``celery -A paniers.celery_worker worker`` in its own process group, logging to a file."""

    def __init__(self, database_url: str, queue: str, folder: Path, name: str) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        self.app_name = f"w{uuid.uuid4().hex[:10]}"  # its sessions in pg_stat_activity
        self.env = {
            **os.environ,
            "DATABASE_URL": with_application_name(database_url, self.app_name),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_RESULT_BACKEND": REDIS_URL,
            "CELERY_QUEUE": queue,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
            "PANIERS_INSTANCE_DIR": str(folder),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        command = [sys.executable, "-m", "celery", "-A", "paniers.celery_worker", "worker",
                   "--pool=prefork", "--concurrency=1", "--without-mingle", "--without-gossip",
                   f"--hostname={self.name}-{self.app_name}@127.0.0.1", "--loglevel=INFO"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log,
                                            start_new_session=True)
        wait_until(lambda: "ready." in self.log() or self.process.poll() is not None, 60,
                   f"worker {self.name} to start")
        assert self.process.poll() is None, f"worker {self.name} died:\n{self.log()}"
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL to the parent and its pool: no shutdown, no acknowledgement, no cleanup."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def finished(self, task_id: str) -> int:
        """How many times this worker reported the task done (success or failure)."""
        return len(re.findall(rf"\[{re.escape(task_id)}\] (?:succeeded|raised)", self.log()))


@contextmanager
def holding_row_lock(database_url: str, table: str, row_id: int) -> Iterator[None]:
    """Hold ``SELECT ... FOR UPDATE`` on one row: a task that locks it waits for us."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})
            yield
            conn.rollback()
    finally:
        engine.dispose()


def sessions_waiting_on_a_lock(database_url: str, app_name: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = :name AND wait_event_type = 'Lock'"
            ), {"name": app_name}).scalar_one())
    finally:
        engine.dispose()


def sessions_of(database_url: str, app_name: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
            ), {"name": app_name}).scalar_one())
    finally:
        engine.dispose()


@dataclass
class KilledRun:
    task_id: str
    result: Any
    finished_on_killed_worker: int
    finished_on_new_worker: int
    left_in_broker: int
    logs: str


def priority_lists(queue: str) -> list[str]:
    """The lists Kombu keeps beside a Redis queue for its lower priorities (the e-mails,
    ``BULK_PRIORITY``)."""
    return [f"{queue}\x06\x16{step}" for step in (3, 6, 9)]


def forget_queue(queue: str) -> None:
    """Remove the test's queue and its bindings from Redis."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.delete(queue, *priority_lists(queue), f"_kombu.binding.{queue}",
                      f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()


def messages_left(queue: str, task_id: str) -> int:
    """Copies of the task's message still in the broker: waiting in ``queue``, or delivered
    and not acknowledged."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        messages = [*client.lrange(queue, 0, -1), *client.hvals("unacked")]
        return sum(task_id in message.decode(errors="replace") for message in messages)
    finally:
        client.close()


def run_through_worker_kill(
    celery: Any,
    database_url: str,
    queue: str,
    folder: Path,
    task_name: str,
    args: tuple[Any, ...],
    hold: Callable[[], AbstractContextManager[Any]],
    after_kill: Callable[[], None] = lambda: None,
    timeout_s: float = 60,
) -> KilledRun:
    """Run ``task_name(*args)``: started on a worker killed while it waits on ``hold``,
    finished by a new worker.

    ``celery`` is a Celery app configured like the workers (same Redis, ``queue``);
    ``hold`` returns a context that holds a lock the task takes (``holding_row_lock``);
    ``after_kill`` runs once the first worker is dead and the lock released, before the
    new worker starts: the place to check that nothing was half-written.
    """
    first = WorkerProcess(database_url, queue, folder, "killed").start()
    second = WorkerProcess(database_url, queue, folder, "second")
    try:
        with hold():
            result = celery.send_task(task_name, args=args)
            wait_until(lambda: sessions_waiting_on_a_lock(database_url, first.app_name), 30,
                       f"{task_name} to start and wait on the held lock")
            first.kill()
        # The dead worker's database session ends with its uncommitted transaction.
        wait_until(lambda: sessions_of(database_url, first.app_name) == 0, 30,
                   "the killed worker's database session to end")
        after_kill()
        second.start()
        value = result.get(timeout=timeout_s, propagate=True)
        # The result is stored just before the late acknowledgement: give the ack a moment.
        left = settled(lambda: messages_left(queue, result.id), 10)
    finally:
        first.stop()
        second.stop()
        forget_queue(queue)
    return KilledRun(
        task_id=result.id, result=value,
        finished_on_killed_worker=first.finished(result.id),
        finished_on_new_worker=second.finished(result.id),
        left_in_broker=left,
        logs=first.log() + second.log(),
    )
