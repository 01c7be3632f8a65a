"""The packing list of a pickup point: which order gets which baskets and items."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from paniers.allocation.models import BasketItem, Shortage
from paniers.cycles.models import format_label
from paniers.extensions import db
from paniers.formatting import amount
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.reports.framework import Column, Kind, Report
from producers.units import weight_g


@dataclass(frozen=True)
class PackingRow:
    order: Order
    baskets: list[tuple[str, int]]  # format code, number served
    items: list[tuple[str, int, str]]  # product, base amount served, unit
    missing: list[tuple[str, int]]  # what is short: label, quantity
    weight_g: int

    def baskets_text(self) -> str:
        return ", ".join(f"{n} × {format_label(code)}" for code, n in self.baskets)

    def items_text(self) -> str:
        return ", ".join(f"{amount(q, unit)} {name}" for name, q, unit in self.items)

    def missing_text(self) -> str:
        return ", ".join(f"{q} {label}" for label, q in self.missing)


PACKING_LIST: Report[PackingRow] = Report(
    slug="colisage", title=_l("Liste de colisage"),
    description=_l("Ce que chaque commande du point reçoit."),
    columns=(
        Column(_l("Commande"), lambda row: row.order.id, Kind.INTEGER, width=10),
        Column(_l("Foyer"), lambda row: row.order.user.name, width=24),
        Column(_l("Paniers"), PackingRow.baskets_text, width=24),
        Column(_l("Produits"), PackingRow.items_text, width=36),
        Column(_l("Manquants"), PackingRow.missing_text, width=20),
        Column(_l("Poids (kg)"), lambda row: Decimal(row.weight_g) / 1000, Kind.DECIMAL,
               total=True),
        Column(_l("À payer"), lambda row: row.order.total_cents, Kind.MONEY, total=True),
    ),
)


def packing_rows(cycle_id: int, point_id: int) -> list[PackingRow]:
    basket_weight: dict[int, int] = {}
    for item in db.session.scalars(select(BasketItem).where(BasketItem.cycle_id == cycle_id)):
        fid = item.basket_format_id
        basket_weight[fid] = basket_weight.get(fid, 0) + item.weight_g
    shorts = {s.order_line_id: s for s in db.session.scalars(
        select(Shortage).where(Shortage.cycle_id == cycle_id))}
    orders = db.session.scalars(
        select(Order).where(Order.cycle_id == cycle_id, Order.point_id == point_id,
                            Order.status != OrderStatus.CANCELLED)
        .options(selectinload(Order.lines).selectinload(OrderLine.product),
                 selectinload(Order.lines).selectinload(OrderLine.basket_format),
                 selectinload(Order.user))
        .order_by(Order.id)
    ).all()
    return [_row(order, shorts, basket_weight) for order in orders]


def _row(order: Order, shorts: dict[int, Shortage], basket_weight: dict[int, int]) -> PackingRow:
    baskets, items, missing, weight = [], [], [], 0
    for line in order.lines:
        served = shorts[line.id].served if line.id in shorts else line.quantity
        if line.basket_format is not None:
            label = line.basket_format.label
            if served:
                baskets.append((line.basket_format.code, served))
            weight += served * basket_weight.get(line.basket_format_id or 0, 0)
        else:
            label = line.product.name
            if served:
                items.append((label, served, line.product.unit))
            weight += weight_g(served, line.product.unit_weight_g, line.product.unit)
        if served < line.quantity:
            missing.append((label, line.quantity - served))
    return PackingRow(order, baskets, items, missing, weight)
