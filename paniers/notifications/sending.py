"""Sending the queued messages, in the workers: once each, however often retried."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from paniers.accounts.models import User
from paniers.extensions import db
from paniers.notifications import mail, services
from paniers.notifications.messages import compose
from paniers.notifications.models import MessageStatus, OutboundMessage
from paniers.types import utcnow


def send_message(message_id: int) -> str:
    """Send one pending message and mark it sent; a message already sent stays as it is.

    The row is locked while sending, so two workers given the same message send it once.
    An SMTP error rolls back and propagates: the task retries, the row stays pending.
    """
    message = db.session.scalar(
        select(OutboundMessage).where(OutboundMessage.id == message_id).with_for_update()
        .execution_options(populate_existing=True))
    if message is None or message.status != MessageStatus.PENDING:
        db.session.rollback()
        return "done" if message is not None else "missing"
    user = db.session.get(User, message.user_id)
    if user is None or user.email.endswith(services.DELETED_DOMAIN):
        message.status, message.error = MessageStatus.FAILED, "account deleted"
        db.session.commit()
        return "dropped"
    try:
        email = compose(message, user)
        mail.send(email, message.key, current_app.config)
    except Exception:
        db.session.rollback()
        raise
    message.status, message.sent_dt = MessageStatus.SENT, utcnow()
    message.recipient, message.subject = user.email, str(email["Subject"])[:200]
    db.session.commit()
    return "sent"


def resend_pending(now: datetime | None = None, older_than: timedelta = timedelta(minutes=5),
                   within: timedelta = timedelta(days=2)) -> list[int]:
    """Queue again the messages still pending (broker down when they were queued)."""
    now = now or utcnow()
    pending = list(db.session.scalars(select(OutboundMessage.id).where(
        OutboundMessage.status == MessageStatus.PENDING,
        OutboundMessage.created_dt <= now - older_than,
        OutboundMessage.created_dt >= now - within)))
    for message_id in pending:
        services.hand_to_workers(message_id)
    return pending
