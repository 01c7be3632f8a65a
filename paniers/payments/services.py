"""Paying for orders, in the placing and cancelling use cases: how an order is paid
(online through Stripe Checkout, or at pickup), its solidarity share, and what a
cancellation gives back. The Checkout sessions themselves are ``paniers.payments.checkout``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask_babel import gettext as _

from paniers.accounts.models import User
from paniers.errors import ServiceError
from paniers.orders.models import Order, OrderStatus
from paniers.payments import checkout, gateway, refunds, solidarity
from paniers.payments.models import Payment, PaymentMethod, PaymentStatus, RefundReason
from paniers.payments.solidarity import LinePrice
from paniers.transaction import after_commit

RESERVATION = timedelta(minutes=35)  # from placement until the household opens Checkout


def online_enabled() -> bool:
    return gateway.enabled()


def payment_choice(value: str | None) -> PaymentMethod:
    """The method a household picked; online only when Stripe is configured."""
    if value == PaymentMethod.ONLINE and online_enabled():
        return PaymentMethod.ONLINE
    return PaymentMethod.AT_PICKUP


def line_prices(order: Order) -> list[LinePrice]:
    return [LinePrice(line.id, line.basket_format_id is not None, line.quantity,
                      line.unit_price_cents, line.total_cents) for line in order.lines]


def new_payment(order: Order, user: User, method: str, now: datetime) -> Payment | None:
    """Inside the placing transaction: the solidarity share, taken from the fund if it
    still has it (else the normal price), and how the order will be paid: the payment,
    for the caller to write with the order (it is not added to the session).

    Canteen orders are invoiced apart and get no payment."""
    if order.canteen_id is not None:
        return None
    chosen = PaymentMethod(method)
    if chosen == PaymentMethod.ONLINE and not online_enabled():
        raise ServiceError(_("Le paiement en ligne n'est pas disponible : payez au retrait."))
    pct, fund_cents = _solidarity_share(order, user)
    payment = Payment(
        order=order, cycle_id=order.cycle_id, method=chosen, status=PaymentStatus.DUE,
        amount_cents=order.total_cents - fund_cents, solidarity_cents=fund_cents,
        solidarity_pct=pct, created_dt=now,
    )
    if chosen == PaymentMethod.ONLINE and payment.amount_cents > 0:
        order.status = OrderStatus.AWAITING_PAYMENT
        payment.status = PaymentStatus.PENDING
        payment.expires_dt = now + RESERVATION
    return payment


def _solidarity_share(order: Order, user: User) -> tuple[int | None, int]:
    if not user.solidarity_eligible:
        return None, 0
    fund = solidarity.fund_of(order.cycle_id)
    if fund is None:
        return None, 0
    cents = sum(solidarity.fund_share_cents(line, fund.household_pct)
                for line in line_prices(order))
    if cents == 0 or not solidarity.take(order.cycle_id, cents):
        return None, 0  # no basket, or the fund ran out: the normal price applies
    return fund.household_pct, cents


def on_order_cancelled(order: Order, now: datetime) -> None:
    """Inside the cancelling transaction: the solidarity share back to the fund, and a full
    refund of what was paid online (sent to Stripe once committed)."""
    payment = order.payment
    if payment is None:
        return
    payment = checkout.locked(payment.id)
    if payment.status in (PaymentStatus.PENDING, PaymentStatus.DUE):
        payment.status, payment.expires_dt = PaymentStatus.CANCELLED, None
        solidarity.give_back(payment.cycle_id, payment.solidarity_cents)
        return
    if payment.status != PaymentStatus.PAID or payment.method != PaymentMethod.ONLINE:
        return
    given_back = sum(r.solidarity_cents for r in payment.refunds)
    solidarity.give_back(payment.cycle_id, payment.solidarity_cents - given_back)
    refund = refunds.request(
        payment, key=f"cancel-{payment.id}", reason=RefundReason.CANCELLATION,
        amount_cents=payment.charged_cents - refunds.requested_cents(payment),
        solidarity_cents=payment.solidarity_cents - given_back)
    if refund is not None:
        after_commit(partial(refunds.dispatch, [refund.id]))
