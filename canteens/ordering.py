"""From a planned week to orders: the canteen's lines in the week's cycle, what is bought
elsewhere, and the demand the farms can expect from the canteens' plans.

What a week needs is the planned dishes' grams per child times the forecast
portions of each day, summed and rounded up to the product's unit
(:func:`canteens.menu_planner.report.week_orders`). Only what the farms of Paniers
declared in the cycle is ordered through it; the rest is listed "hors circuit"
with its estimated cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from canteens import menus, services
from canteens.menu_planner.catalogue import Catalogue
from canteens.menu_planner.data import week_of
from canteens.menu_planner.report import week_orders
from canteens.models import Canteen, OutsidePurchase, StoredPlan, WeekOrder
from paniers.accounts.models import User
from paniers.cycles.models import OrderCycle, ProductStock
from paniers.cycles.states import CycleStatus
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.models import OrderSource, OrderStatus
from paniers.transaction import transaction
from producers.models import Product
from producers.units import value_cents


@dataclass(frozen=True)
class Need:
    """A product the week needs: how much is ordered in the cycle and how much elsewhere."""

    product: str
    unit: str
    needed: int
    in_cycle: int
    outside: int
    outside_reason: str  # '', 'bought_in', 'not_offered' or 'short'
    outside_cents: int
    product_id: int | None = None


def week_needs(canteen: Canteen, stored: StoredPlan, monday: date,
               catalogue: Catalogue | None = None) -> dict[str, int]:
    """Base amounts by product for the plan's meals of the week of ``monday``."""
    catalogue = catalogue or services.stored_catalogue(with_retired=True)
    meals = menus.plain_meals(stored, catalogue)
    days = [m.date for m in meals if services.monday_of(m.date) == monday]
    portions = {day: f.portions for day, f in services.forecasts(canteen, days).items()}
    return week_orders(meals, week_of(monday), catalogue.products, portions)


def open_cycle() -> OrderCycle:
    cycle = db.session.scalar(select(OrderCycle).where(OrderCycle.status == CycleStatus.OPEN)
                              .order_by(OrderCycle.delivery_date))
    if cycle is None:
        raise ServiceError(_("Aucun cycle n'est ouvert aux commandes en ce moment."))
    return cycle


def split_needs(canteen: Canteen, stored: StoredPlan, cycle: OrderCycle) -> list[Need]:
    """The week ``cycle``'s delivery feeds (the next one): in the cycle what is left on offer,
    the rest outside."""
    catalogue = services.stored_catalogue(with_retired=True)
    needs = week_needs(canteen, stored, services.meals_monday(cycle.delivery_date), catalogue)
    farm = {p.name: p for p in db.session.scalars(select(Product))}
    stocks = {s.product_id: s for s in db.session.scalars(
        select(ProductStock).where(ProductStock.cycle_id == cycle.id))}
    found = []
    for name, amount in needs.items():
        plain = catalogue.products[name]
        product = farm.get(name)
        if product is None:
            found.append(Need(name, plain.unit, amount, 0, amount, "bought_in",
                              value_cents(amount, plain.price_cents, plain.unit)))
            continue
        stock = stocks.get(product.id)
        left = stock.declared - stock.sold if stock is not None else 0
        take = max(0, min(amount, left))
        reason = "" if take == amount else ("short" if left > 0 else "not_offered")
        found.append(Need(name, product.unit, amount, take, amount - take, reason,
                          value_cents(amount - take, plain.price_cents, plain.unit), product.id))
    return found


def week_order_of(canteen: Canteen, monday: date) -> WeekOrder | None:
    return db.session.scalar(select(WeekOrder).where(
        WeekOrder.canteen_id == canteen.id, WeekOrder.week_start == monday))


def order_planned_week(user: User, now: datetime | None = None) -> WeekOrder:
    """Turn the week the open cycle feeds (the one after its delivery) into the canteen's
    order in that cycle.

    One order per canteen and week: a second click is refused, unless the first
    order was cancelled. What the farms did not offer is recorded as bought outside.
    """
    canteen = services.canteen_of(user)
    cycle = open_cycle()
    monday = services.meals_monday(cycle.delivery_date)
    stored = menus.plan_for_week(canteen, monday)
    if stored is None:
        raise ServiceError(_("Aucun plan de menus ne couvre la semaine du cycle ouvert."))
    try:
        with transaction():  # the week order and the canteen's order in the cycle, or neither
            return _order_week(user, canteen, cycle, stored, monday, now)
    except IntegrityError as error:  # the same week ordered by a click in parallel
        raise ServiceError(_("La commande de cette semaine est déjà passée.")) from error


def _order_week(user: User, canteen: Canteen, cycle: OrderCycle, stored: StoredPlan,
                monday: date, now: datetime | None) -> WeekOrder:
    existing = week_order_of(canteen, monday)
    if existing is not None:
        if existing.order is not None and existing.order.status != OrderStatus.CANCELLED:
            raise ServiceError(_("La commande de cette semaine est déjà passée "
                                 "(commande n° %(id)d).", id=existing.order.id))
        db.session.delete(existing)
        db.session.flush()
    needs = split_needs(canteen, stored, cycle)
    week_order = WeekOrder(canteen_id=canteen.id, week_start=monday, plan_id=stored.id,
                           cycle_id=cycle.id)
    for need in needs:
        if need.outside:
            week_order.outside.append(OutsidePurchase(
                product=need.product, unit=need.unit, quantity=need.outside,
                value_cents=need.outside_cents, reason=need.outside_reason))
    db.session.add(week_order)
    cart = {n.product_id: n.in_cycle for n in needs if n.in_cycle and n.product_id}
    if cart:
        placed = orders.place_order(user, cycle.id, canteen.point_id, orders.Cart({}, cart),
                                    now=now, source=OrderSource.CANTEEN)
        week_order.order_id = placed.id
    db.session.flush()  # the unique (canteen, week) is checked here, inside the transaction
    return week_order


@dataclass(frozen=True)
class DemandRow:
    product: str
    unit: str
    by_week: dict[date, int]


def expected_demand(today: date, weeks: int = 6) -> tuple[list[date], list[DemandRow]]:
    """The farm products the canteens' plans need, by week, from this week on."""
    mondays = [services.monday_of(today) + timedelta(weeks=n) for n in range(weeks)]
    catalogue = services.stored_catalogue(with_retired=True)
    farm = {p.name: p for p in db.session.scalars(select(Product))}
    totals: dict[str, dict[date, int]] = {}
    for canteen in db.session.scalars(select(Canteen).order_by(Canteen.id)):
        for monday in mondays:
            stored = menus.plan_for_week(canteen, monday)
            if stored is None:
                continue
            for name, amount in week_needs(canteen, stored, monday, catalogue).items():
                if name in farm:
                    row = totals.setdefault(name, {})
                    row[monday] = row.get(monday, 0) + amount
    rows = [DemandRow(name, farm[name].unit, by_week) for name, by_week in sorted(totals.items())]
    return mondays, rows
