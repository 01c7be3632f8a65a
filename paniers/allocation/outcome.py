"""Reading a cycle's stored plan back: what each role sees of the allocation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from paniers.allocation.models import AllocationLine, BasketItem, Shortage
from paniers.allocation.optimiser import week
from paniers.allocation.optimiser.fair_split import farm_shares, max_share_gap_pct, offer_outcomes
from paniers.cycles.models import BasketFormat
from paniers.extensions import db
from paniers.orders.models import Order, OrderLine
from producers.models import Farm, Product, SupplyOffer
from producers.units import value_cents


@dataclass(frozen=True)
class FormatContents:
    basket_format: BasketFormat
    items: list[BasketItem]
    farms: dict[int, list[str]]  # product id -> farm names it came from
    baskets: int

    @property
    def value_cents(self) -> int:
        return sum(item.value_cents for item in self.items)

    @property
    def weight_g(self) -> int:
        return sum(item.weight_g for item in self.items)

    @property
    def fixed(self) -> bool:
        return any(item.fixed for item in self.items)


def contents(cycle_id: int) -> list[FormatContents]:
    formats = db.session.scalars(select(BasketFormat).where(BasketFormat.cycle_id == cycle_id)
                                 .order_by(BasketFormat.price_cents)).all()
    items = defaultdict(list)
    for item in db.session.scalars(select(BasketItem).where(BasketItem.cycle_id == cycle_id)
                                   .order_by(BasketItem.weight_g.desc())):
        items[item.basket_format_id].append(item)
    sources: dict[tuple[int, int], set[str]] = defaultdict(set)
    rows = db.session.execute(
        select(AllocationLine.basket_format_id, SupplyOffer.product_id, Farm.name)
        .join(SupplyOffer, AllocationLine.offer_id == SupplyOffer.id).join(Farm)
        .where(AllocationLine.cycle_id == cycle_id, AllocationLine.basket_format_id.is_not(None))
    ).all()
    for format_id, product_id, farm in rows:
        sources[(format_id or 0, product_id)].add(farm)
    served = baskets_served(cycle_id)
    return [
        FormatContents(
            fmt, items[fmt.id],
            {i.product_id: sorted(sources[(fmt.id, i.product_id)]) for i in items[fmt.id]},
            served.get(fmt.id, 0),
        )
        for fmt in formats
    ]


def baskets_served(cycle_id: int) -> dict[int, int]:
    ordered: dict[int, int] = dict(db.session.execute(  # type: ignore[arg-type]
        select(OrderLine.basket_format_id, func.sum(OrderLine.quantity)).join(Order)
        .where(Order.cycle_id == cycle_id, Order.status != "cancelled",
               OrderLine.basket_format_id.is_not(None))
        .group_by(OrderLine.basket_format_id)
    ).all())
    for shortage in shortages(cycle_id):
        fid = shortage.order_line.basket_format_id
        if fid is not None:
            ordered[fid] -= shortage.ordered - shortage.served
    return {int(k): int(v) for k, v in ordered.items()}


@dataclass(frozen=True)
class PublicationEffect:
    """What publishing the allocation will do: households told of a shortage, refunded."""

    households: int
    refund_cents: int


def publication_effect(cycle_id: int) -> PublicationEffect:
    households, refund = db.session.execute(
        select(func.count(func.distinct(Order.user_id)),
               func.coalesce(func.sum(Shortage.refund_cents), 0))
        .select_from(Shortage).join(OrderLine, OrderLine.id == Shortage.order_line_id)
        .join(Order, Order.id == OrderLine.order_id).where(Shortage.cycle_id == cycle_id)
    ).one()
    return PublicationEffect(int(households), int(refund))


def shortages(cycle_id: int) -> list[Shortage]:
    return list(db.session.scalars(select(Shortage).where(Shortage.cycle_id == cycle_id)
                                   .order_by(Shortage.id)))


@dataclass(frozen=True)
class FarmWeek:
    farm: Farm
    share: week.FarmShare | None
    leftovers: list[tuple[Product, int]]  # what was offered and not sold


def _plain(offers: list[SupplyOffer]) -> tuple[list[week.Offer], dict[int, week.Product]]:
    plain = [week.Offer(o.id, o.farm_id, o.product_id, o.quantity, o.price_cents,
                        o.farm.distance_m) for o in offers]
    products = {o.product_id: week.Product(o.product.id, o.product.name, o.product.unit,
                                           o.product.unit_weight_g, o.product.category)
                for o in offers}
    return plain, products


def sold_per_offer(cycle_id: int) -> dict[int, int]:
    return {int(k): int(v) for k, v in db.session.execute(
        select(AllocationLine.offer_id, func.sum(AllocationLine.quantity))
        .where(AllocationLine.cycle_id == cycle_id).group_by(AllocationLine.offer_id)
    ).all()}


def farm_weeks(cycle_id: int) -> tuple[list[FarmWeek], float]:
    """Each farm's offered and sold value, its shares, its leftovers; and the fairness figure."""
    offers = list(db.session.scalars(select(SupplyOffer).where(SupplyOffer.cycle_id == cycle_id)))
    plain, products = _plain(offers)
    sold = sold_per_offer(cycle_id)
    shares = {s.farm_id: s for s in farm_shares(plain, offer_outcomes(plain, sold, products),
                                                 products)}
    leftovers = defaultdict(list)
    for offer in offers:
        if offer.quantity > sold.get(offer.id, 0):
            leftovers[offer.farm_id].append((offer.product, offer.quantity - sold.get(offer.id, 0)))
    farms = db.session.scalars(select(Farm).order_by(Farm.name)).all()
    return ([FarmWeek(f, shares.get(f.id), leftovers[f.id]) for f in farms],
            max_share_gap_pct(plain, sold))


@dataclass(frozen=True)
class BringLine:
    product: Product
    quantity: int
    value_cents: int


def what_to_bring(cycle_id: int, farm_id: int) -> list[BringLine]:
    """Per product, what a farm brings to the hub this week and what it earns for it."""
    sold = sold_per_offer(cycle_id)
    offers = db.session.scalars(select(SupplyOffer).where(
        SupplyOffer.cycle_id == cycle_id, SupplyOffer.farm_id == farm_id)).all()
    return [BringLine(o.product, sold[o.id], value_cents(sold[o.id], o.price_cents, o.product.unit))
            for o in sorted(offers, key=lambda o: o.product.name) if sold.get(o.id)]


def what_households_see(
    orders: list[Order],
) -> tuple[dict[int, list[BasketItem]], dict[int, Shortage]]:
    """Basket contents per format and shortages per order line, for a household's orders."""
    cycle_ids = {order.cycle_id for order in orders if order.cycle.published_dt is not None}
    line_ids = [line.id for order in orders for line in order.lines]
    items: dict[int, list[BasketItem]] = defaultdict(list)
    for item in db.session.scalars(select(BasketItem).where(BasketItem.cycle_id.in_(cycle_ids))
                                   .order_by(BasketItem.weight_g.desc())):
        items[item.basket_format_id].append(item)
    shorts = {s.order_line_id: s for s in db.session.scalars(
        select(Shortage).where(Shortage.order_line_id.in_(line_ids),
                               Shortage.cycle_id.in_(cycle_ids)))}
    return dict(items), shorts
