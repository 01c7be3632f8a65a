"""The week's plan: compose the baskets, serve demand by priority, split sales between farms.

``plan_week`` is the one entry point the cycle service calls once the cycle is
closed. It is a pure function of plain data (see :mod:`paniers.allocation.optimiser.week`): the
same week in gives the same plan out. Its model size depends on formats, products
and farms only; the demand lines are served in a single pass in plain Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from paniers.allocation.optimiser.composition import FixedContents, Pantry, compose_baskets
from paniers.allocation.optimiser.composition_diagnosis import kilos
from paniers.allocation.optimiser.fair_split import (
    farm_shares,
    max_share_gap_pct,
    offer_outcomes,
    split_fairly,
)
from paniers.allocation.optimiser.serving import Sweep, serve_in_priority_order
from paniers.allocation.optimiser.week import (
    Allocation,
    BasketFormat,
    BasketSupply,
    DemandLine,
    Diagnosis,
    LineOutcome,
    Offer,
    Product,
    WeekPlan,
)
from producers.units import Unit, value_cents


def plan_week(
    products: Sequence[Product],
    offers: Sequence[Offer],
    formats: Sequence[BasketFormat],
    demand: Sequence[DemandLine],
    fixed: FixedContents | None = None,
) -> WeekPlan:
    """Compose the week's baskets and allocate the farms' offers to every demand line.

    In: the cycle's products, the farms' offers, the basket formats, every order line
    and canteen line, and optionally hand-set contents of some formats (format id ->
    (product id, base amount per basket) pairs, kept as given).
    Out: a :class:`WeekPlan` where every ordered quantity is either served (allocated to
    offers, or in baskets whose contents are allocated to offers) or short with its
    refund and reason; no offer is sold beyond its quantity.

    Demand is served canteens first, then subscriptions, then one-off orders, each by
    ``placed_rank``; baskets are recomposed before any is cut. Raises ``ValueError``
    only for inconsistent input (unknown or duplicate ids); an impossible week comes
    back as diagnoses and shortages.
    """
    _check_references(products, offers, formats, demand)
    pantry = Pantry.of(products, offers)
    basket_plan = compose_baskets(products, offers, formats, demand, fixed)
    lines = sorted(demand, key=lambda line: line.priority)
    sweep = serve_in_priority_order(lines, formats, pantry, basket_plan.compositions,
                                    frozenset(fixed or {}))
    sold = _split_between_farms(offers, sweep)
    allocations, supplies = _attribute(offers, sweep, sold)
    outcomes = offer_outcomes(offers, sold, pantry.products)
    return WeekPlan(
        compositions=tuple(sweep.compositions[f.id] for f in formats if f.id in sweep.compositions),
        baskets_served=dict(sweep.baskets),
        allocations=tuple(allocations),
        basket_supplies=tuple(supplies),
        lines=tuple(_outcome(line, sweep, pantry.products) for line in demand),
        offers=outcomes,
        farms=farm_shares(offers, outcomes, pantry.products),
        max_share_gap_pct=max_share_gap_pct(offers, sold),
        diagnoses=(*_supply_diagnoses(offers), *basket_plan.diagnoses,
                   *_sweep_diagnoses(sweep, lines)),
    )


def _check_references(
    products: Sequence[Product],
    offers: Sequence[Offer],
    formats: Sequence[BasketFormat],
    demand: Sequence[DemandLine],
) -> None:
    for name, ids in (("product", [p.id for p in products]), ("offer", [o.id for o in offers]),
                      ("format", [f.id for f in formats]), ("demand line", [d.id for d in demand])):
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {name} ids")
    product_ids = {p.id for p in products}
    format_ids = {f.id for f in formats}
    for offer in offers:
        if offer.product_id not in product_ids:
            raise ValueError(f"offer {offer.id}: unknown product {offer.product_id}")
    for line in demand:
        if line.product_id is not None and line.product_id not in product_ids:
            raise ValueError(f"line {line.id}: unknown product {line.product_id}")
        if line.format_id is not None and line.format_id not in format_ids:
            raise ValueError(f"line {line.id}: unknown format {line.format_id}")


def _split_between_farms(offers: Sequence[Offer], sweep: Sweep) -> dict[int, int]:
    """Offer id -> amount sold: each product's sales split in proportion to the offers."""
    by_product: dict[int, list[Offer]] = {}
    for offer in offers:
        by_product.setdefault(offer.product_id, []).append(offer)
    sold: dict[int, int] = {}
    for pid, group in by_product.items():
        sold.update(split_fairly(group, sweep.pantry.supply[pid] - sweep.remaining[pid]))
    return sold


