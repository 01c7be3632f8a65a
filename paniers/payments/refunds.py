"""Refunds: written first as a row with a unique key, then sent to Stripe by a Celery task
with that key as idempotency key. A refund asked twice, or a task run twice, moves the
money once; a refund that Stripe reports and we did not ask for is recorded too.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update

from paniers.background import BrokerUnavailable, enqueue
from paniers.extensions import db
from paniers.notifications.services import notify_refund
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.payments import gateway, solidarity
from paniers.payments.models import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundStatus,
    RefundVia,
)
from paniers.payments.solidarity import LinePrice
from paniers.types import utcnow

log = logging.getLogger(__name__)
EXECUTE_TASK = "paniers.payments.tasks.execute_refund"


def requested_cents(payment: Payment) -> int:
    """Card refunds asked for this payment and not failed."""
    return sum(r.amount_cents for r in payment.refunds
               if r.via == RefundVia.CARD and r.status != RefundStatus.FAILED)


def request(payment: Payment, *, key: str, reason: RefundReason, amount_cents: int,
            solidarity_cents: int, order_line_id: int | None = None,
            now: datetime | None = None) -> Refund | None:
    """Write a refund once per key (``None`` if there is nothing to give back). Money paid
    online goes back by card (pending until the task runs); an amount due at pickup is
    lowered at once. The caller commits, then hands the card refunds to ``dispatch``."""
    if db.session.scalar(select(Refund.id).where(Refund.key == key)) is not None:
        return None
    if amount_cents <= 0 and solidarity_cents <= 0:
        return None
    by_card = payment.method == PaymentMethod.ONLINE
    refund = Refund(
        payment=payment, key=key, reason=reason, order_line_id=order_line_id,
        amount_cents=max(amount_cents, 0), solidarity_cents=solidarity_cents,
        via=RefundVia.CARD if by_card else RefundVia.DEDUCTION,
        status=RefundStatus.PENDING if by_card and amount_cents > 0 else RefundStatus.SUCCEEDED,
        created_dt=now or utcnow(),
    )
    if refund.status == RefundStatus.SUCCEEDED:
        refund.done_dt = refund.created_dt
    db.session.add(refund)
    db.session.flush()
    return refund


def dispatch(refund_ids: list[int]) -> None:
    """Hand committed card refunds to the workers; with the broker down, the periodic
    sweep sends them later (they wait as pending rows, nothing is lost)."""
    for refund_id in refund_ids:
        try:
            enqueue(EXECUTE_TASK, refund_id)
        except BrokerUnavailable:
            log.warning("refund %s waits for the sweep", refund_id)


def execute(refund_id: int) -> str:
    """Send one pending refund to Stripe (the Celery task's body)."""
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status != RefundStatus.PENDING:
        return "done" if refund else "missing"
    payment = refund.payment
    if not payment.stripe_payment_intent_id:
        refund.status, refund.error = RefundStatus.FAILED, "no payment intent"
        db.session.commit()
        return "failed"
    result = gateway.refund(  # raises GatewayError: the task retries with the same key
        payment.stripe_payment_intent_id, refund.amount_cents,
        idempotency_key=f"paniers-{payment.stripe_payment_intent_id}-{refund.key}",
        metadata={"order_id": str(payment.order_id), "refund_key": refund.key})
    if result.status in ("failed", "canceled"):
        refund.status, refund.error = RefundStatus.FAILED, result.status
        db.session.commit()
        return "failed"
    order_id, amount_cents = payment.order_id, refund.amount_cents
    _mark_succeeded(refund.id, result.id, refund.amount_cents, payment.id)
    db.session.commit()
    notify_refund(order_id, amount_cents, reference=str(refund_id))
    return "succeeded"


def _mark_succeeded(refund_id: int, stripe_id: str, amount_cents: int, payment_id: int) -> bool:
    """Once only, even if the task and the ``charge.refunded`` event race."""
    done = db.session.execute(
        update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.PENDING)
        .values(status=RefundStatus.SUCCEEDED, stripe_refund_id=stripe_id, done_dt=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    db.session.execute(
        update(Payment).where(Payment.id == payment_id)
        .values(refunded_cents=Payment.refunded_cents + amount_cents)
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return True


def record_provider_refund(payment: Payment, stripe_id: str, amount_cents: int,
                           refund_key: str | None) -> str:
    """A refund Stripe reports (``charge.refunded``): ours, confirmed; or one made outside
    Paniers, recorded so that paid = charged - refunded still holds."""
    if db.session.scalar(select(Refund.id).where(Refund.stripe_refund_id == stripe_id)):
        return "known"
    ours = db.session.scalar(select(Refund).where(Refund.key == refund_key)) if refund_key else None
    if ours is not None:
        _mark_succeeded(ours.id, stripe_id, ours.amount_cents, payment.id)
        return "confirmed"
    refund = Refund(payment=payment, key=f"stripe-{stripe_id}", reason=RefundReason.PROVIDER,
                    amount_cents=amount_cents, via=RefundVia.CARD, status=RefundStatus.PENDING,
                    stripe_refund_id=None)
    db.session.add(refund)
    db.session.flush()
    _mark_succeeded(refund.id, stripe_id, amount_cents, payment.id)
    return "recorded"


def refund_shortages(cycle_id: int, shortages: list[tuple[int, int]],
                     now: datetime | None = None) -> list[int]:
    """Refund what allocation could not serve: ``(order_line_id, refund_cents)`` pairs.

    Idempotent: each line is refunded up to its amount once, however often this runs
    (a re-run with a larger shortage refunds the difference). A solidarity basket's
    refund goes back to the household and to the fund in the shares they paid.
    Commits, hands the card refunds to the workers, and returns their ids."""
    now = now or utcnow()
    created: list[int] = []
    for line_id, refund_cents in shortages:
        line = db.session.get(OrderLine, line_id)
        if line is None or line.order.cycle_id != cycle_id:
            raise ValueError(f"order line {line_id} is not in cycle {cycle_id}")
        refund = _refund_line(line, refund_cents, now)
        if refund is not None and refund.status == RefundStatus.PENDING:
            created.append(refund.id)
    db.session.commit()
    dispatch(created)
    return created


def _refund_line(line: OrderLine, refund_cents: int, now: datetime) -> Refund | None:
    order: Order = line.order
    payment: Payment | None = order.payment
    if payment is None or order.status in (OrderStatus.CANCELLED,
                                           OrderStatus.AWAITING_PAYMENT):
        return None  # invoiced apart, or nothing to refund (cancelled, never paid)
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.DUE):
        return None
    refund_cents = min(refund_cents, line.total_cents)
    price = LinePrice(line.id, line.basket_format_id is not None, line.quantity,
                      line.unit_price_cents, line.total_cents)
    to_household, to_fund = solidarity.split_refund(refund_cents, price, payment.solidarity_pct)
    earlier = [r for r in payment.refunds
               if r.order_line_id == line.id and r.status != RefundStatus.FAILED]
    to_household -= sum(r.amount_cents for r in earlier)
    to_fund -= sum(r.solidarity_cents for r in earlier)
    if payment.method == PaymentMethod.ONLINE:
        to_household = min(to_household, payment.charged_cents - requested_cents(payment))
    if to_household <= 0 and to_fund <= 0:
        return None
    refund = request(payment, key=f"shortage-{line.id}-{refund_cents}",
                     reason=RefundReason.SHORTAGE, amount_cents=to_household,
                     solidarity_cents=max(to_fund, 0), order_line_id=line.id, now=now)
    if refund is not None:
        solidarity.give_back(payment.cycle_id, refund.solidarity_cents)
    return refund


def pending_ids(older_than: datetime) -> list[int]:
    return list(db.session.scalars(select(Refund.id).where(
        Refund.status == RefundStatus.PENDING, Refund.via == RefundVia.CARD,
        Refund.created_dt < older_than)))
