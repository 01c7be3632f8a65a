"""Basket composition: what goes into every basket of each format this week.

Each format gets one content for all its households: value within the format's
tolerance of its price at the farms' prices, weight within its band around the
target, at least ``min_products`` different seasonal products, none above
``max_share_pct`` of the weight, and as much as possible of what is plentiful
this week (the scarcest product's utilisation is minimised).

Formats are composed one at a time, each against its share of the supply left by
the produce ordered by the unit (shares in proportion to the weight of the baskets
ordered): small models that solve to optimality in a few hundredths of a second, so
the same week always gets the same baskets. :mod:`paniers.allocation.optimiser.recomposition`
re-solves one format against what is actually left when the priority sweep finds it
no longer fits.

Prices: a product offered by several farms at different prices is valued at its
*reference price*, the mean of the offers' prices weighted by the quantities
offered. The allocation splits every product between farms in proportion to what
they offered, so the reference price is also what the farms are paid on average.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from paniers.allocation.optimiser.composition_diagnosis import (
    broken_rules,
    diagnose_fixed,
    diagnose_format,
    too_few,
)
from paniers.allocation.optimiser.composition_model import (
    Ingredient,
    add_format,
    add_utilisation,
    minimise,
    read_grains,
    solve,
    suitable,
)
from paniers.allocation.optimiser.week import (
    BasketFormat,
    Composition,
    CompositionItem,
    DemandLine,
    Diagnosis,
    Offer,
    Product,
)
from producers.units import value_cents, weight_g

#: Deterministic solver budget of one format's composition (CP-SAT's own time unit;
#: the models usually solve to optimality well within it).
COMPOSE_EFFORT_S = 0.1

FixedContents = Mapping[int, Sequence[tuple[int, int]]]


@dataclass(frozen=True)
class Pantry:
    """The week's products, their reference prices and total declared supply."""

    products: dict[int, Product]
    prices_cents: dict[int, int]
    supply: dict[int, int]

    @classmethod
    def of(cls, products: Iterable[Product], offers: Iterable[Offer]) -> Pantry:
        offers = list(offers)
        supply: dict[int, int] = {}
        for offer in offers:
            supply[offer.product_id] = supply.get(offer.product_id, 0) + offer.quantity
        return cls({p.id: p for p in products}, reference_prices(offers), supply)

    def ingredient(self, product_id: int) -> Ingredient:
        p = self.products[product_id]
        price = self.prices_cents.get(product_id, 0)
        return Ingredient.of(p.id, p.unit, p.unit_weight_g, p.category, price)

    def ingredients(self) -> list[Ingredient]:
        """Products that may go into baskets: in season, with supply and a price."""
        return [
            self.ingredient(p.id)
            for p in sorted(self.products.values(), key=lambda p: p.id)
            if p.in_season and self.supply.get(p.id, 0) > 0 and p.id in self.prices_cents
        ]


@dataclass(frozen=True)
class BasketPlan:
    """Compositions by format id (formats that cannot be composed are absent) and why."""

    compositions: dict[int, Composition]
    diagnoses: tuple[Diagnosis, ...]


def reference_prices(offers: Iterable[Offer]) -> dict[int, int]:
    """Price per sale unit of each product, in cents: the offers' prices weighted by quantity,
    rounded half up. Products offered only in zero quantities get their plain mean price."""
    totals: dict[int, list[int]] = {}
    for o in offers:
        t = totals.setdefault(o.product_id, [0, 0, 0, 0])
        t[0] += o.quantity * o.price_cents
        t[1] += o.quantity
        t[2] += o.price_cents
        t[3] += 1
    return {
        pid: (2 * t[0] + t[1]) // (2 * t[1]) if t[1] else (2 * t[2] + t[3]) // (2 * t[3])
        for pid, t in totals.items()
    }


def compose_baskets(
    products: Sequence[Product],
    offers: Sequence[Offer],
    formats: Sequence[BasketFormat],
    demand: Sequence[DemandLine] = (),
    fixed: FixedContents | None = None,
) -> BasketPlan:
    """Compose every format for the whole week's demand.

    ``demand`` gives the number of baskets of each format (so that popular formats
    weigh more in what they take) and the produce ordered by the unit, which the
    composition leaves to its buyers where it can. ``fixed`` maps a format id to
    (product_id, base amount per basket) pairs set by hand; those are kept as given
    and only checked. Returns the compositions and diagnoses; never raises for an
    infeasible week, only for contents that name unknown or unseasonal products.
    """
    pantry = Pantry.of(products, offers)
    fixed = fixed or {}
    counts = _baskets_ordered(formats, demand)
    compositions = {
        f.id: fixed_composition(f, fixed[f.id], pantry) for f in formats if f.id in fixed
    }
    diagnoses = [d for f in formats if f.id in fixed for d in diagnose_fixed(f, compositions[f.id])]
    free = [f for f in formats if f.id not in fixed]
    available = _left_for_baskets(pantry, demand, compositions, counts)
    composed, found = _compose_all(free, counts, pantry, available)
    compositions.update(composed)
    diagnoses.extend(found)
    return BasketPlan(compositions, tuple(diagnoses))


