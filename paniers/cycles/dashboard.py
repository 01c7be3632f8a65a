"""The coordinator's figures of a week: supply declared against orders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from paniers.cycles.models import ProductStock
from paniers.extensions import db
from paniers.orders.models import Order, OrderStatus
from paniers.points.models import PickupPoint
from producers.models import Farm, Product, SupplyOffer
from producers.units import value_cents, weight_g


@dataclass(frozen=True)
class ProductFigures:
    product: Product
    declared: int
    ordered: int
    farms: int

    @property
    def remaining(self) -> int:
        return self.declared - self.ordered


@dataclass(frozen=True)
class FarmFigures:
    farm: Farm
    products: int
    declared_value_cents: int
    declared_weight_g: int
    share_pct: float


def product_figures(cycle_id: int) -> list[ProductFigures]:
    farms = dict(db.session.execute(
        select(SupplyOffer.product_id, func.count(SupplyOffer.farm_id))
        .where(SupplyOffer.cycle_id == cycle_id).group_by(SupplyOffer.product_id)
    ).all())
    stocks = db.session.execute(
        select(ProductStock, Product).join(Product)
        .where(ProductStock.cycle_id == cycle_id, ProductStock.declared > 0)
        .order_by(Product.name)
    ).all()
    return [ProductFigures(p, s.declared, s.sold, farms.get(p.id, 0)) for s, p in stocks]


def farm_figures(cycle_id: int) -> list[FarmFigures]:
    offers = db.session.execute(
        select(SupplyOffer, Product).join(Product).where(SupplyOffer.cycle_id == cycle_id)
    ).all()
    per_farm: dict[int, list[tuple[int, int]]] = {}
    for offer, product in offers:
        per_farm.setdefault(offer.farm_id, []).append((
            value_cents(offer.quantity, offer.price_cents, product.unit),
            weight_g(offer.quantity, product.unit_weight_g, product.unit),
        ))
    total = sum(v for lines in per_farm.values() for v, _w in lines) or 1
    farms = db.session.scalars(select(Farm).order_by(Farm.name)).all()
    return [
        FarmFigures(
            farm, len(per_farm.get(farm.id, [])),
            sum(v for v, _w in per_farm.get(farm.id, [])),
            sum(w for _v, w in per_farm.get(farm.id, [])),
            100 * sum(v for v, _w in per_farm.get(farm.id, [])) / total,
        )
        for farm in farms
    ]


def orders_per_point(cycle_id: int) -> list[tuple[PickupPoint, int, int]]:
    """Each point with its number of orders and their total (cents), live orders only."""
    rows = db.session.execute(
        select(PickupPoint, func.count(Order.id), func.coalesce(func.sum(Order.total_cents), 0))
        .join(Order, Order.point_id == PickupPoint.id)
        .where(Order.cycle_id == cycle_id, Order.status != OrderStatus.CANCELLED)
        .group_by(PickupPoint.id).order_by(PickupPoint.name)
    ).all()
    return [(point, int(count), int(total)) for point, count, total in rows]
