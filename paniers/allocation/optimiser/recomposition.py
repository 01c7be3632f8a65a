"""Recomposing a format from what is left, for as many of its baskets as possible.

When the priority sweep finds that a format's content no longer fits the supply left
after the lines ranked before the next basket line, the content is re-solved against
that supply: the largest number of baskets that one content can fill is found by
bisection (if k baskets fit, so do k - 1; each probe is a small feasibility solve),
then the content for that number is optimised like a first composition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

from paniers.allocation.optimiser.composition import Pantry, base_amounts, make_composition
from paniers.allocation.optimiser.composition_diagnosis import too_few
from paniers.allocation.optimiser.composition_model import (
    Ingredient,
    add_format,
    add_utilisation,
    minimise,
    read_grains,
    solve,
    suitable,
)
from paniers.allocation.optimiser.week import BasketFormat, Composition

#: Deterministic solver budgets (CP-SAT's own time unit) of the final solve and of a probe.
RECOMPOSE_EFFORT_S = 0.15
FEASIBILITY_EFFORT_S = 0.05


def recompose(
    fmt: BasketFormat,
    pantry: Pantry,
    available: Mapping[int, int],
    low: int,
    high: int,
) -> tuple[int, Composition] | None:
    """The largest number of baskets in ``low..high`` (``low`` >= 1) that one composition of
    ``fmt`` can fill from ``available`` (base amounts per product), with that composition;
    None when not even ``low`` baskets fit."""
    ingredients = suitable(fmt, pantry.ingredients())
    if too_few(fmt, ingredients) or low > high:
        return None
    best = _search_most_baskets(fmt, ingredients, available, low, high)
    if best is None:
        return None
    baskets, fallback = best
    grains = _fit(fmt, ingredients, available, baskets, RECOMPOSE_EFFORT_S, optimise=True)
    return baskets, make_composition(fmt, base_amounts(grains or fallback, ingredients), pantry)


def _search_most_baskets(
    fmt: BasketFormat,
    ingredients: Sequence[Ingredient],
    available: Mapping[int, int],
    low: int,
    high: int,
) -> tuple[int, dict[int, int]] | None:
    """Most baskets in ``low..high`` that fit, to within 1 % of ``high``, by bisection
    (if k baskets fit, so do k - 1); each probe is one feasibility solve."""
    def probe(baskets: int) -> dict[int, int] | None:
        return _fit(fmt, ingredients, available, baskets, FEASIBILITY_EFFORT_S, optimise=False)

    everything = probe(high)
    if everything is not None:
        return high, everything
    least = probe(low) if low < high else None
    if least is None:
        return None
    best, too_many = (low, least), high
    while too_many - best[0] > 1 + high // 100:
        middle = (best[0] + too_many) // 2
        grains = probe(middle)
        if grains is None:
            too_many = middle
        else:
            best = (middle, grains)
    return best


def _fit(
    fmt: BasketFormat,
    ingredients: Sequence[Ingredient],
    available: Mapping[int, int],
    baskets: int,
    effort_s: float,
    optimise: bool,
) -> dict[int, int] | None:
    """Grains per basket so that ``baskets`` baskets fit in ``available``, or None."""
    model = cp_model.CpModel()
    caps = {i.product_id: available.get(i.product_id, 0) // (baskets * i.grain)
            for i in ingredients}
    block = add_format(model, fmt, ingredients, caps)
    if optimise:
        by_id = {i.product_id: i for i in ingredients}
        minimise(model, [block], add_utilisation(model, [(block, baskets)], by_id, available))
    solver = solve(model, effort_s, presolve=optimise)
    return None if solver is None else read_grains(solver, block)
