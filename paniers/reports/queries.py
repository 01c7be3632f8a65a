"""The rows behind the reports, read from the database for a period of delivery dates.

Each function returns plain rows (dataclasses); what a report shows of them, how they
group and what adds up is declared in ``paniers.reports.catalogue``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from canteens.models import Canteen
from paniers.allocation.models import AllocationLine, Shortage
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.extensions import db
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.payments.models import Payment, SolidarityFund
from paniers.payments.reports import cycle_statements
from paniers.points.models import PickupEvening, PickupPoint
from paniers.reports.framework import Period
from producers.models import Farm, SupplyOffer
from producers.units import value_cents

LIVE = (OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.UNCLAIMED)
AFTER_ALLOCATION = (CycleStatus.ALLOCATED, CycleStatus.ROUTED, CycleStatus.DELIVERED,
                    CycleStatus.SETTLED)


def cycles_in(period: Period, statuses: tuple[str, ...] | None = None) -> list[OrderCycle]:
    """The weeks delivered within the period (drafts never sold anything)."""
    query = select(OrderCycle).where(OrderCycle.delivery_date >= period.start,
                                     OrderCycle.delivery_date <= period.end,
                                     OrderCycle.status != CycleStatus.DRAFT)
    if statuses is not None:
        query = query.where(OrderCycle.status.in_(statuses))
    return list(db.session.scalars(query.order_by(OrderCycle.delivery_date)))


@dataclass(frozen=True)
class Sale:
    """What one farm sold of one product in one week, at the farm's price."""

    delivery: date
    farm_id: int
    farm: str
    product: str
    unit: str
    quantity: int  # base amount
    price_cents: int
    amount_cents: int
    provisional: bool  # before the allocation: split pro rata of what the farms declared


def sales(period: Period, farm_id: int | None = None) -> list[Sale]:
    rows = []
    for cycle in cycles_in(period):
        statements, provisional = cycle_statements(cycle.id)
        for statement in statements:
            if farm_id is not None and statement.farm_id != farm_id:
                continue
            rows.extend(Sale(cycle.delivery_date, statement.farm_id, statement.farm_name,
                             line.product_name, line.unit, line.quantity, line.price_cents,
                             line.owed_cents, provisional) for line in statement.lines)
    return rows


@dataclass(frozen=True)
class SalesTotal:
    key: str  # the farm, or the product
    product: str
    unit: str
    quantity: int
    amount_cents: int
    farms: int


def sales_by_farm(period: Period) -> list[SalesTotal]:
    return _summed(sales(period), lambda s: (s.farm, s.product, s.unit))


def sales_by_product(period: Period) -> list[SalesTotal]:
    return _summed(sales(period), lambda s: (s.product, s.product, s.unit))


def _summed(rows: list[Sale], key: object) -> list[SalesTotal]:
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    farms: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for sale in rows:
        k = key(sale)  # type: ignore[operator]
        totals[k][0] += sale.quantity
        totals[k][1] += sale.amount_cents
        farms[k].add(sale.farm_id)
    return [SalesTotal(k[0], k[1], k[2], q, cents, len(farms[k]))
            for k, (q, cents) in sorted(totals.items())]


def _point_label(point: PickupPoint) -> str:
    return f"{point.town} — {point.name}"


def _live_orders(period: Period) -> list[Order]:
    cycle_ids = [c.id for c in cycles_in(period)]
    return list(db.session.scalars(
        select(Order).where(Order.cycle_id.in_(cycle_ids), Order.status.in_(LIVE))
        .options(selectinload(Order.lines), selectinload(Order.point),
                 selectinload(Order.cycle), selectinload(Order.user))
        .order_by(Order.id)))


def _shortage_cents(cycle_ids: list[int]) -> dict[int, int]:
    """Refunds for what allocation could not serve, per order line."""
    return {s.order_line_id: s.refund_cents for s in db.session.scalars(
        select(Shortage).where(Shortage.cycle_id.in_(cycle_ids)))}


@dataclass(frozen=True)
class PointWeek:
    point: str
    delivery: date
    orders: int
    baskets: int
    ordered_cents: int
    shortage_cents: int

    @property
    def net_cents(self) -> int:
        return self.ordered_cents - self.shortage_cents


