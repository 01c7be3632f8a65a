"""The CP-SAT model behind basket composition: one block of variables per format.

A format's content is an integer number of *grains* per product (50 g for produce
sold by weight, 250 ml for the litre, one unit for pieces, bunches and dozens).
Value is modelled before rounding, with half a cent of margin per product in the
price rule, so that the total of the items' values as the books round them
(:func:`producers.units.value_cents`, item by item) stays within the format's range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from paniers.allocation.optimiser.week import BasketFormat
from producers.units import Unit, base_per_unit, weight_g

GRAIN_BY_UNIT: dict[str, int] = {
    Unit.KG: 50,
    Unit.LITRE: 250,
    Unit.PIECE: 1,
    Unit.BUNCH: 1,
    Unit.DOZEN: 1,
}
#: Smallest amount of a product worth putting in a basket, in grains (100 g by weight).
MIN_GRAINS_BY_UNIT: dict[str, int] = {Unit.KG: 2, Unit.LITRE: 1}

#: Objective weights, per per mille: of weight off target and of value off the price;
#: of the scarcest product's utilisation above 100 % (baskets that will not all fit
#: are worse than light ones); of the scarcest product's utilisation and of each
#: product's (so that plentiful products fill the baskets).
DEVIATION_COST = 2_000
OVERUSE_COST = 20_000
WORST_UTILISATION_COST = 300
TOTAL_UTILISATION_COST = 50
#: Every product in a basket is worth at least this share of the basket's price: no token
#: 100 g of carrots in a large basket.
MIN_ITEM_VALUE_PCT = 5


@dataclass(frozen=True)
class Ingredient:
    """A product that may go into baskets this week, at its reference price."""

    product_id: int
    unit: str
    category: str
    price_cents: int
    unit_weight_g: int
    grain: int
    min_grains: int
    grain_weight_g: int
    grain_value_mc: int  # value of one grain in thousandths of a cent, exact

    @classmethod
    def of(cls, product_id: int, unit: str, unit_weight_g: int, category: str,
           price_cents: int) -> Ingredient:
        grain = GRAIN_BY_UNIT[unit]
        return cls(
            product_id=product_id,
            unit=unit,
            category=category,
            price_cents=price_cents,
            unit_weight_g=unit_weight_g,
            grain=grain,
            min_grains=MIN_GRAINS_BY_UNIT.get(unit, 1),
            grain_weight_g=max(1, weight_g(grain, unit_weight_g, unit)),
            grain_value_mc=grain * price_cents * 1000 // base_per_unit(unit),
        )


@dataclass
class FormatBlock:
    """The variables of one format in a model."""

    fmt: BasketFormat
    grains: dict[int, cp_model.IntVar]
    value_mc: cp_model.LinearExpr  # thousandths of a cent, before rounding
    weight: cp_model.LinearExpr
    deviation: cp_model.IntVar  # grams off the target weight
    price_gap: cp_model.IntVar  # cents off the price


def suitable(fmt: BasketFormat, ingredients: Sequence[Ingredient]) -> list[Ingredient]:
    """The ingredients whose category the format accepts."""
    return [i for i in ingredients if not fmt.categories or i.category in fmt.categories]


def max_grains(fmt: BasketFormat, ingredient: Ingredient) -> int:
    """Most grains of an ingredient one basket may hold under the share rule."""
    heaviest = fmt.weight_range_g[1]
    return fmt.max_share_pct * heaviest // (100 * ingredient.grain_weight_g)


def add_format(
    model: cp_model.CpModel,
    fmt: BasketFormat,
    ingredients: Sequence[Ingredient],
    caps: Mapping[int, int],
    price_rule: bool = True,
) -> FormatBlock:
    """Add one format's content, with its variety, share, weight and (optionally) price rules.

    ``caps`` bounds the grains of each product (supply); missing products are unbounded.
    """
    items = {}
    for ing in ingredients:
        cap = min(max_grains(fmt, ing), caps.get(ing.product_id, 1 << 40))
        if cap >= ing.min_grains:
            items[ing.product_id] = (ing, _add_item(model, fmt, ing, cap))
    grains = {pid: item.grains for pid, (_, item) in items.items()}
    pairs = list(items.values())
    weight = cp_model.LinearExpr.weighted_sum(
        [item.grains for _, item in pairs], [ing.grain_weight_g for ing, _ in pairs]
    )
    value_mc = cp_model.LinearExpr.weighted_sum(
        [item.grains for _, item in pairs], [ing.grain_value_mc for ing, _ in pairs]
    )
    products = cp_model.LinearExpr.sum([item.used for _, item in pairs])
    model.add(products >= fmt.min_products)
    model.add_linear_constraint(weight, *fmt.weight_range_g)
    if price_rule:
        # Each item's value is rounded to the cent on its own (up to half a cent either
        # way): keep that much margin per product so the rounded total stays in range.
        low, high = fmt.price_range_cents
        model.add(value_mc >= 1000 * low + 500 * products)
        model.add(value_mc <= 1000 * high - 500 * products)
    for ing, item in items.values():
        model.add(100 * ing.grain_weight_g * item.grains <= fmt.max_share_pct * weight)
    deviation = model.new_int_var(0, fmt.target_weight_g, f"d{fmt.id}")
    model.add(deviation >= weight - fmt.target_weight_g)
    model.add(deviation >= fmt.target_weight_g - weight)
    most_cents = sum(ing.grain_value_mc * max_grains(fmt, ing) for ing, _ in pairs) // 1000
    price_gap = model.new_int_var(0, max(fmt.price_cents, most_cents) + 1, f"p{fmt.id}")
    model.add(1000 * price_gap >= value_mc - 1000 * fmt.price_cents)
    model.add(1000 * price_gap >= 1000 * fmt.price_cents - value_mc)
    return FormatBlock(fmt, grains, value_mc, weight, deviation, price_gap)


@dataclass(frozen=True)
class _Item:
    grains: cp_model.IntVar
    used: cp_model.IntVar


def _add_item(model: cp_model.CpModel, fmt: BasketFormat, ing: Ingredient, cap: int) -> _Item:
    """One product's grains in a format, and whether it is in at all."""
    name = f"{fmt.id}_{ing.product_id}"
    grains = model.new_int_var(0, cap, f"x{name}")
    used = model.new_bool_var(f"u{name}")
    least = max(ing.min_grains, -(-fmt.price_cents * MIN_ITEM_VALUE_PCT * 10 // ing.grain_value_mc)
                if ing.grain_value_mc else ing.min_grains)
    model.add(grains >= least).only_enforce_if(used)
    model.add(grains == 0).only_enforce_if(~used)
    return _Item(grains, used)


@dataclass
class Utilisation:
    """How hard the baskets draw on the week's supply, in per mille of each product's
    available amount: the worst product, and the sum over products."""

    worst: cp_model.IntVar
    total: cp_model.LinearExpr
    bound: int


def add_utilisation(
    model: cp_model.CpModel,
    blocks: Sequence[tuple[FormatBlock, int]],
    ingredients: Mapping[int, Ingredient],
    available: Mapping[int, int],
) -> Utilisation:
    """The baskets' draw on supply; ``blocks`` pairs each format with its number of baskets.

    Above 1000 per mille the baskets would need more than is available.
    """
    bound = 1000 * sum(n * max_grains(b.fmt, ing) * ing.grain
                       for b, n in blocks for ing in ingredients.values())
    bound = max(bound, 1000)
    worst = model.new_int_var(0, bound, "utilisation")
    variables: list[cp_model.IntVar] = []
    coefficients: list[int] = []
    for pid, ing in ingredients.items():
        terms = [(b.grains[pid], n * ing.grain) for b, n in blocks if pid in b.grains]
        if not terms:
            continue
        amount = max(available.get(pid, 0), 1)
        use = cp_model.LinearExpr.weighted_sum([t[0] for t in terms], [t[1] for t in terms])
        model.add(1000 * use <= amount * worst)
        variables.extend(t[0] for t in terms)
        coefficients.extend(1000 * t[1] // amount for t in terms)
    return Utilisation(worst, cp_model.LinearExpr.weighted_sum(variables, coefficients), bound)


def minimise(model: cp_model.CpModel, blocks: Sequence[FormatBlock],
             utilisation: Utilisation | None) -> None:
    """Weight and value close to target, then spare the scarcest product, then scarce ones."""
    terms: list[cp_model.LinearExprT] = []
    for b in blocks:
        terms.append(-(-1000 * DEVIATION_COST // b.fmt.target_weight_g) * b.deviation)
        terms.append(-(-1000 * DEVIATION_COST // b.fmt.price_cents) * b.price_gap)
    if utilisation is not None:
        excess = model.new_int_var(0, max(utilisation.bound - 1000, 0), "excess")
        model.add(excess >= utilisation.worst - 1000)
        terms.append(OVERUSE_COST * excess)
        terms.append(WORST_UTILISATION_COST * utilisation.worst)
        terms.append(TOTAL_UTILISATION_COST * utilisation.total)
    model.minimize(cp_model.LinearExpr.sum(terms))


def solve(model: cp_model.CpModel, effort_s: float, presolve: bool = True
          ) -> cp_model.CpSolver | None:
    """Solve on one worker within a deterministic budget, so a re-run gives the same plan.

    ``presolve=False`` suits quick yes/no questions on small models, where presolving
    costs more than it saves. Returns the solver holding a solution, or None when there
    is none (or none found within the budget).
    """
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = effort_s
    solver.parameters.max_time_in_seconds = 20 * effort_s + 1  # a stuck machine, not a plan
    solver.parameters.cp_model_presolve = presolve
    status = solver.solve(model)
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def read_grains(solver: cp_model.CpSolver, block: FormatBlock) -> dict[int, int]:
    """Grains per basket of each product the solution puts in the format."""
    return {pid: int(solver.value(x)) for pid, x in block.grains.items() if solver.value(x) > 0}