def _attribute(
    offers: Sequence[Offer], sweep: Sweep, sold: Mapping[int, int]
) -> tuple[list[Allocation], list[BasketSupply]]:
    """Which offers feed which line and format: the closest offers feed the first served."""
    allocations: list[Allocation] = []
    supplies: list[BasketSupply] = []
    for pid, consumers in sorted(sweep.consumers.items()):
        sources = sorted((o for o in offers if o.product_id == pid and sold.get(o.id)),
                         key=lambda o: (o.distance_m, o.id))
        stock = [[o.id, sold[o.id]] for o in sources]
        for kind, key in consumers:
            for offer_id, amount in _take(stock, _consumed(sweep, pid, kind, key)):
                if kind == "line":
                    allocations.append(Allocation(key, offer_id, amount))
                else:
                    supplies.append(BasketSupply(key, pid, offer_id, amount))
    return allocations, supplies


def _consumed(sweep: Sweep, product_id: int, kind: str, key: int) -> int:
    if kind == "line":
        return sweep.served[key]
    return sweep.baskets[key] * sweep.compositions[key].quantity_of(product_id)


def _take(stock: list[list[int]], amount: int) -> Iterable[tuple[int, int]]:
    """Draw ``amount`` from the head of ``stock`` ([offer id, amount left] pairs)."""
    while amount > 0:
        offer_id, left = stock[0]
        part = min(left, amount)
        yield offer_id, part
        amount -= part
        stock[0][1] -= part
        if stock[0][1] == 0:
            stock.pop(0)


def _outcome(line: DemandLine, sweep: Sweep, products: Mapping[int, Product]) -> LineOutcome:
    served = sweep.served.get(line.id, 0)
    if line.product_id is None:
        charged = line.quantity * line.unit_price_cents
        served_cents = served * line.unit_price_cents
    else:
        unit = products[line.product_id].unit
        charged = value_cents(line.quantity, line.unit_price_cents, unit)
        served_cents = value_cents(served, line.unit_price_cents, unit)
    return LineOutcome(line.id, line.order_id, line.quantity, served, charged,
                       charged - served_cents, sweep.reasons.get(line.id))


def _supply_diagnoses(offers: Sequence[Offer]) -> list[Diagnosis]:
    if any(o.quantity > 0 for o in offers):
        return []
    return [Diagnosis("no_supply", "No supply declared this week.")]


def _sweep_diagnoses(sweep: Sweep, lines: Sequence[DemandLine]) -> list[Diagnosis]:
    found = []
    for fid, times in sorted(sweep.recomposed.items()):
        code = sweep.formats[fid].code
        found.append(Diagnosis(
            "recomposed", f"The {code} baskets were recomposed from the supply left after "
            f"the orders ranked before them ({times} time{'s' if times > 1 else ''}).",
            format_id=fid, params={"format": code, "times": times}))
    short: dict[tuple[str, int], list[int]] = {}
    for line in lines:
        missing = line.quantity - sweep.served.get(line.id, 0)
        if missing > 0:
            tally = short.setdefault(_subject(line), [0, 0])
            tally[0] += missing
            tally[1] += 1
    for (kind, key), (missing, count) in sorted(short.items()):
        found.append(_shortage_diagnosis(sweep, kind, key, missing, count))
    return found


def _subject(line: DemandLine) -> tuple[str, int]:
    if line.product_id is not None:
        return "product", line.product_id
    assert line.format_id is not None
    return "format", line.format_id


def _shortage_diagnosis(sweep: Sweep, kind: str, key: int, missing: int, count: int) -> Diagnosis:
    plural = "s" if count > 1 else ""
    if kind == "format":
        code = sweep.formats[key].code
        return Diagnosis("basket_cut", f"{missing} {code} basket{'s' if missing > 1 else ''} "
                         f"could not be filled ({count} order line{plural}).", format_id=key,
                         params={"format": code, "baskets": missing, "lines": count})
    product = sweep.pantry.products[key]
    return Diagnosis("product_short", f"{product.name}: {_amount(missing, product.unit)} short "
                     f"({count} order line{plural}).", product_id=key,
                     params={"product": product.name, "quantity": missing, "lines": count})


def _amount(quantity: int, unit: str) -> str:
    if unit == Unit.KG:
        return kilos(quantity)
    if unit == Unit.LITRE:
        return kilos(quantity).replace("kg", "l")
    return f"{quantity} × {unit}"
