"""A canteen's purchases over a period, as EGAlim counts them.

Purchases through Paniers are the canteen's order lines, by farm: once the cycle
is allocated, what each farm's offer actually served (what was short is refunded,
so not bought); before, split between the farms that offered the product, in
proportion to their offers. The farm's organic status (AB, or conversion C1-C3)
makes the purchase organic. What the kitchen buys outside the circuit, at its
estimated cost, counts as neither organic nor local.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from canteens.menu_planner.egalim import EgalimFigures, PurchaseLine, egalim_figures
from canteens.models import Canteen, OutsidePurchase, WeekOrder
from paniers.allocation.models import AllocationLine
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.extensions import db
from paniers.money import from_base_amount
from paniers.orders.models import Order, OrderLine, OrderStatus
from producers.models import Product, SupplyOffer
from producers.units import value_cents

LIVE = (OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.UNCLAIMED)
BEFORE_ALLOCATION = (CycleStatus.DRAFT, CycleStatus.OPEN, CycleStatus.CLOSED)


@dataclass(frozen=True)
class Purchase:
    day: date
    product: str
    supplier: str  # the farm, or '' outside the circuit
    organic_status: str  # 'AB', 'C1'-'C3' or ''
    quantity: int  # base amount
    unit: str
    value_cents: int
    local: bool

    def line(self) -> PurchaseLine:
        return PurchaseLine(self.value_cents, self.organic_status or None, local=self.local)


def canteen_purchases(canteen: Canteen, start: date, end: date) -> list[Purchase]:
    """Every purchase of the canteen delivered from ``start`` to ``end`` included."""
    found: list[Purchase] = []
    rows = db.session.execute(
        select(OrderLine, OrderCycle, Product).join(Order, OrderLine.order_id == Order.id)
        .join(OrderCycle, Order.cycle_id == OrderCycle.id)
        .join(Product, OrderLine.product_id == Product.id)
        .where(Order.canteen_id == canteen.id, Order.status.in_(LIVE),
               OrderCycle.delivery_date >= start, OrderCycle.delivery_date <= end)
        .order_by(OrderCycle.delivery_date, OrderLine.id)
    ).all()
    for line, cycle, product in rows:
        for offer, quantity in _served_by(line, cycle):
            found.append(Purchase(
                cycle.delivery_date, product.name, offer.farm.name, offer.farm.organic_status,
                quantity, product.unit, value_cents(quantity, line.unit_price_cents, product.unit),
                local=True))
    # Bought outside for the same week as the cycle's order: dated like it, on its delivery.
    outside = db.session.execute(
        select(OutsidePurchase, WeekOrder, OrderCycle).select_from(OutsidePurchase)
        .join(WeekOrder, OutsidePurchase.week_order_id == WeekOrder.id)
        .join(OrderCycle, WeekOrder.cycle_id == OrderCycle.id)
        .where(WeekOrder.canteen_id == canteen.id, OrderCycle.delivery_date >= start,
               OrderCycle.delivery_date <= end)
        .order_by(OrderCycle.delivery_date, OutsidePurchase.id)
    ).all()
    for item, week_order, cycle in outside:
        if week_order.order is not None and week_order.order.status == OrderStatus.CANCELLED:
            continue
        found.append(Purchase(cycle.delivery_date, item.product, "", "", item.quantity,
                              item.unit, item.value_cents, local=False))
    return found


def _served_by(line: OrderLine, cycle: OrderCycle) -> list[tuple[SupplyOffer, int]]:
    if cycle.status not in BEFORE_ALLOCATION:
        return [(a.offer, a.quantity) for a in db.session.scalars(
            select(AllocationLine).where(AllocationLine.order_line_id == line.id)
            .order_by(AllocationLine.id))]
    offers = db.session.scalars(select(SupplyOffer).where(
        SupplyOffer.cycle_id == cycle.id, SupplyOffer.product_id == line.product_id,
        SupplyOffer.quantity > 0).order_by(SupplyOffer.id)).all()
    total = sum(o.quantity for o in offers)
    if not total:
        return []
    parts = [(o, line.quantity * o.quantity // total) for o in offers]
    rest = line.quantity - sum(q for _o, q in parts)
    parts[-1] = (parts[-1][0], parts[-1][1] + rest)
    return [(o, q) for o, q in parts if q]


def figures(purchases: Sequence[Purchase]) -> EgalimFigures:
    return egalim_figures(p.line() for p in purchases)


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def purchases_csv(canteen: Canteen, start: date, end: date,
                  purchases: Sequence[Purchase]) -> str:
    """The purchases and their EGAlim totals, for a French spreadsheet (``;``, decimal
    commas, dates as 31/12/2026, quantities in the product's sale unit, euros)."""
    shares = figures(purchases)
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=";")
    out.writerow(["cantine", canteen.name, "du", _day(start), "au", _day(end)])
    out.writerow(["date", "produit", "fournisseur", "statut bio", "quantité", "unité",
                  "valeur (€)", "bio EGAlim", "qualité EGAlim", "local", "circuit"])
    for p in purchases:
        line = p.line()
        out.writerow([_day(p.day), p.product, p.supplier, p.organic_status,
                      _quantity(p.quantity, p.unit), UNIT_NAMES.get(p.unit, p.unit),
                      _euros(p.value_cents), _yes(line.organic),
                      _yes(line.quality), _yes(p.local), "Paniers" if p.supplier else
                      "hors circuit"])
    out.writerow([])
    out.writerow(["total", "", "", "", "", "", _euros(shares.total_cents)])
    for label, cents, pct in (
        ("dont qualité et durables (EGAlim, seuil 50 %)", shares.quality_cents,
         shares.quality_pct),
        ("dont bio, conversion comprise (seuil 20 %)", shares.organic_cents, shares.organic_pct),
        ("dont local", shares.local_cents, shares.local_pct),
    ):
        out.writerow([label, "", "", "", "", "", _euros(cents), f"{pct:.1f} %".replace(".", ",")])
    return buffer.getvalue()


#: Sale units in the French file: quantities are in these, never in grams.
UNIT_NAMES = {"kg": "kg", "litre": "litre", "piece": "pièce", "bunch": "botte",
              "dozen": "douzaine"}


def _quantity(base_amount: int, unit: str) -> str:
    """``2500`` g of a product sold by the kg -> ``2,5`` (kg); 3 pieces -> ``3``."""
    return f"{from_base_amount(base_amount, unit).normalize():f}".replace(".", ",")


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _yes(flag: bool) -> str:
    return "oui" if flag else "non"
