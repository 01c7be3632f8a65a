"""Subscribing, pausing, changing and stopping; turning subscriptions into orders.

When a cycle opens, each active subscription becomes an ordinary order in it
(source ``subscription``), once: a ``SubscriptionRun`` row, unique per
(subscription, cycle), is written in the same transaction as the order, so a
second run of the opening (a retried task, the sweep) finds it and skips.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from paniers.accounts.models import Role, User
from paniers.cycles.models import BasketFormat, OrderCycle
from paniers.cycles.services import DEFAULT_FORMATS
from paniers.cycles.states import CycleStatus
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import db
from paniers.notifications import services as notifications
from paniers.orders import services as orders
from paniers.orders.models import OrderSource
from paniers.points.models import PickupPoint
from paniers.subscriptions.models import (
    Frequency,
    RunOutcome,
    Subscription,
    SubscriptionExtra,
    SubscriptionPause,
    SubscriptionRun,
    SubscriptionStatus,
)
from paniers.transaction import in_transaction, transaction
from paniers.types import utcnow
from producers.models import Product

log = logging.getLogger(__name__)
FORMAT_CODES = tuple(code for code, _p, _w, _m in DEFAULT_FORMATS)
MAX_EXTRAS = 10


def week_of(day: date) -> date:
    """The Monday of the week of ``day``: pauses and fortnights count in such weeks."""
    return day - timedelta(days=day.weekday())


def outcome_for(subscription: Subscription, delivery_date: date) -> RunOutcome:
    """Whether a subscription orders for a delivery on that date, or why not."""
    week = week_of(delivery_date)
    if any(pause.week == week for pause in subscription.pauses):
        return RunOutcome.PAUSED
    if subscription.frequency == Frequency.FORTNIGHTLY:
        if ((week - subscription.anchor_week).days // 7) % 2:
            return RunOutcome.OFF_WEEK
    return RunOutcome.ORDERED


@dataclass(frozen=True)
class Plan:
    """What a household asks of its subscription."""

    point_id: int
    format_code: str
    frequency: str = Frequency.WEEKLY
    extras: dict[int, int] = field(default_factory=dict)  # product id -> base amount


def active_subscription(user: User) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(
        Subscription.user_id == user.id, Subscription.status == SubscriptionStatus.ACTIVE))


def own_subscription(user: User, subscription_id: int) -> Subscription:
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or subscription.user_id != user.id:
        raise NotFound(_("Cet abonnement n'existe pas."))
    return subscription


def _check_plan(user: User, plan: Plan) -> None:
    if user.role != Role.HOUSEHOLD:
        raise Forbidden(_("Seuls les foyers s'abonnent aux paniers."))
    if plan.format_code not in FORMAT_CODES:
        raise ServiceError(_("Choisissez un format de panier."))
    if plan.frequency not in tuple(Frequency):
        raise ServiceError(_("Choisissez une fréquence."))
    point = db.session.get(PickupPoint, plan.point_id)
    if point is None or not point.orderable:
        raise ServiceError(_("Choisissez un point de retrait de la liste."))
    if len(plan.extras) > MAX_EXTRAS:
        raise ServiceError(_("Au plus %(n)d produits en plus.", n=MAX_EXTRAS))
    for product_id, quantity in plan.extras.items():
        product = db.session.get(Product, product_id)
        if product is None:
            raise ServiceError(_("Produit inconnu."))
        if quantity <= 0 or quantity > orders.MAX_HOUSEHOLD_BASE.get(
                product.unit, orders.MAX_HOUSEHOLD_COUNT):
            raise ServiceError(_("%(product)s : quantité trop grande.", product=product.name))


def _apply(subscription: Subscription, plan: Plan) -> None:
    subscription.point_id = plan.point_id
    subscription.format_code = plan.format_code
    if subscription.frequency != plan.frequency:
        subscription.anchor_week = week_of(utcnow().date())
    subscription.frequency = plan.frequency
    kept = {extra.product_id: extra for extra in subscription.extras}
    subscription.extras = []
    db.session.flush()  # the old extras go before the new ones take their (unique) place
    for product_id, quantity in sorted(plan.extras.items()):
        extra = kept.get(product_id) or SubscriptionExtra(product_id=product_id)
        extra.quantity = quantity
        subscription.extras.append(extra)


@transaction()
def subscribe(user: User, plan: Plan) -> Subscription:
    """Start a subscription; it gives its first order when the next cycle opens."""
    _check_plan(user, plan)
    if active_subscription(user) is not None:
        raise ServiceError(_("Vous avez déjà un abonnement : modifiez-le."))
    subscription = Subscription(user_id=user.id, status=SubscriptionStatus.ACTIVE,
                                frequency=plan.frequency, anchor_week=week_of(utcnow().date()))
    db.session.add(subscription)
    _apply(subscription, plan)
    return subscription


@transaction()
def change_subscription(user: User, subscription_id: int, plan: Plan) -> Subscription:
    """Change format, point, frequency or extras: from the next cycle on.

    The order of a cycle already open is an ordinary order, changed or cancelled
    on its own until the cutoff.
    """
    subscription = own_subscription(user, subscription_id)
    if not subscription.active:
        raise ServiceError(_("Cet abonnement est arrêté."))
    _check_plan(user, plan)
    _apply(subscription, plan)
    return subscription


@transaction()
def set_pauses(user: User, subscription_id: int, weeks: list[date]) -> Subscription:
    """The weeks without basket (by their Monday), replacing those of the coming weeks."""
    subscription = own_subscription(user, subscription_id)
    this_week = week_of(utcnow().date())
    wanted = {week_of(week) for week in weeks if week_of(week) >= this_week}
    for pause in list(subscription.pauses):
        if pause.week >= this_week and pause.week not in wanted:
            subscription.pauses.remove(pause)
    have = {pause.week for pause in subscription.pauses}
    for week in sorted(wanted - have):
        subscription.pauses.append(SubscriptionPause(week=week))
    return subscription


@transaction()
def stop_subscription(user: User, subscription_id: int, now: datetime | None = None) -> None:
    subscription = own_subscription(user, subscription_id)
    if subscription.active:
        subscription.status = SubscriptionStatus.STOPPED
        subscription.stopped_dt = now or utcnow()


def coming_weeks(count: int = 10) -> list[tuple[date, OrderCycle | None]]:
    """The next weeks (Mondays), each with the cycle delivering that week if there is one."""
    first = week_of(utcnow().date())
    weeks = [first + timedelta(weeks=i) for i in range(count)]
    cycles = db.session.scalars(select(OrderCycle).where(
        OrderCycle.delivery_date >= first, OrderCycle.delivery_date < weeks[-1] + timedelta(7)))
    by_week = {week_of(cycle.delivery_date): cycle for cycle in cycles}
    return [(week, by_week.get(week)) for week in weeks]


def runs_of(subscription: Subscription) -> list[SubscriptionRun]:
    return list(db.session.scalars(
        select(SubscriptionRun).where(SubscriptionRun.subscription_id == subscription.id)
        .order_by(SubscriptionRun.id.desc())))


@dataclass
class OpeningReport:
    ordered: list[int] = field(default_factory=list)  # order ids
    skipped: list[int] = field(default_factory=list)  # subscription ids, stock or quota short
    not_this_week: int = 0  # paused or off-week
    already_done: int = 0


def due_subscriptions(cycle: OrderCycle) -> list[int]:
    """Active subscriptions taken before the cycle opened and without a run in it yet."""
    done = select(SubscriptionRun.subscription_id).where(SubscriptionRun.cycle_id == cycle.id)
    query = select(Subscription.id).where(
        Subscription.status == SubscriptionStatus.ACTIVE, Subscription.id.not_in(done))
    if cycle.opened_dt is not None:
        query = query.where(Subscription.created_dt <= cycle.opened_dt)
    return list(db.session.scalars(query.order_by(Subscription.id)))


def place_subscription_orders(cycle_id: int, now: datetime | None = None,
                              only: list[int] | None = None) -> OpeningReport:
    """Turn each due subscription (of ``only``, when given: a worker's share of a large
    week) into an order of the open cycle; safe to run twice, and from several workers
    at once.

    Each subscription is a use case of its own (an order, or a run saying why not), so
    this is never called inside another transaction."""
    if in_transaction():
        raise RuntimeError("place_subscription_orders commits per subscription")
    report = OpeningReport()
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None or cycle.status != CycleStatus.OPEN:
        return report
    due = due_subscriptions(cycle)
    if only is not None:
        share = set(only)
        due = [subscription_id for subscription_id in due if subscription_id in share]
    for subscription_id in due:
        outcome, order_id = _run_one(subscription_id, cycle, now)
        if outcome == RunOutcome.ORDERED and order_id is not None:
            report.ordered.append(order_id)
        elif outcome == RunOutcome.SHORT:
            report.skipped.append(subscription_id)
        elif outcome is None:
            report.already_done += 1
        else:
            report.not_this_week += 1
    return report


def _run_one(subscription_id: int, cycle: OrderCycle,
             now: datetime | None) -> tuple[RunOutcome | None, int | None]:
    subscription = db.session.get(Subscription, subscription_id)
    assert subscription is not None
    outcome = outcome_for(subscription, cycle.delivery_date)
    if outcome != RunOutcome.ORDERED:
        return (outcome if _record(subscription_id, cycle.id, outcome) else None), None
    fmt = db.session.scalar(select(BasketFormat).where(
        BasketFormat.cycle_id == cycle.id, BasketFormat.code == subscription.format_code,
        BasketFormat.quota > 0, BasketFormat.active.is_(True)))
    baskets = {fmt.id: 1} if fmt is not None else {}
    extras = {extra.product_id: extra.quantity for extra in subscription.extras}
    user, point_id = subscription.user, subscription.point_id
    problem = "" if fmt is not None else _("Ce format de panier n'est pas proposé cette semaine.")
    # The whole basket with its extras; else the basket alone; else skipped with a notice.
    carts = [orders.Cart(baskets, extras)] + ([orders.Cart(baskets, {})] if extras else [])
    for cart in carts if baskets else []:
        run = SubscriptionRun(subscription_id=subscription_id, cycle_id=cycle.id,
                              outcome=RunOutcome.ORDERED,
                              note="" if cart.products == extras else problem)
        try:
            with transaction():  # each try is a use case: the claim and the order, or nothing
                db.session.add(run)
                db.session.flush()  # claims (subscription, cycle) before any stock is taken
                order = orders.place_order(user, cycle.id, point_id, cart, now=now,
                                           source=OrderSource.SUBSCRIPTION)
                run.order_id = order.id
        except IntegrityError:
            return None, None  # another run of the opening did it
        except ServiceError as error:
            problem = str(error)  # rolled back, the claim with it
            continue
        return RunOutcome.ORDERED, order.id
    if not _record(subscription_id, cycle.id, RunOutcome.SHORT, problem):
        return None, None
    notifications.notify_subscription_skipped(subscription_id, cycle.id)
    return RunOutcome.SHORT, None


def _record(subscription_id: int, cycle_id: int, outcome: RunOutcome, note: str = "") -> bool:
    """Write a run without order; False when another run of the opening wrote it first."""
    try:
        with transaction():
            db.session.add(SubscriptionRun(subscription_id=subscription_id, cycle_id=cycle_id,
                                           outcome=outcome, note=note[:255]))
    except IntegrityError:
        return False
    return True


def stop_all_of(user: User, now: datetime | None = None) -> None:
    """Stop every subscription of a household (its account is being deleted); no commit."""
    for subscription in db.session.scalars(select(Subscription).where(
            Subscription.user_id == user.id, Subscription.status == SubscriptionStatus.ACTIVE)):
        subscription.status = SubscriptionStatus.STOPPED
        subscription.stopped_dt = now or utcnow()
