"""The relay host's evening: the orders to hand out, and checking them off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from paniers.accounts.models import Role, User
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import db
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.points.models import PickupPoint
from paniers.types import utcnow

HANDED_OUT = (OrderStatus.PLACED, OrderStatus.COLLECTED)


@dataclass(frozen=True)
class PickupSheet:
    point: PickupPoint
    orders: list[Order]

    @property
    def collected(self) -> int:
        return sum(1 for order in self.orders if order.status == OrderStatus.COLLECTED)

    @property
    def remaining(self) -> int:
        return len(self.orders) - self.collected


def hosted_point(user: User, point_id: int | None = None) -> PickupPoint:
    """The point a host keeps; coordinators may look at any point."""
    if user.role == Role.COORDINATOR and point_id is not None:
        point = db.session.get(PickupPoint, point_id)
    elif user.role == Role.RELAY_HOST and user.point_id is not None:
        if point_id is not None and point_id != user.point_id:
            raise Forbidden(_("Vous ne voyez que les commandes de votre point relais."))
        point = db.session.get(PickupPoint, user.point_id)
    else:
        raise Forbidden(_("Cette page est réservée aux hôtes des points relais."))
    if point is None:
        raise NotFound(_("Ce point de retrait n'existe pas."))
    return point


def pickup_sheet(user: User, cycle_id: int, point_id: int | None = None) -> PickupSheet:
    point = hosted_point(user, point_id)
    orders = db.session.scalars(
        select(Order)
        .where(Order.cycle_id == cycle_id, Order.point_id == point.id,
               Order.status.in_(HANDED_OUT))
        .options(selectinload(Order.lines).selectinload(OrderLine.basket_format),
                 selectinload(Order.lines).selectinload(OrderLine.product),
                 selectinload(Order.user))
    ).all()
    ordered = sorted(orders, key=lambda o: (o.user.name.casefold(), o.id))
    return PickupSheet(point=point, orders=ordered)


def check_off(user: User, order_id: int, now: datetime | None = None) -> Order:
    """Mark an order handed over. Two hosts tapping at once: the second is told."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(_("Cette commande n'existe pas."))
    hosted_point(user, order.point_id)
    done = db.session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status == OrderStatus.PLACED)
        .values(status=OrderStatus.COLLECTED, collected_dt=now or utcnow(),
                collected_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError(_("Cette commande a déjà été remise."))
    db.session.refresh(order)
    return order
