"""A canteen's purchases over a period, as EGAlim counts them.

Purchases through Paniers are the canteen's order lines, by farm: once the cycle
is allocated, what each farm's offer actually served (what was short is refunded,
so not bought); before, split between the farms that offered the product, in
proportion to their offers. The farm's organic status (AB, or conversion C1-C3)
makes the purchase organic. What the kitchen buys outside the circuit, at its
estimated cost, counts as neither organic nor local.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from canteens.menu_planner.egalim import EgalimFigures, PurchaseLine, egalim_figures
from canteens.models import Canteen, OutsidePurchase, WeekOrder
from paniers.allocation.models import AllocationLine
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.extensions import db
from paniers.money import from_base_amount
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.reports.framework import Column, Kind, Report, Table
from paniers.reports.tables import table_of
from producers.models import Product, SupplyOffer
from producers.units import Unit, value_cents

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


PURCHASES: Report[Purchase] = Report(
    slug="egalim", title=_l("Achats EGAlim"),
    description=_l("Les achats de la cantine et leurs parts EGAlim."),
    columns=(
        Column(_l("Date"), lambda p: p.day, Kind.DATE, width=12),
        Column(_l("Produit"), lambda p: p.product, width=22),
        Column(_l("Fournisseur"), lambda p: p.supplier, width=26),
        Column(_l("Statut bio"), lambda p: p.organic_status, width=10),
        Column(_l("Quantité"), lambda p: _quantity(p), Kind.DECIMAL),
        Column(_l("Unité"), lambda p: p.unit, width=8),
        Column(_l("Valeur"), lambda p: p.value_cents, Kind.MONEY, total=True),
        Column(_l("Bio EGAlim"), lambda p: _yes(p.line().organic), width=10),
        Column(_l("Qualité EGAlim"), lambda p: _yes(p.line().quality), width=10),
        Column(_l("Local"), lambda p: _yes(p.local), width=8),
        Column(_l("Circuit"), lambda p: "Paniers" if p.supplier else _("hors circuit"),
               width=12),
    ),
)


def _quantity(purchase: Purchase) -> Decimal | int:
    if purchase.unit in set(Unit):
        return from_base_amount(purchase.quantity, purchase.unit)
    return purchase.quantity


def purchases_table(canteen: Canteen, start: date, end: date,
                    purchases: Sequence[Purchase]) -> Table:
    """The purchases and their EGAlim totals, for the yearly declaration."""
    shares = figures(purchases)
    table = table_of(PURCHASES, list(purchases))
    for label, cents, pct in (
        (_("dont qualité et durables (EGAlim, seuil 50 %)"), shares.quality_cents,
         shares.quality_pct),
        (_("dont bio, conversion comprise (seuil 20 %)"), shares.organic_cents,
         shares.organic_pct),
        (_("dont local"), shares.local_cents, shares.local_pct),
    ):
        table.add_footer(label, None, None, None, None, None, cents,
                         f"{pct:.1f} %".replace(".", ","))
    table.add_footer(_("Cantine"), canteen.name)
    table.add_footer(_("Période"), _("du %(start)s au %(end)s", start=start.strftime("%d/%m/%Y"),
                                      end=end.strftime("%d/%m/%Y")))
    return table


def _yes(flag: bool) -> str:
    return _("oui") if flag else _("non")
