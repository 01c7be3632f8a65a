"""Stripe Checkout sessions: opening one for an order, leaving it for payment at pickup,
and bringing a payment in line with what Stripe says of its session (webhooks, the
reservation sweep, a cancellation): what happens to an order's reservation when its
payment succeeds, fails or never comes.

An online order is ``awaiting`` from its placement: its stock and solidarity share are
taken, and only the provider's word (a webhook, or the session's state read back from
Stripe) confirms it; the return page never does. Money that arrives for an order that
can no longer be served is refunded in full, so that no payment stays without an order.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select

from paniers import stock
from paniers.accounts.models import User
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.formatting import amount
from paniers.orders import lifecycle
from paniers.orders.models import Order, OrderStatus
from paniers.payments import gateway, refunds, solidarity
from paniers.payments.models import Payment, PaymentMethod, PaymentStatus, RefundReason
from paniers.transaction import after_commit, transaction
from paniers.types import utcnow

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(minutes=31)  # Stripe's shortest is 30 minutes
# An order paid while its cycle is still before allocation is served; after, refunded.
CONFIRMABLE = (CycleStatus.OPEN, CycleStatus.CLOSED)


def own_payment(user: User, order_id: int) -> Payment:
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != user.id or order.payment is None:
        raise NotFound(_("Cette commande n'existe pas."))
    return order.payment  # type: ignore[no-any-return]


def checkout_lines(payment: Payment) -> list[gateway.CheckoutLine]:
    """The order's lines at what the household pays (its share for a solidarity basket)."""
    lines = []
    for line in payment.order.lines:
        if line.basket_format is not None:
            unit = line.unit_price_cents
            name = line.basket_format.label
            if payment.solidarity_pct is not None:
                unit = solidarity.household_unit_cents(unit, payment.solidarity_pct)
                name = _("%(basket)s (panier solidaire)", basket=name)
            lines.append(gateway.CheckoutLine(name, unit, line.quantity))
        else:
            name = f"{amount(line.quantity, line.product.unit)} {line.product.name}"
            lines.append(gateway.CheckoutLine(name, line.total_cents, 1))
    return lines


def checkout_key(payment: Payment) -> str:
    """Unique at Stripe across databases (order ids are not): the placement's instant."""
    return f"paniers-checkout-{payment.order_id}-{payment.created_dt.timestamp():.6f}"


def start_checkout(user: User, order_id: int, *, success_url: str, cancel_url: str,
                   now: datetime | None = None) -> str:
    """The Stripe Checkout address where the household pays this order (one session per
    order: a second click gets the same one)."""
    now = now or utcnow()
    payment = own_payment(user, order_id)
    if payment.status != PaymentStatus.PENDING:
        raise ServiceError(_("Cette commande n'attend plus de paiement en ligne."))
    if payment.stripe_session_id and payment.checkout_url:
        return payment.checkout_url
    try:
        session = gateway.create_checkout_session(
            payment.order_id, checkout_lines(payment), success_url=success_url,
            cancel_url=cancel_url, expires_at=now + SESSION_LIFETIME, email=user.email,
            idempotency_key=checkout_key(payment),
        )
    except gateway.GatewayError as error:
        log.error("%s", error)
        raise ServiceError(_("Le paiement en ligne ne répond pas. Réessayez dans un instant "
                             "ou choisissez de payer au retrait.")) from error
    with transaction():
        payment.stripe_session_id = session.id
        payment.checkout_url = session.url
        payment.expires_dt = now + SESSION_LIFETIME + timedelta(minutes=4)
    return session.url


def pay_at_pickup_instead(user: User, order_id: int, now: datetime | None = None) -> Payment:
    """An online order not paid yet becomes an order paid at pickup (if its session can
    still be closed: money already taken stays an online payment)."""
    payment = own_payment(user, order_id)
    if payment.stripe_session_id and payment.status == PaymentStatus.PENDING:
        try:
            session = gateway.expire_session(payment.stripe_session_id)
        except gateway.GatewayError as error:
            log.error("%s", error)
            raise ServiceError(_("Le paiement en ligne ne répond pas. Réessayez dans un "
                                 "instant.")) from error
        if session.payment_status == "paid":  # paid meanwhile: it stays paid online
            with transaction():  # recorded even though the change asked for is refused
                after_commit(partial(refunds.dispatch, apply_session(session, now)))
    with transaction():
        payment = locked(payment.id)
        if payment.status != PaymentStatus.PENDING or not lifecycle.confirm_paid(
                payment.order_id):
            raise ServiceError(_("Cette commande n'attend plus de paiement en ligne."))
        payment.method, payment.status, payment.expires_dt = (
            PaymentMethod.AT_PICKUP, PaymentStatus.DUE, None)
    return payment


def locked(payment_id: int) -> Payment:
    """The payment row, locked for the rest of the transaction, as it is now."""
    payment = db.session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update()
        .execution_options(populate_existing=True))
    assert payment is not None
    return payment


