"""The relay host's evening: the orders to hand out, and checking them off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from paniers.accounts.models import Role, User
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import PARIS, CycleStatus
from paniers.delivery.models import Route, RouteStop
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import db
from paniers.formatting import long_date, short_time
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


def handing_out_from(cycle: OrderCycle, point_id: int) -> datetime:
    """When baskets can be handed out at a point: the van's planned arrival there, else
    the start of the delivery day (Paris time)."""
    stop = db.session.scalar(select(RouteStop).join(Route).where(
        Route.cycle_id == cycle.id, RouteStop.point_id == point_id))
    if stop is not None:
        return stop.arrives_dt.astimezone(PARIS)
    return datetime.combine(cycle.delivery_date, time(0, 0), PARIS)


def check_handing_out(order: Order, user: User, now: datetime | None = None) -> None:
    """Baskets are handed out, and paid at pickup, on the delivery day from the van's
    arrival; afterwards only a coordinator corrects."""
    cycle = order.cycle
    if cycle.status in (CycleStatus.DRAFT, CycleStatus.OPEN):
        raise ServiceError(_("Les commandes de la semaine sont encore ouvertes : "
                             "les paniers se remettent après la livraison."))
    now = (now or utcnow()).astimezone(PARIS)
    start = handing_out_from(cycle, order.point_id)
    if now < start:
        if start.time() == time(0, 0):
            raise ServiceError(_("Les paniers de la livraison du %(date)s se remettent ce "
                                 "jour-là, pas avant.", date=long_date(cycle.delivery_date)))
        raise ServiceError(_("Les paniers de la livraison du %(date)s se remettent ce jour-là, "
                             "à partir de l'arrivée de la camionnette (%(time)s).",
                             date=long_date(cycle.delivery_date), time=short_time(start)))
    if now.date() > cycle.delivery_date and user.role != Role.COORDINATOR:
        raise ServiceError(_("La livraison du %(date)s est passée : seule la coordination "
                             "peut encore corriger.", date=long_date(cycle.delivery_date)))


def check_off(user: User, order_id: int, now: datetime | None = None) -> Order:
    """Mark an order handed over. Two hosts tapping at once: the second is told."""
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None:
            raise NotFound(_("Cette commande n'existe pas."))
        hosted_point(user, order.point_id)
        check_handing_out(order, user, now)
        if not lifecycle.collect(order_id, user.id, now or utcnow()):
            raise ServiceError(_("Cette commande a déjà été remise."))
    db.session.refresh(order)
    return order


def undo_check_off(user: User, order_id: int, now: datetime | None = None) -> Order:
    """Give back a check-off made by mistake, while the evening is still open."""
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None:
            raise NotFound(_("Cette commande n'existe pas."))
        point = hosted_point(user, order.point_id)
        check_handing_out(order, user, now)
        if evening_of(order.point_id, order.cycle_id) is not None:
            raise ServiceError(_("La soirée est close : demandez à la coordination de la "
                                 "rouvrir."))
        if not lifecycle.uncollect(order_id):
            raise ServiceError(_("Cette commande n'est pas marquée remise."))
        journal.record("pickup.undone", subject=point.name, cycle_id=order.cycle_id,
                       actor_id=user.id, order=order.id)
    db.session.refresh(order)
    return order


def pickup_opens(cycle: OrderCycle, point: PickupPoint) -> datetime:
    """The start of the point's pickup window on the delivery day (Paris time)."""
    minutes = point.pickup_start_min if point.pickup_start_min is not None else 0
    return datetime.combine(cycle.delivery_date, time(minutes // 60, minutes % 60), PARIS)


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
    opens = pickup_opens(cycle, point)
    if (now or utcnow()).astimezone(PARIS) < opens:
        raise ServiceError(_("La soirée se clôt une fois la fenêtre de retrait commencée : "
                             "le %(date)s à partir de %(time)s.",
                             date=long_date(cycle.delivery_date), time=short_time(opens)))
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


def reopen_evening(user: User, cycle_id: int, point_id: int) -> int:
    """A coordinator reopens a closed evening: its baskets not collected are to hand out
    again. How many orders went back to the list."""
    if user.role != Role.COORDINATOR:
        raise Forbidden(_("Seule la coordination rouvre une soirée close."))
    with transaction():
        point = hosted_point(user, point_id)
        cycle = db.session.get(OrderCycle, cycle_id)
        evening = evening_of(point.id, cycle_id)
        if cycle is None or evening is None:
            raise ServiceError(_("Cette soirée n'est pas close."))
        unclaimed = list(db.session.scalars(select(Order.id).where(
            Order.cycle_id == cycle_id, Order.point_id == point.id,
            Order.status == OrderStatus.UNCLAIMED).with_for_update()))
        back = lifecycle.reopen_unclaimed(unclaimed)
        db.session.delete(evening)
        journal.record("evening.reopened", subject=point.name, cycle_id=cycle_id,
                       actor_id=user.id, date=cycle.delivery_date.isoformat())
    return back