def make_composition(
    fmt: BasketFormat, quantities: Mapping[int, int], pantry: Pantry, fixed: bool = False
) -> Composition:
    """A composition of ``quantities`` base amounts per basket, valued at reference prices."""
    items = []
    for pid in sorted(quantities):
        ing = pantry.ingredient(pid)
        q = quantities[pid]
        items.append(CompositionItem(pid, q, value_cents(q, ing.price_cents, ing.unit),
                                     weight_g(q, ing.unit_weight_g, ing.unit)))
    value = sum(i.value_cents for i in items)
    weight = sum(i.weight_g for i in items)
    composition = Composition(fmt.id, tuple(items), value, weight, True, fixed)
    return replace(composition, within_tolerance=not broken_rules(fmt, composition))


def fixed_composition(
    fmt: BasketFormat, contents: Sequence[tuple[int, int]], pantry: Pantry
) -> Composition:
    """The coordinator's hand-set contents of a format, checked against its rules."""
    for pid, quantity in contents:
        if pid not in pantry.products:
            raise ValueError(f"format {fmt.code}: product {pid} is not on sale this cycle")
        if not pantry.products[pid].in_season:
            raise ValueError(f"format {fmt.code}: product {pid} is out of season")
        if quantity <= 0:
            raise ValueError(f"format {fmt.code}: quantity of product {pid} must be positive")
    merged: dict[int, int] = {}
    for pid, quantity in contents:
        merged[pid] = merged.get(pid, 0) + quantity
    return make_composition(fmt, merged, pantry, fixed=True)


def _baskets_ordered(
    formats: Sequence[BasketFormat], demand: Sequence[DemandLine]
) -> dict[int, int]:
    counts = {f.id: 0 for f in formats}
    for line in demand:
        if line.format_id is not None:
            counts[line.format_id] = counts.get(line.format_id, 0) + line.quantity
    return counts


def _left_for_baskets(
    pantry: Pantry,
    demand: Sequence[DemandLine],
    fixed: Mapping[int, Composition],
    counts: Mapping[int, int],
) -> dict[int, int]:
    left = dict(pantry.supply)
    for line in demand:
        if line.product_id is not None:
            left[line.product_id] = left.get(line.product_id, 0) - line.quantity
    for fid, composition in fixed.items():
        for item in composition.items:
            left[item.product_id] = left.get(item.product_id, 0) - counts[fid] * item.quantity
    return {pid: max(q, 0) for pid, q in left.items()}


def _compose_all(
    formats: Sequence[BasketFormat],
    counts: Mapping[int, int],
    pantry: Pantry,
    available: Mapping[int, int],
) -> tuple[dict[int, Composition], list[Diagnosis]]:
    """Compose each format against its share of the supply; diagnose those that cannot be."""
    ingredients = pantry.ingredients()
    compositions: dict[int, Composition] = {}
    diagnoses = []
    for fmt in formats:
        usable = suitable(fmt, ingredients)
        problem = too_few(fmt, usable)
        share = _share(fmt, formats, counts, available)
        grains = None if problem else _solve_alone(fmt, counts[fmt.id], usable, pantry, share)
        if grains is None:
            diagnoses.append(problem or diagnose_format(fmt, usable, pantry.supply))
        else:
            compositions[fmt.id] = make_composition(fmt, base_amounts(grains, usable), pantry)
    return compositions, diagnoses


def _share(
    fmt: BasketFormat,
    formats: Sequence[BasketFormat],
    counts: Mapping[int, int],
    available: Mapping[int, int],
) -> dict[int, int]:
    """The part of each product's supply a format may count on: in proportion to the
    weight of its baskets ordered (to its target weight when nothing was ordered)."""
    def weight(f: BasketFormat) -> int:
        return max(counts.get(f.id, 0), 1) * f.target_weight_g

    total = sum(weight(f) for f in formats)
    return {pid: amount * weight(fmt) // total for pid, amount in available.items()}


def _solve_alone(
    fmt: BasketFormat,
    baskets: int,
    ingredients: Sequence[Ingredient],
    pantry: Pantry,
    share: Mapping[int, int],
) -> dict[int, int] | None:
    """Grains per basket, the format's share of supply a soft limit (utilisation above 1000)."""
    model = cp_model.CpModel()
    caps = {i.product_id: pantry.supply[i.product_id] // i.grain for i in ingredients}
    block = add_format(model, fmt, ingredients, caps)
    by_id = {i.product_id: i for i in ingredients}
    minimise(model, [block], add_utilisation(model, [(block, max(baskets, 1))], by_id, share))
    solver = solve(model, COMPOSE_EFFORT_S)
    return None if solver is None else read_grains(solver, block)


def base_amounts(grains: Mapping[int, int], ingredients: Iterable[Ingredient]) -> dict[int, int]:
    """Grains per product turned into base amounts."""
    size = {i.product_id: i.grain for i in ingredients}
    return {pid: g * size[pid] for pid, g in grains.items()}