def sales_by_point(period: Period) -> list[PointWeek]:
    orders = _live_orders(period)
    short = _shortage_cents(list({o.cycle_id for o in orders}))
    sums: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for order in orders:
        entry = sums[(_point_label(order.point), order.cycle.delivery_date)]
        entry[0] += 1
        entry[1] += sum(line.quantity for line in order.lines if line.basket_format_id)
        entry[2] += order.total_cents
        entry[3] += sum(short.get(line.id, 0) for line in order.lines)
    return [PointWeek(point, day, *figures) for (point, day), figures in sorted(sums.items())]


@dataclass(frozen=True)
class PointPayments:
    point: str
    method: str  # online / cash / cheque / menadel / due / invoiced
    orders: int
    ordered_cents: int
    paid_cents: int


def payment_method(payment: Payment | None) -> str:
    if payment is None:
        return "invoiced"  # canteens: public buyers, invoiced apart
    if payment.method == "online":
        return "online"
    return payment.pickup_means or "due"


def payments_by_point(period: Period) -> list[PointPayments]:
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for order in _live_orders(period):
        payment = order.payment
        entry = sums[(_point_label(order.point), payment_method(payment))]
        entry[0] += 1
        entry[1] += order.total_cents
        entry[2] += payment.paid_cents if payment is not None else 0
    return [PointPayments(point, method, *figures)
            for (point, method), figures in sorted(sums.items())]


@dataclass(frozen=True)
class Owed:
    buyer: str
    farm: str
    amount_cents: int


