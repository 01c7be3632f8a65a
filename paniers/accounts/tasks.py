"""Sending invitations in the workers: the task takes the invitation's id."""

from __future__ import annotations

import smtplib

from celery import shared_task

from paniers.accounts import invitations


@shared_task(bind=True, acks_late=True, ignore_result=False, max_retries=5,
             autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=5,
             retry_backoff_max=300)
def send_invitation(self: object, invitation_id: int) -> str:
    """Send an invitation's e-mail (once per link, however often retried)."""
    return invitations.send_invitation_mail(invitation_id)
