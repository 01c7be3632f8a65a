"""Use cases of the weekly cycle: create, open, close, and the figures of a week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select

from paniers.background import enqueue
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.states import (
    PARIS,
    CycleStatus,
    TransitionError,
    check_move,
    validate_schedule,
)
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.journal import services as journal
from paniers.subscriptions.opening import cycle_opened
from paniers.transaction import after_commit, transaction
from paniers.types import utcnow
from producers.models import Product

DEFAULT_FORMATS = (
    # code, price (cents), target weight (g), minimum number of products
    ("small", 1200, 3000, 4),
    ("medium", 1800, 4500, 5),
    ("large", 2400, 6000, 6),
)


@dataclass(frozen=True)
class FormatSpec:
    code: str
    price_cents: int
    target_weight_g: int
    quota: int
    name: str = ""  # "" -> the usual label of the code
    solidarity_price_cents: int | None = None
    min_products: int | None = None  # None -> the default of the code


def next_week_formats(quotas: dict[str, int]) -> list[FormatSpec]:
    """The basket formats a new week starts with: the active formats of the latest week,
    as coordinators last set them (name, price, weight, solidarity price), or the three
    usual ones before the first week. ``quotas`` (by code) replace last week's quotas."""
    latest = db.session.scalar(select(OrderCycle).order_by(OrderCycle.delivery_date.desc()))
    if latest is None:
        return [FormatSpec(code, price, weight, quotas.get(code, 0))
                for code, price, weight, _minimum in DEFAULT_FORMATS]
    return [FormatSpec(f.code, f.price_cents, f.target_weight_g, quotas.get(f.code, f.quota),
                       f.name, f.solidarity_price_cents, f.min_products)
            for f in sorted(latest.formats, key=lambda f: (f.price_cents, f.code)) if f.active]


def get_cycle(cycle_id: int) -> OrderCycle:
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    return cycle


_OPEN_CYCLE = (select(OrderCycle).where(OrderCycle.status == CycleStatus.OPEN)
               .order_by(OrderCycle.delivery_date))  # built once: every page asks


def current_cycle() -> OrderCycle | None:
    """The cycle people work on now: the open one, else the latest past draft."""
    open_cycle = db.session.scalar(_OPEN_CYCLE)
    if open_cycle is not None:
        return open_cycle
    return db.session.scalar(
        select(OrderCycle).where(OrderCycle.status != CycleStatus.DRAFT)
        .order_by(OrderCycle.delivery_date.desc())
    )


@transaction()
def create_cycle(
    delivery_date: date,
    cutoff_dt: datetime,
    formats: list[FormatSpec],
    now: datetime | None = None,
) -> OrderCycle:
    """A draft cycle with its basket formats."""
    now = now or utcnow()
    for problem in validate_schedule(delivery_date, cutoff_dt, now):
        raise ServiceError(schedule_message(problem))
    if db.session.scalar(select(OrderCycle.id).where(OrderCycle.delivery_date == delivery_date)):
        raise ServiceError(_("Un cycle existe déjà pour cette date de livraison."))
    minimums = {code: minimum for code, _p, _w, minimum in DEFAULT_FORMATS}
    cycle = OrderCycle(delivery_date=delivery_date, cutoff_dt=cutoff_dt)
    for spec in formats:
        cycle.formats.append(
            BasketFormat(
                code=spec.code,
                price_cents=spec.price_cents,
                target_weight_g=spec.target_weight_g,
                min_products=spec.min_products or minimums.get(spec.code, 4),
                quota=spec.quota,
                sold=0,
                name=spec.name,
                solidarity_price_cents=spec.solidarity_price_cents,
            )
        )
    db.session.add(cycle)
    db.session.flush()
    for product_id in db.session.scalars(select(Product.id).order_by(Product.id)):
        db.session.add(ProductStock(cycle_id=cycle.id, product_id=product_id, declared=0, sold=0))
    journal.record_cycle("cycle.created", cycle)
    return cycle


def schedule_message(problem: str) -> str:
    """The French sentence of a problem key of ``validate_schedule``."""
    messages = {
        "cutoff_in_past": _("La date limite de commande est déjà passée."),
        "cutoff_after_delivery": _("La date limite doit précéder le départ des tournées."),
    }
    return messages.get(problem, _("Ces dates ne conviennent pas."))


def next_free_delivery_date(today: date | None = None) -> date:
    """The first Friday after the coming days' cutoff with no cycle yet: the form's default."""
    day = (today or datetime.now(PARIS).date()) + timedelta(days=3)
    day += timedelta(days=(4 - day.weekday()) % 7)  # Friday
    taken = set(db.session.scalars(select(OrderCycle.delivery_date).where(
        OrderCycle.delivery_date >= day)))
    while day in taken:
        day += timedelta(days=7)
    return day


