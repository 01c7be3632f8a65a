"""Sending notifications in the workers: tasks take ids and call the services."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from paniers.notifications import sending, services

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=False, max_retries=5,
             autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=5,
             retry_backoff_max=300)
def send_message(self: object, message_id: int) -> str:
    """Send one message (idempotent: a message already sent is not sent again)."""
    return sending.send_message(message_id)


@shared_task(ignore_result=True)
def send_pickup_reminders() -> int:
    """Each morning: reminders for the cycles delivering today."""
    return len(services.remind_today())


@shared_task(ignore_result=True)
def remind_cycle(cycle_id: int) -> int:
    """Reminders for one cycle now (the coordinator's button)."""
    return len(services.notify_pickup_reminders(cycle_id))


@shared_task(ignore_result=True)
def resend_pending() -> int:
    """Queue again the messages left pending while the broker was down."""
    return len(sending.resend_pending())


@shared_task(ignore_result=True)
def notify_missed_pickups(order_ids: list[int]) -> int:
    return sum(len(services.notify_missed_pickup(order_id)) for order_id in order_ids)
