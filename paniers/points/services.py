"""The relay host's evening: the orders to hand out, and checking them off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from paniers.accounts.models import Role, User
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import PARIS, CycleStatus
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import db
from paniers.journal import services as journal
from paniers.notifications import services as notifications
from paniers.orders import lifecycle
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.points.models import EveningOutcome, PickupEvening, PickupPoint
from paniers.transaction import transaction
from paniers.types import utcnow

HANDED_OUT = (OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.UNCLAIMED)


@dataclass(frozen=True)
class PickupSheet:
    point: PickupPoint
    orders: list[Order]

    @property
    def collected(self) -> int:
        return sum(1 for order in self.orders if order.status == OrderStatus.COLLECTED)

    @property
    def remaining(self) -> int:
        return sum(1 for order in self.orders if order.status == OrderStatus.PLACED)

    @property
    def unclaimed(self) -> int:
        return sum(1 for order in self.orders if order.status == OrderStatus.UNCLAIMED)


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


def check_handing_out(order: Order) -> None:
    """Baskets are handed out, and paid at pickup, only once the week's orders are closed."""
    if order.cycle.status in (CycleStatus.DRAFT, CycleStatus.OPEN):
        raise ServiceError(_("Les commandes de la semaine sont encore ouvertes : "
                             "les paniers se remettent après la livraison."))


def check_off(user: User, order_id: int, now: datetime | None = None) -> Order:
    """Mark an order handed over. Two hosts tapping at once: the second is told."""
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None:
            raise NotFound(_("Cette commande n'existe pas."))
        hosted_point(user, order.point_id)
        check_handing_out(order)
        if not lifecycle.collect(order_id, user.id, now or utcnow()):
            raise ServiceError(_("Cette commande a déjà été remise."))
    db.session.refresh(order)
    return order


def evening_of(point_id: int, cycle_id: int) -> PickupEvening | None:
    return db.session.scalar(select(PickupEvening).where(
        PickupEvening.point_id == point_id, PickupEvening.cycle_id == cycle_id))


def close_evening(user: User, cycle_id: int, outcome: str, note: str = "",
                  point_id: int | None = None, now: datetime | None = None) -> PickupEvening:
    """After the window: orders not collected become unclaimed, their households are told,
    and what happens to the baskets is recorded. Once per point and cycle."""
    with transaction():
        evening, missed = _close(user, cycle_id, outcome, note, point_id, now)
    for order_id in missed:
        notifications.notify_missed_pickup(order_id)
    return evening


def _close(user: User, cycle_id: int, outcome: str, note: str, point_id: int | None,
           now: datetime | None) -> tuple[PickupEvening, list[int]]:
    point = hosted_point(user, point_id)
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    if cycle.status in (CycleStatus.DRAFT, CycleStatus.OPEN):
        raise ServiceError(_("Les commandes de la semaine sont encore ouvertes : "
                             "la soirée se clôt après la livraison."))
    if (now or utcnow()).astimezone(PARIS).date() < cycle.delivery_date:
        raise ServiceError(_("La livraison n'a pas encore eu lieu : "
                             "la soirée se clôt le jour de la livraison, pas avant."))
    if outcome not in tuple(EveningOutcome):
        raise ServiceError(_("Dites ce que deviennent les paniers non retirés."))
    if evening_of(point.id, cycle_id) is not None:
        raise ServiceError(_("La soirée de ce point est déjà close."))
    evening = PickupEvening(point_id=point.id, cycle_id=cycle_id, closed_by_id=user.id,
                            closed_dt=now or utcnow(), outcome=outcome, note=note.strip()[:500])
    try:
        db.session.add(evening)
        db.session.flush()  # the unique (point, cycle): a second host closing at once fails here
    except IntegrityError:
        raise ServiceError(_("La soirée de ce point est déjà close.")) from None
    at_point = (Order.cycle_id == cycle_id, Order.point_id == point.id)
    missed = list(db.session.scalars(select(Order.id).where(
        *at_point, Order.status == OrderStatus.PLACED).with_for_update()))
    lifecycle.mark_unclaimed(missed)
    evening.unclaimed = len(missed)
    evening.collected = db.session.scalar(select(func.count(Order.id)).where(
        *at_point, Order.status == OrderStatus.COLLECTED)) or 0
    if not missed:
        evening.outcome = EveningOutcome.NONE
    journal.record("evening.closed", subject=point.name, cycle_id=cycle_id, actor_id=user.id,
                   date=cycle.delivery_date.isoformat(), collected=evening.collected,
                   unclaimed=evening.unclaimed)
    return evening, missed
