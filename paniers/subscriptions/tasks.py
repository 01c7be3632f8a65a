"""Background work of subscriptions: orders when a cycle opens."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy import select

from paniers.cycles.models import OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.extensions import db
from paniers.notifications import services as notifications
from paniers.subscriptions import services

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=False)
def open_cycle_for_subscribers(cycle_id: int, delivery_date: str = "") -> dict[str, int]:
    """Turn the subscriptions into orders of a cycle just opened, then tell every household.

    Idempotent: a subscription gives one order per cycle, a household one message.
    ``delivery_date`` (ISO) guards against a message meant for another database.
    """
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None or (delivery_date and cycle.delivery_date.isoformat() != delivery_date):
        return {"ordered": 0, "skipped": 0, "not_this_week": 0}
    report = services.place_subscription_orders(cycle_id)
    log.info("cycle %s: %d subscription orders, %d skipped", cycle_id, len(report.ordered),
             len(report.skipped))
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is not None and cycle.status == CycleStatus.OPEN:
        notifications.notify_cycle_open(cycle_id)
    return {"ordered": len(report.ordered), "skipped": len(report.skipped),
            "not_this_week": report.not_this_week}


@shared_task(ignore_result=True)
def sweep_open_cycles() -> int:
    """Catch up a cycle whose opening task was never queued (broker down at that moment)."""
    done = 0
    for cycle in db.session.scalars(select(OrderCycle).where(
            OrderCycle.status == CycleStatus.OPEN)).all():
        if services.due_subscriptions(cycle):
            open_cycle_for_subscribers(cycle.id)
            done += 1
    return done
