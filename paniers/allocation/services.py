"""Allocating a closed cycle: read the week, run the pure optimiser, store its plan.

Running it again replaces the previous plan in one transaction (hand-set basket
contents are kept), so a job interrupted and run again ends in the same state.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from paniers.allocation import diagnoses
from paniers.allocation.models import AllocationLine, BasketItem, Shortage
from paniers.allocation.optimiser import week
from paniers.allocation.optimiser.plan import plan_week
from paniers.background import enqueue
from paniers.cycles.models import BasketFormat, OrderCycle
from paniers.cycles.states import CycleStatus, TransitionError, check_move
from paniers.delivery.models import Route, UnservedPoint
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.jobs.models import CycleJob
from paniers.jobs.runner import Progress
from paniers.journal import services as journal
from paniers.notifications.services import notify_shortages
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Farm, Product, SupplyOffer
from producers.units import weight_g

LIVE = (OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.UNCLAIMED)


def _no_progress(_pct: int, _step: str) -> None:
    return None


def week_input(cycle: OrderCycle) -> tuple[
    list[week.Product], list[week.Offer], list[week.BasketFormat], list[week.DemandLine],
    dict[int, list[tuple[int, int]]],
]:
    """The cycle's products, offers, formats, demand lines and hand-set contents, as plain data."""
    month = cycle.delivery_date.month
    offers = db.session.scalars(
        select(SupplyOffer).join(Farm).join(Product)
        .where(SupplyOffer.cycle_id == cycle.id, SupplyOffer.quantity > 0,
               Farm.active.is_(True), Product.active.is_(True))  # deactivated: not allocated
        .order_by(SupplyOffer.id)
    ).all()
    orders = db.session.scalars(
        select(Order).where(Order.cycle_id == cycle.id, Order.status.in_(LIVE))
        .options(selectinload(Order.lines))  # one query for all lines, not one per order
        .order_by(Order.placed_dt, Order.id)
    ).all()
    demand = [
        week.DemandLine(
            id=line.id, order_id=order.id, priority_class=str(order.source), placed_rank=rank,
            quantity=line.quantity, unit_price_cents=line.unit_price_cents,
            product_id=line.product_id, format_id=line.basket_format_id,
        )
        for rank, order in enumerate(orders) for line in order.lines
    ]
    product_ids = {o.product_id for o in offers} | {d.product_id for d in demand if d.product_id}
    products = [
        week.Product(p.id, p.name, p.unit, p.unit_weight_g, p.category, p.in_season(month))
        for p in db.session.scalars(select(Product).where(Product.id.in_(product_ids)))
    ]
    formats = [
        week.BasketFormat(f.id, f.code, f.price_cents, f.target_weight_g, f.min_products)
        for f in cycle.formats
    ]
    fixed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for item in db.session.scalars(
        select(BasketItem).where(BasketItem.cycle_id == cycle.id, BasketItem.fixed.is_(True))
    ):
        fixed[item.basket_format_id].append((item.product_id, item.quantity))
    plain_offers = [
        week.Offer(o.id, o.farm_id, o.product_id, o.quantity, o.price_cents, o.farm.distance_m)
        for o in offers
    ]
    return products, plain_offers, formats, demand, dict(fixed)


def allocate_cycle(cycle_id: int, progress: Progress = _no_progress) -> week.WeekPlan:
    """Compose the baskets and allocate the supply of a closed cycle; store the plan."""
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    try:
        check_move(cycle.status, CycleStatus.ALLOCATED)
    except TransitionError as error:
        raise ServiceError(_("Le cycle doit être clos avant la répartition.")) from error
    if cycle.published_dt is not None:
        raise ServiceError(_("La répartition est publiée : elle ne peut plus être relancée."))
    progress(10, "reading_week")
    products, offers, formats, demand, fixed = week_input(cycle)
    progress(30, "allocating")
    plan = plan_week(products, offers, formats, demand, fixed)
    progress(80, "saving_plan")
    _store(cycle, plan, fixed)
    return plan


def allocate_for_job(job: CycleJob, progress: Progress) -> dict[str, Any]:
    """The allocation job's work: allocate its cycle; what its page shows once done."""
    plan = allocate_cycle(job.cycle_id, progress)
    return {
        "max_share_gap_pct": plan.max_share_gap_pct,
        "shortages": len(plan.shortages),
        "refund_cents": sum(line.refund_cents for line in plan.shortages),
        "diagnoses": [diagnoses.stored(d, _units()) for d in plan.diagnoses],
    }


def _units() -> dict[int, str]:
    return dict(db.session.execute(select(Product.id, Product.unit)).tuples().all())


