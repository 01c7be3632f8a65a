"""What each pickup point receives this week: weight and crates, from the allocated plan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from paniers.allocation.models import BasketItem, Shortage
from paniers.extensions import db
from paniers.orders.models import Order, OrderStatus
from producers.models import Product
from producers.units import weight_g

# One crate per basket; loose produce and canteen orders travel in crates of about 10 kg.
LOOSE_CRATE_G = 10_000


@dataclass(frozen=True)
class PointLoad:
    point_id: int
    weight_g: int
    crates: int
    orders: int
    baskets: int


def point_loads(cycle_id: int) -> dict[int, PointLoad]:
    """Weight and crates per point, counting what allocation served (shortages left out)."""
    basket_weight: dict[int, int] = defaultdict(int)
    for item in db.session.scalars(select(BasketItem).where(BasketItem.cycle_id == cycle_id)):
        basket_weight[item.basket_format_id] += item.weight_g
    shorts = {s.order_line_id: s for s in db.session.scalars(
        select(Shortage).where(Shortage.cycle_id == cycle_id))}
    loose: dict[int, int] = defaultdict(int)
    # per point: weight, crates, orders, baskets
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    products = {p.id: p for p in db.session.scalars(select(Product))}
    for order in db.session.scalars(select(Order).where(
            Order.cycle_id == cycle_id, Order.status != OrderStatus.CANCELLED)
            .options(selectinload(Order.lines))):  # one query for the lines, not one an order
        total = totals[order.point_id]
        total[2] += 1
        for line in order.lines:
            served = shorts[line.id].served if line.id in shorts else line.quantity
            if line.basket_format_id is not None:
                total[0] += served * basket_weight[line.basket_format_id]
                total[1] += served
                total[3] += served
            else:
                product = products[line.product_id]
                grams = weight_g(served, product.unit_weight_g, product.unit)
                total[0] += grams
                loose[order.point_id] += grams
    return {
        point_id: PointLoad(point_id, w, c + -(-loose[point_id] // LOOSE_CRATE_G), n, b)
        for point_id, (w, c, n, b) in totals.items() if w > 0
    }
