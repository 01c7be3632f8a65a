"""An order's status, and the only module that changes it after the order is placed.

    placed ──────────────► collected        (the host hands it out)
      │  ▲ └─────────────► unclaimed        (the evening closes without it)
      │  │ confirmed
      ▼  │
    awaiting payment ────► cancelled        (released: not paid in time, or refused)
      │
      └──────────────────► cancelled        (the household cancels before the cutoff)

Each move is one conditional update on the status it starts from, so two hosts tapping at
once, a webhook racing the reservation sweep, or a task run twice move an order once: the
function says whether the move happened, and the caller tells the user or does nothing.
Functions here only execute statements: the use case that calls them commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import update

from paniers.extensions import db
from paniers.orders.models import Order, OrderStatus

CANCELLABLE = (OrderStatus.PLACED, OrderStatus.AWAITING_PAYMENT)


def _move(order_ids: Iterable[int], from_: tuple[OrderStatus, ...], to: OrderStatus,
          **values: Any) -> int:
    ids = list(order_ids)
    if not ids:
        return 0
    moved = db.session.execute(
        update(Order).where(Order.id.in_(ids), Order.status.in_(from_))
        .values(status=to, **values).execution_options(synchronize_session=False))
    return int(moved.rowcount)  # type: ignore[attr-defined]


def confirm_paid(order_id: int) -> bool:
    """Awaiting its online payment → placed (the money is in, or it will be paid at pickup)."""
    return _move([order_id], (OrderStatus.AWAITING_PAYMENT,), OrderStatus.PLACED) == 1


def release_unpaid(order_id: int, now: datetime) -> bool:
    """Awaiting its online payment → cancelled (not paid in time, or the payment failed)."""
    return _move([order_id], (OrderStatus.AWAITING_PAYMENT,), OrderStatus.CANCELLED,
                 cancelled_dt=now) == 1


def cancel(order_id: int, now: datetime) -> bool:
    """Placed or awaiting payment → cancelled (the household, before the cutoff)."""
    return _move([order_id], CANCELLABLE, OrderStatus.CANCELLED, cancelled_dt=now) == 1


def collect(order_id: int, by_user_id: int, now: datetime) -> bool:
    """Placed → collected, by the host who handed it out."""
    return _move([order_id], (OrderStatus.PLACED,), OrderStatus.COLLECTED, collected_dt=now,
                 collected_by_id=by_user_id) == 1


def uncollect(order_id: int) -> bool:
    """Collected → placed: the host checked the wrong name off, during the evening."""
    return _move([order_id], (OrderStatus.COLLECTED,), OrderStatus.PLACED, collected_dt=None,
                 collected_by_id=None) == 1


def reopen_unclaimed(order_ids: Iterable[int]) -> int:
    """Unclaimed → placed: a coordinator reopened the evening."""
    return _move(order_ids, (OrderStatus.UNCLAIMED,), OrderStatus.PLACED)


def mark_unclaimed(order_ids: Iterable[int]) -> int:
    """Placed → unclaimed (the evening closed without them); how many moved."""
    return _move(order_ids, (OrderStatus.PLACED,), OrderStatus.UNCLAIMED)
