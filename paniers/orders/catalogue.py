"""What the open cycle offers, as the household sees it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.extensions import db
from paniers.formids import as_id
from paniers.orders.services import Cart
from paniers.points.models import PickupPoint, PointKind
from paniers.stock import BasketRoom, basket_room
from producers.models import Product
from producers.units import value_cents


@dataclass(frozen=True)
class Catalogue:
    cycle: OrderCycle
    formats: list[BasketFormat]
    stocks: list[ProductStock]
    room: BasketRoom

    def baskets_left(self, basket_format: BasketFormat) -> int:
        """How many more baskets of a format can be ordered: its quota, capped by what the
        declared supply can fill."""
        return self.room.of(basket_format)

    def likely_contents(self, limit: int = 8) -> list[Product]:
        """The in-season products most offered this week: what baskets will be made of."""
        month = self.cycle.delivery_date.month
        seasonal = [s for s in self.stocks if s.product.in_season(month)]
        seasonal.sort(key=lambda s: -s.declared * s.price_cents)
        return [s.product for s in seasonal[:limit]]


def catalogue(cycle: OrderCycle) -> Catalogue:
    formats = list(db.session.scalars(
        select(BasketFormat).where(BasketFormat.cycle_id == cycle.id, BasketFormat.quota > 0,
                                   BasketFormat.active.is_(True))
        .order_by(BasketFormat.price_cents)
    ))
    stocks = list(db.session.scalars(
        select(ProductStock).join(Product).options(contains_eager(ProductStock.product))
        .where(ProductStock.cycle_id == cycle.id, ProductStock.declared > 0,
               Product.active.is_(True))
        .order_by(Product.category, Product.name)
    ))
    return Catalogue(cycle, formats, stocks, basket_room(cycle.id))


_OFFERED = (  # built once: every order asks
    select(ProductStock).join(Product).options(contains_eager(ProductStock.product))
    .where(ProductStock.cycle_id == bindparam("cycle_id"), ProductStock.declared > 0,
           Product.active.is_(True),
           ProductStock.product_id.in_(bindparam("product_ids", expanding=True)))
)


def offered_stocks(cycle_id: int, product_ids: set[int]) -> list[ProductStock]:
    """The catalogue's lines among ``product_ids`` (an order's), with their product."""
    if not product_ids:
        return []
    return list(db.session.scalars(
        _OFFERED, {"cycle_id": cycle_id, "product_ids": sorted(product_ids)}))


ORDERABLE_KINDS = (PointKind.RELAY, PointKind.SHOP, PointKind.CITY)


def orderable_points() -> list[PickupPoint]:
    return list(db.session.scalars(
        select(PickupPoint)
        .where(PickupPoint.active.is_(True), PickupPoint.kind.in_(ORDERABLE_KINDS))
        .order_by(PickupPoint.town, PickupPoint.name)
    ))


def orderable_point(point_id: int | None) -> PickupPoint | None:
    """The point a household picked, if it is one of ``orderable_points()``."""
    point = db.session.get(PickupPoint, as_id(point_id)) if point_id else None
    if point is None or not point.active or point.kind not in ORDERABLE_KINDS:
        return None
    return point


@dataclass(frozen=True)
class SummaryLine:
    label: str
    quantity: int  # baskets, or the base amount of a product
    unit: str | None  # the product's sale unit; None for baskets
    unit_price_cents: int
    total_cents: int


@dataclass(frozen=True)
class OrderSummary:
    point: PickupPoint
    lines: list[SummaryLine]

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)


def summarise(cycle: OrderCycle, point: PickupPoint, cart: Cart,
              stocks: list[ProductStock]) -> OrderSummary:
    """The order as it will be placed, at this week's prices (the stock is taken only
    when the household confirms)."""
    formats = {f.id: f for f in cycle.formats}
    lines = [SummaryLine(formats[format_id].label, count, None, formats[format_id].price_cents,
                         count * formats[format_id].price_cents)
             for format_id, count in sorted(cart.baskets.items())
             if count and format_id in formats]
    by_id = {s.product_id: s for s in stocks}
    lines += [SummaryLine(by_id[product_id].product.name, quantity, by_id[product_id].product.unit,
                          by_id[product_id].price_cents,
                          value_cents(quantity, by_id[product_id].price_cents,
                                      by_id[product_id].product.unit))
              for product_id, quantity in sorted(cart.products.items())
              if quantity and product_id in by_id]
    return OrderSummary(point, lines)
