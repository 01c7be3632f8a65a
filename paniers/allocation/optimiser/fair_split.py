"""Fairness between farms: who supplies what was sold, and how fair the week was.

Rule: for each product, every farm's share of the quantity sold equals its share of
the quantity offered (exactly, up to one base amount of rounding); the odd base
amounts go to the largest remainders, ties to the closer farm. The proportional
split never exceeds an offer, since nothing is sold beyond what was offered.

Measure (``max_share_gap_pct``): over every product offered by two farms or more
and sold at all, the largest gap, in percentage points, between a farm's share of
the quantity sold and its share of the quantity offered. It is measured per product
because that is what the allocation decides: which products households buy is
theirs to choose, so a farm's share of the week's takings by value (reported per
farm as well) also moves with demand, which no split can correct.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from paniers.allocation.optimiser.week import FarmShare, Offer, OfferOutcome, Product
from producers.units import value_cents


def split_fairly(offers: Sequence[Offer], sold: int) -> dict[int, int]:
    """Share ``sold`` base amounts of one product between its ``offers`` (offer id -> amount),
    in proportion to the quantities offered; the rounding goes to the closer farms."""
    total = sum(o.quantity for o in offers)
    if sold > total:
        raise ValueError(f"cannot sell {sold} of a product offered {total}")
    if sold == 0:
        return {o.id: 0 for o in offers}
    shares = {o.id: sold * o.quantity // total for o in offers}
    rest = sold - sum(shares.values())
    by_remainder = sorted(offers, key=lambda o: (-(sold * o.quantity % total), o.distance_m, o.id))
    for offer in by_remainder[:rest]:
        shares[offer.id] += 1
    return shares


def offer_outcomes(
    offers: Iterable[Offer], sold: Mapping[int, int], products: Mapping[int, Product]
) -> tuple[OfferOutcome, ...]:
    """Each offer's sold amount and its value at the offer's own price."""
    return tuple(
        OfferOutcome(o.id, o.farm_id, o.product_id, o.quantity, sold.get(o.id, 0),
                     value_cents(sold.get(o.id, 0), o.price_cents, products[o.product_id].unit))
        for o in offers
    )


def farm_shares(
    offers: Iterable[Offer], outcomes: Iterable[OfferOutcome], products: Mapping[int, Product]
) -> tuple[FarmShare, ...]:
    """Each farm's offered and sold value at its own prices, and its shares of the totals."""
    offered: dict[int, int] = {}
    sold: dict[int, int] = {}
    for o in offers:
        worth = value_cents(o.quantity, o.price_cents, products[o.product_id].unit)
        offered[o.farm_id] = offered.get(o.farm_id, 0) + worth
    for outcome in outcomes:
        sold[outcome.farm_id] = sold.get(outcome.farm_id, 0) + outcome.sold_cents
    all_offered, all_sold = sum(offered.values()), sum(sold.values())
    shares = []
    for farm in sorted(offered):
        offered_pct = _percent(offered[farm], all_offered)
        sold_pct = _percent(sold.get(farm, 0), all_sold)
        shares.append(FarmShare(farm, offered[farm], sold.get(farm, 0), offered_pct, sold_pct,
                                round(sold_pct - offered_pct, 2)))
    return tuple(shares)


def max_share_gap_pct(offers: Iterable[Offer], sold: Mapping[int, int]) -> float:
    """The fairness figure described in the module docstring (0 when no product is shared)."""
    by_product: dict[int, dict[int, list[int]]] = {}
    for o in offers:
        farm = by_product.setdefault(o.product_id, {}).setdefault(o.farm_id, [0, 0])
        farm[0] += o.quantity
        farm[1] += sold.get(o.id, 0)
    gaps = [0.0]
    for farms in by_product.values():
        offered_total = sum(f[0] for f in farms.values())
        sold_total = sum(f[1] for f in farms.values())
        if sold_total == 0 or sum(1 for f in farms.values() if f[0] > 0) < 2:
            continue
        gaps.extend(abs(100 * f[1] / sold_total - 100 * f[0] / offered_total)
                    for f in farms.values())
    return round(max(gaps), 2)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0
