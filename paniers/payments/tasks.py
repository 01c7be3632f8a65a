"""Background work of payments: webhook events, refunds, expired reservations."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from sqlalchemy import select

from paniers.allocation.models import Shortage
from paniers.extensions import db
from paniers.payments import checkout, events, refunds
from paniers.payments.gateway import GatewayError
from paniers.types import utcnow

log = logging.getLogger(__name__)
RETRY = {"autoretry_for": (GatewayError,), "retry_backoff": 2, "retry_backoff_max": 300,
         "max_retries": 10, "acks_late": True}


@shared_task(**RETRY)
def process_event(event_row_id: int) -> str:
    """Apply one webhook event received and kept by the web process."""
    return events.process(event_row_id)


@shared_task(**RETRY)
def execute_refund(refund_id: int) -> str:
    """Send one refund to Stripe (idempotency key: the refund's own key)."""
    return refunds.execute(refund_id)


@shared_task(acks_late=True)
def refund_cycle_shortages(cycle_id: int) -> list[int]:
    """Refund the shortages allocation stored for a cycle (idempotent: run it again freely)."""
    rows = db.session.execute(select(Shortage.order_line_id, Shortage.refund_cents)
                              .where(Shortage.cycle_id == cycle_id)).all()
    return refunds.refund_shortages(cycle_id, [(line_id, cents) for line_id, cents in rows])


@shared_task
def expire_reservations() -> list[int]:
    """Release online orders not paid in time (beat, every minute)."""
    return checkout.expire_reservations()


@shared_task
def sweep() -> dict[str, int]:
    """What a lost hand-off left behind (broker down when an event or a refund came):
    events not processed and refunds still pending after a few minutes."""
    stale = utcnow() - timedelta(minutes=2)
    event_ids = events.unprocessed(timedelta(minutes=2))
    for row_id in event_ids:
        try:
            events.process(row_id)
        except GatewayError as error:
            log.warning("event %s: %s", row_id, error)
    refund_ids = refunds.pending_ids(stale)
    for refund_id in refund_ids:
        try:
            refunds.execute(refund_id)
        except GatewayError as error:
            log.warning("refund %s: %s", refund_id, error)
    return {"events": len(event_ids), "refunds": len(refund_ids)}
