"""A real SMTP server on 127.0.0.1 (aiosmtpd) and a Celery worker on Redis for the mail tests.

``mailing_app`` builds the application as production runs it: tasks go through
Redis (a queue of the test's own) to a worker thread, which sends through SMTP
to the local server; the test reads what the server received.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.services import closed_port, need_redis, redis_celery, unique_queue


@dataclass(frozen=True)
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return str(part.get_content())
        raise AssertionError(f"no {content_type} part in {self.subject!r}")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")


class Inbox:
    """Every message the local SMTP server accepted, in order."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str, subject: str = "") -> list[Received]:
        """The messages to ``address`` whose subject starts with ``subject``."""
        with self._lock:
            return [m for m in self.messages
                    if address in m.recipients and m.subject.startswith(subject)]

    def wait_for(self, address: str, subject: str = "", count: int = 1,
                 timeout_s: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.to(address, subject)) >= count:
                return self.to(address, subject)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.to(address, subject))} message(s) {subject!r} to "
                             f"{address}, expected {count}: {[m.subject for m in self.messages]}")


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = closed_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@contextmanager
def mailing_app(database_url: str, folder: Path) -> Iterator[tuple[Any, Inbox]]:
    """The application, its worker thread on Redis and the SMTP server; inside its context."""
    from celery.contrib.testing.worker import start_worker

    from paniers import create_app
    from paniers.extensions import db

    need_redis()
    with smtp_server() as (inbox, port):
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
            "SERVER_NAME": "paniers.test", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "CELERY": redis_celery(unique_queue("mail")),
        })
        celery = app.extensions["celery"]
        with start_worker(celery, pool="solo", perform_ping_check=False,
                          shutdown_timeout=30), app.app_context():
            yield app, inbox
            db.session.remove()
        with app.app_context():
            db.engine.dispose()