def _largest_remainders(total: int, weights: dict[str, int]) -> dict[str, int]:
    """``total`` split in proportion to ``weights``, in whole cents adding up to it."""
    whole = sum(weights.values())
    if whole <= 0:
        return {}
    parts = {k: total * w // whole for k, w in weights.items()}
    left = total - sum(parts.values())
    for key in sorted(weights, key=lambda k: (-(total * weights[k] % whole), k))[:left]:
        parts[key] += 1
    return parts


def owed_to_farms(period: Period) -> list[Owed]:
    """What each household or canteen owes each farm, at the buyer's prices: a product
    line goes to the farms whose offers served it; a basket is split between the farms
    in proportion to what each put in that format (at the farms' prices)."""
    cycles = cycles_in(period, AFTER_ALLOCATION)
    cycle_ids = [c.id for c in cycles]
    allocations = list(db.session.scalars(
        select(AllocationLine).where(AllocationLine.cycle_id.in_(cycle_ids))
        .options(selectinload(AllocationLine.offer).selectinload(SupplyOffer.farm),
                 selectinload(AllocationLine.offer).selectinload(SupplyOffer.product))))
    by_line: dict[int, list[AllocationLine]] = defaultdict(list)
    format_share: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a in allocations:
        if a.order_line_id is not None:
            by_line[a.order_line_id].append(a)
        elif a.basket_format_id is not None:
            format_share[a.basket_format_id][a.offer.farm.name] += value_cents(
                a.quantity, a.offer.price_cents, a.offer.product.unit)
    served = {s.order_line_id: s.served for s in db.session.scalars(
        select(Shortage).where(Shortage.cycle_id.in_(cycle_ids)))}
    owed: dict[tuple[str, str], int] = defaultdict(int)
    orders = db.session.scalars(
        select(Order).where(Order.cycle_id.in_(cycle_ids), Order.status.in_(LIVE))
        .options(selectinload(Order.lines).selectinload(OrderLine.product),
                 selectinload(Order.user)))
    names = _canteen_names()
    for order in orders:
        buyer = names.get(order.canteen_id or 0) or order.user.name
        for line in order.lines:
            if line.basket_format_id is not None:
                cents = served.get(line.id, line.quantity) * line.unit_price_cents
                for farm, part in _largest_remainders(
                        cents, format_share[line.basket_format_id]).items():
                    owed[(buyer, farm)] += part
            else:
                for a in by_line[line.id]:
                    owed[(buyer, a.offer.farm.name)] += value_cents(
                        a.quantity, line.unit_price_cents, line.product.unit)
    return [Owed(buyer, farm, cents) for (buyer, farm), cents in sorted(owed.items()) if cents]


def _canteen_names() -> dict[int, str]:
    rows = db.session.execute(select(Canteen.id, Canteen.name))
    return {int(cid): str(name) for cid, name in rows}


@dataclass(frozen=True)
class FundWeek:
    delivery: date
    budget_cents: int
    used_cents: int
    baskets: int  # orders helped by the fund
    households: int

    @property
    def remaining_cents(self) -> int:
        return self.budget_cents - self.used_cents


def solidarity_use(period: Period) -> list[FundWeek]:
    rows = []
    for cycle in cycles_in(period):
        fund = db.session.scalar(select(SolidarityFund).where(SolidarityFund.cycle_id == cycle.id))
        helped = db.session.execute(
            select(Order.id, Order.user_id).join(Payment, Payment.order_id == Order.id)
            .where(Order.cycle_id == cycle.id, Order.status.in_(LIVE),
                   Payment.solidarity_cents > 0)).all()
        if fund is None and not helped:
            continue
        rows.append(FundWeek(cycle.delivery_date, fund.budget_cents if fund else 0,
                             fund.used_cents if fund else 0, len(helped),
                             len({user_id for _id, user_id in helped})))
    return rows


@dataclass(frozen=True)
class Evening:
    delivery: date
    point: str
    collected: int
    unclaimed: int
    outcome: str
    note: str


def unclaimed_baskets(period: Period) -> list[Evening]:
    cycle_ids = [c.id for c in cycles_in(period)]
    rows = db.session.execute(
        select(PickupEvening, PickupPoint, OrderCycle.delivery_date)
        .join(PickupPoint, PickupPoint.id == PickupEvening.point_id)
        .join(OrderCycle, OrderCycle.id == PickupEvening.cycle_id)
        .where(PickupEvening.cycle_id.in_(cycle_ids))).all()
    evenings = [Evening(day, _point_label(point), e.collected, e.unclaimed, e.outcome, e.note)
                for e, point, day in rows]
    return sorted(evenings, key=lambda e: (e.delivery, e.point))


@dataclass(frozen=True)
class FarmStatusYear:
    year: int
    status: str
    farms: int
    share_pct: Decimal
    farmed_ha: Decimal  # the farms' farmed hectares (those whose areas are entered)
    organic_ha: Decimal  # of which organic or converting


CONVERSION = {"C1": "C2", "C2": "C3", "C3": "AB", "AB": "AB"}
STATUS_ORDER = ("AB", "C3", "C2", "C1", "")  # "": conventional (a supplier not organic)


def _hectares(ares: int) -> Decimal:
    return (Decimal(ares) / 100).quantize(Decimal("0.01"))


def organic_conversion(this_year: int, years: int = 4) -> list[FarmStatusYear]:
    """The active farms per organic status, with their hectares, this year and the years
    after, each conversion year moving one step (C1 -> C2 -> C3 -> AB) a year."""
    farms = [(farm.organic_status or "", farm.farmed_area_ares or 0, farm.organic_area_ares or 0)
             for farm in db.session.scalars(select(Farm).where(Farm.active.is_(True)))]
    rows = []
    for offset in range(years):
        counts: dict[str, int] = defaultdict(int)
        farmed: dict[str, int] = defaultdict(int)
        organic: dict[str, int] = defaultdict(int)
        for status, farmed_ares, organic_ares in farms:
            counts[status] += 1
            farmed[status] += farmed_ares
            organic[status] += organic_ares
        for status in STATUS_ORDER:
            if status == "" and not counts[status]:
                continue
            share = (Decimal(100 * counts[status]) / len(farms)).quantize(Decimal("0.1")) \
                if farms else Decimal(0)
            rows.append(FarmStatusYear(this_year + offset, status, counts[status], share,
                                       _hectares(farmed[status]), _hectares(organic[status])))
        farms = [(CONVERSION.get(s, s), f, o) for s, f, o in farms]
    return rows
