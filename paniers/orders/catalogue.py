"""What the open cycle offers, as the household sees it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.extensions import db
from paniers.formids import as_id
from paniers.points.models import PickupPoint, PointKind
from producers.models import Product


@dataclass(frozen=True)
class Catalogue:
    cycle: OrderCycle
    formats: list[BasketFormat]
    stocks: list[ProductStock]

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
    return Catalogue(cycle, formats, stocks)


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
