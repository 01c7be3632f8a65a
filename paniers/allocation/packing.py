"""The packing list of a pickup point: which order gets which baskets and items."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from paniers.allocation.models import BasketItem, Shortage
from paniers.cycles.models import format_label
from paniers.extensions import db
from paniers.money import from_base_amount
from paniers.orders.models import Order, OrderLine, OrderStatus
from producers.units import weight_g

CSV_HEADER = ["commande", "foyer", "paniers", "produits", "manquants", "poids_kg", "a_payer_eur"]


@dataclass(frozen=True)
class PackingRow:
    order: Order
    baskets: list[tuple[str, int]]  # format code, number served
    items: list[tuple[str, int, str]]  # product, base amount served, unit
    missing: list[tuple[str, int]]  # what is short: label, quantity
    weight_g: int

    def as_csv(self) -> list[object]:
        return [
            self.order.id, self.order.user.name,
            ", ".join(f"{n} × {format_label(code)}" for code, n in self.baskets),
            ", ".join(f"{from_base_amount(q, unit)} {unit} {name}" for name, q, unit in self.items),
            ", ".join(f"{q} {label}" for label, q in self.missing),
            f"{self.weight_g / 1000:.2f}", f"{self.order.total_cents / 100:.2f}",
        ]


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