@transaction()
def _store(cycle: OrderCycle, plan: week.WeekPlan, fixed: dict[int, list[tuple[int, int]]]) -> None:
    db.session.scalar(  # lock the cycle while its plan is replaced
        select(OrderCycle.id).where(OrderCycle.id == cycle.id).with_for_update()
    )
    for model in (AllocationLine, Shortage, UnservedPoint):
        db.session.execute(delete(model).where(model.cycle_id == cycle.id))
    db.session.execute(delete(BasketItem).where(BasketItem.cycle_id == cycle.id))
    for route in db.session.scalars(select(Route).where(Route.cycle_id == cycle.id)):
        db.session.delete(route)  # new baskets, new rounds
    for composition in plan.compositions:
        for item in composition.items:
            db.session.add(BasketItem(
                cycle_id=cycle.id, basket_format_id=composition.format_id,
                product_id=item.product_id, quantity=item.quantity,
                value_cents=item.value_cents, weight_g=item.weight_g,
                fixed=composition.format_id in fixed))
    for allocation in plan.allocations:
        db.session.add(AllocationLine(cycle_id=cycle.id, offer_id=allocation.offer_id,
                                      order_line_id=allocation.demand_line_id,
                                      quantity=allocation.quantity))
    for supply in plan.basket_supplies:
        db.session.add(AllocationLine(cycle_id=cycle.id, offer_id=supply.offer_id,
                                      basket_format_id=supply.format_id,
                                      quantity=supply.quantity))
    for line in plan.shortages:
        db.session.add(Shortage(cycle_id=cycle.id, order_line_id=line.demand_line_id,
                                ordered=line.ordered, served=line.served,
                                refund_cents=line.refund_cents, reason=line.reason or "short"))
    cycle.status = CycleStatus.ALLOCATED


def publish_allocation(cycle_id: int) -> list[int]:
    """Publish the plan: households see their baskets; shortages are refunded and told.

    Returns the orders with a shortage. Publishing twice does nothing more: the refunds
    and the messages are keyed by order, and the refund task is idempotent.
    """
    with transaction():
        cycle = db.session.scalar(
            select(OrderCycle).where(OrderCycle.id == cycle_id).with_for_update()
        )
        if cycle is None:
            raise NotFound(_("Ce cycle de commande n'existe pas."))
        if cycle.status not in (CycleStatus.ALLOCATED, CycleStatus.ROUTED):
            raise ServiceError(_("Lancez la répartition avant de la publier."))
        short_orders = sorted({
            order_id for (order_id,) in db.session.execute(
                select(OrderLine.order_id).join(Shortage, Shortage.order_line_id == OrderLine.id)
                .where(Shortage.cycle_id == cycle_id))
        })
        if cycle.published_dt is None:
            cycle.published_dt = utcnow()
            journal.record_cycle("allocation.published", cycle, short=len(short_orders))
    enqueue("paniers.payments.tasks.refund_cycle_shortages", cycle_id)
    notify_shortages(short_orders)
    return short_orders


def _composable(cycle_id: int, format_id: int) -> None:
    """A format's contents change only for a format of that cycle, closed and not published."""
    fmt = db.session.get(BasketFormat, format_id)
    cycle = db.session.get(OrderCycle, cycle_id)
    if fmt is None or cycle is None or fmt.cycle_id != cycle_id:
        raise NotFound(_("Ce format de panier n'existe pas."))
    if cycle.status not in (CycleStatus.CLOSED, CycleStatus.ALLOCATED, CycleStatus.ROUTED):
        raise ServiceError(_("Les paniers se composent une fois le cycle clos."))
    if cycle.published_dt is not None:
        raise ServiceError(_("La répartition est publiée : elle ne peut plus être relancée."))


@transaction()
def set_composition(cycle_id: int, format_id: int, items: list[tuple[int, int]]) -> None:
    """The coordinator sets a format's contents by hand; the next allocation keeps them."""
    _composable(cycle_id, format_id)
    if any(quantity < 0 for _p, quantity in items):
        raise ServiceError(_("Les quantités ne peuvent pas être négatives."))
    products = {p.id: p for p in db.session.scalars(select(Product))}
    if any(product_id not in products for product_id, _q in items):
        raise ServiceError(_("Produit inconnu."))
    db.session.execute(delete(BasketItem).where(
        BasketItem.cycle_id == cycle_id, BasketItem.basket_format_id == format_id))
    for product_id, quantity in items:
        if quantity:
            product = products[product_id]
            db.session.add(BasketItem(
                cycle_id=cycle_id, basket_format_id=format_id, product_id=product_id,
                quantity=quantity, fixed=True,
                value_cents=0,  # priced by the next allocation run
                weight_g=weight_g(quantity, product.unit_weight_g, product.unit)))


@transaction()
def release_composition(cycle_id: int, format_id: int) -> None:
    """Let the optimiser compose the format again at the next allocation."""
    _composable(cycle_id, format_id)
    db.session.execute(delete(BasketItem).where(
        BasketItem.cycle_id == cycle_id, BasketItem.basket_format_id == format_id,
        BasketItem.fixed.is_(True)))
