"""What the open cycle offers, as the household sees it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.extensions import db
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
        select(BasketFormat).where(BasketFormat.cycle_id == cycle.id, BasketFormat.quota > 0)
        .order_by(BasketFormat.price_cents)
    ))
    stocks = list(db.session.scalars(
        select(ProductStock).join(Product)
        .where(ProductStock.cycle_id == cycle.id, ProductStock.declared > 0)
        .order_by(Product.category, Product.name)
    ))
    return Catalogue(cycle, formats, stocks)


def orderable_points() -> list[PickupPoint]:
    kinds = (PointKind.RELAY, PointKind.SHOP, PointKind.CITY)
    return list(db.session.scalars(
        select(PickupPoint).where(PickupPoint.active.is_(True), PickupPoint.kind.in_(kinds))
        .order_by(PickupPoint.town, PickupPoint.name)
    ))
