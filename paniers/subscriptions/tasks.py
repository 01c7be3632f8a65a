"""Background work of subscriptions: orders when a cycle opens."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy import select

from paniers.background import BrokerUnavailable, enqueue
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.extensions import db
from paniers.notifications import services as notifications
from paniers.subscriptions import services

log = logging.getLogger(__name__)
SHARE = 300  # subscriptions a task places: a large week spreads over the workers
PLACE_SHARE = "paniers.subscriptions.tasks.place_subscriptions"


@shared_task(acks_late=True, ignore_result=False)
def open_cycle_for_subscribers(cycle_id: int, delivery_date: str = "") -> dict[str, int]:
    """Turn the subscriptions into orders of a cycle just opened, then tell every household.

    A large week is shared between the workers: this task places the first
    ``SHARE`` subscriptions and queues a ``place_subscriptions`` task for each further
    share; whichever finishes last (no subscription left without its run) tells the
    households. Idempotent: a subscription gives one order per cycle, a household one
    message. ``delivery_date`` (ISO) guards against a message meant for another database.
    """
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None or (delivery_date and cycle.delivery_date.isoformat() != delivery_date):
        return {"ordered": 0, "skipped": 0, "not_this_week": 0}
    due = services.due_subscriptions(cycle)
    shares = [due[start:start + SHARE] for start in range(0, len(due), SHARE)]
    for share in shares[1:]:
        try:
            enqueue(PLACE_SHARE, cycle_id, share)
        except BrokerUnavailable:  # the sweep places the rest (and then tells) later
            break
    report = services.place_subscription_orders(cycle_id, only=shares[0] if shares else [])
    log.info("cycle %s: %d subscription orders, %d skipped, %d shares for other workers",
             cycle_id, len(report.ordered), len(report.skipped), len(shares[1:]))
    tell_once_placed(cycle_id)
    return {"ordered": len(report.ordered), "skipped": len(report.skipped),
            "not_this_week": report.not_this_week}


@shared_task(acks_late=True, ignore_result=True)
def place_subscriptions(cycle_id: int, subscription_ids: list[int]) -> None:
    """A worker's share of a week's subscriptions (idempotent, as the opening)."""
    services.place_subscription_orders(cycle_id, only=subscription_ids)
    tell_once_placed(cycle_id)


def tell_once_placed(cycle_id: int) -> None:
    """Tell every household the week is open, once no subscription waits for its order:
    each share checks after its own commits, so the last one to finish sees them all
    (two at once both tell: the messages are keyed, each household gets one)."""
    cycle = db.session.get(OrderCycle, cycle_id)
    if (cycle is not None and cycle.status == CycleStatus.OPEN
            and not services.due_subscriptions(cycle)):
        notifications.notify_cycle_open(cycle_id)


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
