"""Paying at pickup: the host records the money handed over (cash, cheque or Ménadel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from paniers.accounts.models import User
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.journal import services as journal
from paniers.orders.models import Order, OrderStatus
from paniers.payments.models import Payment, PaymentMethod, PaymentStatus, PickupMeans
from paniers.points.models import PickupPoint
from paniers.points.services import check_handing_out, hosted_point
from paniers.transaction import transaction
from paniers.types import utcnow

OWED = (OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.UNCLAIMED)


def means_labels() -> dict[str, str]:
    return {PickupMeans.CASH: _("espèces"), PickupMeans.CHEQUE: _("chèque"),
            PickupMeans.MENADEL: _("Ménadel")}


def record_pickup_payment(host: User, order_id: int, means: str,
                          now: datetime | None = None) -> Payment:
    """The host took the amount due for an order at their point."""
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None or order.payment is None:
            raise NotFound(_("Cette commande n'existe pas."))
        hosted_point(host, order.point_id)
        check_handing_out(order, host, now)
        if means not in set(PickupMeans):
            raise ServiceError(_("Choisissez espèces, chèque ou Ménadel."))
        payment: Payment = order.payment
        if payment.method != PaymentMethod.AT_PICKUP:
            raise ServiceError(_("Cette commande est payée en ligne."))
        done = db.session.execute(
            update(Payment).where(Payment.id == payment.id, Payment.status == PaymentStatus.DUE)
            .values(status=PaymentStatus.PAID, charged_cents=payment.due_cents, pickup_means=means,
                    recorded_by_id=host.id, paid_dt=now or utcnow())
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ServiceError(_("Le paiement de cette commande est déjà enregistré."))
        journal.record("payment.recorded", subject=order.point.name, cycle_id=order.cycle_id,
                       actor_id=host.id, order=order.id, amount_cents=payment.due_cents,
                       means=means)
    db.session.refresh(payment)
    return payment


@dataclass(frozen=True)
class UnpaidAtPoint:
    point: PickupPoint
    orders: int
    due_cents: int


def unpaid_by_point(cycle_id: int) -> list[UnpaidAtPoint]:
    """Per point, the orders to be paid at pickup whose payment is not recorded yet."""
    payments = db.session.scalars(
        select(Payment).join(Order, Payment.order_id == Order.id)
        .where(Payment.cycle_id == cycle_id, Payment.method == PaymentMethod.AT_PICKUP,
               Payment.status == PaymentStatus.DUE, Order.status.in_(OWED))
    ).all()
    totals: dict[int, list[int]] = {}
    for payment in payments:
        entry = totals.setdefault(payment.order.point_id, [0, 0])
        entry[0] += 1
        entry[1] += payment.due_cents
    points = {p.id: p for p in db.session.scalars(
        select(PickupPoint).where(PickupPoint.id.in_(totals)))}
    rows = [UnpaidAtPoint(points[pid], n, cents) for pid, (n, cents) in totals.items()]
    return sorted(rows, key=lambda row: (row.point.town, row.point.name))
