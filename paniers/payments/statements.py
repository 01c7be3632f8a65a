"""Farm statements: what each farm is owed for what was allocated from its offers.

Pure functions over plain rows, so that allocation (or anything else that says how
much of each offer was sold) can feed them: ``farm_statements(offers, allocations)``
with allocations as ``(offer_id, quantity)`` pairs in base amounts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from producers.units import value_cents


@dataclass(frozen=True)
class OfferPrice:
    offer_id: int
    farm_id: int
    farm_name: str
    product_id: int
    product_name: str
    unit: str
    quantity: int  # declared, base amount
    price_cents: int  # per sale unit, paid to the farm


@dataclass(frozen=True)
class StatementLine:
    product_name: str
    unit: str
    quantity: int
    price_cents: int
    owed_cents: int


@dataclass(frozen=True)
class FarmStatement:
    farm_id: int
    farm_name: str
    lines: list[StatementLine]

    @property
    def owed_cents(self) -> int:
        return sum(line.owed_cents for line in self.lines)


def farm_statements(offers: list[OfferPrice],
                    allocations: list[tuple[int, int]]) -> list[FarmStatement]:
    """Per farm, per offer: the quantity allocated and its value at the farm's price.

    ``allocations`` may hold several rows per offer (one per order line or basket
    format); they are summed. An allocation to an unknown offer is a ``ValueError``."""
    by_id = {offer.offer_id: offer for offer in offers}
    sold: dict[int, int] = defaultdict(int)
    for offer_id, quantity in allocations:
        if offer_id not in by_id:
            raise ValueError(f"allocation to unknown offer {offer_id}")
        if quantity < 0:
            raise ValueError(f"negative allocation to offer {offer_id}")
        sold[offer_id] += quantity
    lines: dict[int, list[StatementLine]] = defaultdict(list)
    for offer in sorted(offers, key=lambda o: (o.farm_name, o.product_name)):
        quantity = sold.get(offer.offer_id, 0)
        if quantity:
            lines[offer.farm_id].append(StatementLine(
                offer.product_name, offer.unit, quantity, offer.price_cents,
                value_cents(quantity, offer.price_cents, offer.unit)))
    names = {offer.farm_id: offer.farm_name for offer in offers}
    return [FarmStatement(farm_id, names[farm_id], lines[farm_id])
            for farm_id in sorted(lines, key=lambda fid: names[fid])]


def pro_rata_allocations(offers: list[OfferPrice],
                         sold_by_product: dict[int, int]) -> list[tuple[int, int]]:
    """A provisional allocation before the real one: what sold of each product, split
    across its offers in proportion to what each farm declared (largest remainders, so
    the parts add up to what sold, never beyond what a farm declared)."""
    by_product: dict[int, list[OfferPrice]] = defaultdict(list)
    for offer in offers:
        by_product[offer.product_id].append(offer)
    result: list[tuple[int, int]] = []
    for product_id, group in sorted(by_product.items()):
        declared = sum(o.quantity for o in group)
        sold = min(sold_by_product.get(product_id, 0), declared)
        if sold <= 0 or declared <= 0:
            continue
        shares = [(o, sold * o.quantity // declared, sold * o.quantity % declared)
                  for o in group]
        left = sold - sum(base for _o, base, _r in shares)
        ranked = sorted(shares, key=lambda s: (-s[2], s[0].offer_id))
        extra = {s[0].offer_id for s in ranked[:left]}
        result.extend((o.offer_id, base + (1 if o.offer_id in extra else 0))
                      for o, base, _r in shares)
    return result