def _move(cycle_id: int, target: CycleStatus) -> OrderCycle:
    # Lock the row so that a concurrent order or a second click sees the new state.
    cycle = db.session.scalar(
        select(OrderCycle).where(OrderCycle.id == cycle_id).with_for_update()
        .execution_options(populate_existing=True)  # the state after the lock, not a stale copy
    )
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    try:
        cycle.status = check_move(cycle.status, target)
    except TransitionError as error:
        raise ServiceError(
            _(
                "Impossible : le cycle est « %(current)s ».",
                current=status_label(error.current),
            )
        ) from error
    return cycle


def open_cycle(cycle_id: int, now: datetime | None = None) -> OrderCycle:
    now = now or utcnow()
    cycle = get_cycle(cycle_id)
    if cycle.cutoff_dt <= now and cycle.status == CycleStatus.DRAFT:
        raise ServiceError(_("La date limite de commande est déjà passée."))
    if cycle.status == CycleStatus.DRAFT and db.session.scalar(
        select(OrderCycle.id).where(OrderCycle.status == CycleStatus.OPEN)
    ):
        raise ServiceError(_("Un autre cycle est déjà ouvert : fermez-le d'abord."))
    with transaction():
        cycle = _move(cycle_id, CycleStatus.OPEN)
        cycle.opened_dt = now
        journal.record_cycle("cycle.opened", cycle)
        # Once committed, the workers turn the subscriptions into orders.
        after_commit(partial(cycle_opened, cycle.id, cycle.delivery_date.isoformat()))
    return cycle


def close_cycle(cycle_id: int, now: datetime | None = None) -> OrderCycle:
    """No more orders: the cycle waits for allocation."""
    with transaction():
        cycle = _move(cycle_id, CycleStatus.CLOSED)
        cycle.closed_dt = now or utcnow()
        journal.record_cycle("cycle.closed", cycle)
    return cycle


def close_and_hand_over(cycle_id: int, now: datetime | None = None) -> OrderCycle:
    """The coordinator's close, committed only once the workers have the steps that follow
    (the ``close_cycle`` task): with the broker down, nothing changes."""
    with transaction():
        cycle = _move(cycle_id, CycleStatus.CLOSED)
        cycle.closed_dt = now or utcnow()
        journal.record_cycle("cycle.closed", cycle)
        db.session.flush()
        enqueue("paniers.cycles.tasks.close_cycle", cycle_id)  # BrokerUnavailable: rolled back
    return cycle


def status_label(status: str) -> str:
    labels = {
        CycleStatus.DRAFT: _("brouillon"),
        CycleStatus.OPEN: _("ouvert"),
        CycleStatus.CLOSED: _("clos"),
        CycleStatus.ALLOCATED: _("réparti"),
        CycleStatus.ROUTED: _("tournées planifiées"),
        CycleStatus.DELIVERED: _("livré"),
        CycleStatus.SETTLED: _("soldé"),
    }
    return labels.get(CycleStatus(status), status)


def cycles() -> list[OrderCycle]:
    return list(db.session.scalars(select(OrderCycle).order_by(OrderCycle.delivery_date.desc())))


def close_due_cycles(now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    due = db.session.scalars(
        select(OrderCycle.id).where(
            OrderCycle.status == CycleStatus.OPEN, OrderCycle.cutoff_dt <= now
        )
    ).all()
    for cycle_id in due:
        close_if_open(cycle_id, now)
    return list(due)


@transaction()
def close_if_open(cycle_id: int, now: datetime | None = None) -> str:
    """Close an open cycle, leave any other as it is: safe to run twice, or twice at once."""
    cycle = db.session.scalar(
        select(OrderCycle).where(OrderCycle.id == cycle_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    if cycle.status == CycleStatus.OPEN:
        # Moved here, on the locked row: a second read could find it closed meanwhile by
        # the coordinator's own click, whose commit may land just after this task starts.
        cycle.status = check_move(cycle.status, CycleStatus.CLOSED)
        cycle.closed_dt = now or utcnow()
        journal.record_cycle("cycle.closed", cycle)
    return str(cycle.status)


def cycle_for_supply(now: datetime | None = None) -> OrderCycle | None:
    """The cycle farmers declare for: the open one, else the next draft before its cutoff."""
    now = now or utcnow()
    return db.session.scalar(
        select(OrderCycle)
        .where(OrderCycle.status.in_((CycleStatus.OPEN, CycleStatus.DRAFT)),
               OrderCycle.cutoff_dt > now)
        .order_by(OrderCycle.status.desc(), OrderCycle.delivery_date)
    )