def apply_session(session: gateway.CheckoutSession, now: datetime | None = None,
                  *, debit_failed: bool = False) -> list[int]:
    """Bring a payment in line with its Checkout Session as Stripe reports it now; return
    the refunds to run once committed. Idempotent and monotone: a paid payment never goes
    back, so events may come twice and in any order. A delayed debit that failed looks
    like one in progress in the session: ``debit_failed`` says which. The caller commits."""
    now = now or utcnow()
    found = db.session.scalar(select(Payment.id).where(
        Payment.stripe_session_id == session.id))
    if found is None and session.order_id is not None:
        found = db.session.scalar(select(Payment.id).where(
            Payment.order_id == session.order_id))
    if found is None:
        log.error("checkout session %s matches no order", session.id)
        return []
    payment = locked(found)
    payment.stripe_session_id = payment.stripe_session_id or session.id
    if session.payment_status == "paid":
        return _confirm(payment, session, now)
    if session.status == "expired":
        release(payment, PaymentStatus.EXPIRED, now)
    elif session.status == "complete" and debit_failed:  # a delayed debit that failed
        release(payment, PaymentStatus.FAILED, now)
    elif session.status == "complete":  # a delayed method (bank debit) still in progress
        payment.expires_dt = None
        payment.last_error = ""
    return []


def _confirm(payment: Payment, session: gateway.CheckoutSession, now: datetime) -> list[int]:
    if payment.charged_cents > 0 or payment.method != PaymentMethod.ONLINE:
        return []  # already recorded
    payment.charged_cents = session.amount_total_cents
    payment.stripe_payment_intent_id = session.payment_intent_id
    payment.paid_dt, payment.expires_dt, payment.last_error = now, None, ""
    cycle = db.session.get(OrderCycle, payment.cycle_id)
    confirmed = (cycle is not None and cycle.status in CONFIRMABLE
                 and lifecycle.confirm_paid(payment.order_id))
    if confirmed and payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.PAID
        return []
    # Paid for an order that was released (expired, cancelled) or that allocation has
    # passed by: it cannot be served, so the money goes back in full.
    release(payment, PaymentStatus.CANCELLED, now)
    payment.status = PaymentStatus.PAID
    refund = refunds.request(payment, key=f"late-{payment.id}", reason=RefundReason.LATE_PAYMENT,
                             amount_cents=payment.charged_cents, solidarity_cents=0)
    return [refund.id] if refund is not None else []


def release(payment: Payment, status: PaymentStatus, now: datetime) -> None:
    """An online order not paid: its stock and solidarity share go back, it is cancelled."""
    if payment.status != PaymentStatus.PENDING:
        return
    payment.status = status
    payment.expires_dt = None
    if lifecycle.release_unpaid(payment.order_id, now):
        db.session.expire(payment.order)
        # The lock order of placing (paniers.stock): the fund, then the stock.
        solidarity.give_back(payment.cycle_id, payment.solidarity_cents)
        stock.give_back(payment.cycle_id, payment.order.lines)


def close_checkout(order: Order) -> bool:
    """Inside the cancelling transaction, first: close the session of an online order not
    paid yet at Stripe, so that nobody pays an order that no longer exists. If it was paid
    meanwhile, the payment is recorded and the cancellation refunds it; if the session
    had expired unpaid, the order is released here: True, nothing is left to cancel."""
    payment = order.payment
    if payment is None or payment.status != PaymentStatus.PENDING or not payment.stripe_session_id:
        return False
    try:
        session = gateway.expire_session(payment.stripe_session_id)
    except gateway.GatewayError as error:
        log.error("%s", error)
        raise ServiceError(_("Le paiement en ligne ne répond pas : réessayez d'annuler dans "
                             "un instant.")) from error
    after_commit(partial(refunds.dispatch, apply_session(session)))
    return db.session.scalar(select(Order.status).where(Order.id == order.id)) == (
        OrderStatus.CANCELLED)


def expire_reservations(now: datetime | None = None) -> list[int]:
    """Release online orders whose payment did not come in time (the Stripe session is
    closed first; if it was paid after all, the payment is recorded instead)."""
    now = now or utcnow()
    due = db.session.scalars(select(Payment.id).where(
        Payment.status == PaymentStatus.PENDING, Payment.expires_dt.is_not(None),
        Payment.expires_dt < now)).all()
    released = []
    for payment_id in due:
        payment = db.session.scalar(select(Payment).where(Payment.id == payment_id)
                                    .execution_options(populate_existing=True))
        if payment is None or payment.status != PaymentStatus.PENDING:
            continue
        try:
            session = (gateway.expire_session(payment.stripe_session_id)
                       if payment.stripe_session_id else None)
        except gateway.GatewayError as error:
            log.warning("%s: will try again", error)
            continue
        with transaction():
            if session is None:
                release(locked(payment_id), PaymentStatus.EXPIRED, now)
            else:
                after_commit(partial(refunds.dispatch, apply_session(session, now)))
        released.append(payment_id)
    return released
