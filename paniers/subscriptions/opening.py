"""The hook the cycle calls when it opens: subscriptions become orders in the workers."""

from __future__ import annotations

import logging

from paniers.background import BrokerUnavailable, enqueue

log = logging.getLogger(__name__)
TASK = "paniers.subscriptions.tasks.open_cycle_for_subscribers"


def cycle_opened(cycle_id: int, delivery_date: str) -> None:
    """Queue the subscription orders of a cycle just opened (after its commit).

    With the broker down the cycle stays open and the sweep (beat) places them later.
    """
    try:
        enqueue(TASK, cycle_id, delivery_date)
    except BrokerUnavailable:
        log.warning("broker down: the sweep will place cycle %s's subscription orders",
                    cycle_id)
