"""The coordinator's figures of a week: supply declared against orders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from paniers.cycles.models import OrderCycle, ProductStock
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


@dataclass(frozen=True)
class SupplyReadiness:
    """What the declared supply covers of the baskets on sale, before opening a cycle."""

    farms_declared: int
    farms_total: int
    declared_weight_g: int
    baskets_weight_g: int  # the quotas of baskets at their target weight

    @property
    def thin(self) -> bool:
        """No farm has declared, or the supply weighs less than the baskets on sale."""
        return self.farms_declared == 0 or self.declared_weight_g < self.baskets_weight_g


def supply_readiness(cycle: OrderCycle) -> SupplyReadiness:
    farms = farm_figures(cycle.id)
    return SupplyReadiness(
        farms_declared=sum(1 for row in farms if row.products),
        farms_total=len(farms),
        declared_weight_g=sum(row.declared_weight_g for row in farms),
        baskets_weight_g=sum(f.quota * f.target_weight_g for f in cycle.formats),
    )


def live_orders(cycle_id: int) -> int:
    return db.session.scalar(select(func.count(Order.id)).where(
        Order.cycle_id == cycle_id, Order.status != OrderStatus.CANCELLED)) or 0
