"""Handing a finished message to SMTP, or to the outbox folder on the embedded default."""

from __future__ import annotations

import logging
import os
import re
import smtplib
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def build(subject: str, text: str, html: str, to: str, key: str, config: Any) -> EmailMessage:
    """A French text + HTML message to an address that may have no account yet."""
    email = EmailMessage()
    email["Subject"] = subject
    email["From"] = config["MAIL_FROM"]
    email["To"] = to
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(idstring=re.sub(r"[^A-Za-z0-9.]", ".", key),
                                     domain="paniers")
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    email["Content-Language"] = "fr"
    return email


def send(message: EmailMessage, key: str, config: Any) -> str:
    """Send through ``MAIL_SERVER``; without one, write ``<key>.eml`` to the outbox folder.

    Returns where the message went. Writing the same key twice replaces the file, whole,
    so a retried task leaves one message in the outbox.
    """
    server = config.get("MAIL_SERVER") or ""
    if not server:
        folder = Path(config["MAIL_OUTBOX_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (re.sub(r"[^A-Za-z0-9_.-]", "-", key) + ".eml")
        # Written aside, then renamed: whoever reads the folder (or a second worker
        # writing the same key) never sees a half-written message.
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".", suffix=".part",
                                         delete=False) as part:
            part.write(bytes(message))
        os.replace(part.name, path)
        return str(path.name)
    with smtplib.SMTP(server, int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        smtp.send_message(message)
    log.info("sent %s to %s via %s", key, message["To"], server)
    return server
