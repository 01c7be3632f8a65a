"""Why a basket format cannot be composed, in words a coordinator can act on."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

from paniers.allocation.optimiser.composition_model import Ingredient, add_format, solve
from paniers.allocation.optimiser.week import BasketFormat, Composition, Diagnosis

DIAGNOSIS_EFFORT_S = 0.2


def euros(cents: int) -> str:
    """Cents as the interface shows them: ``1200`` -> ``12,00 €``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d} €"


def kilos(grams: int) -> str:
    """Grams as kilograms with one decimal: ``4500`` -> ``4,5 kg``."""
    return f"{grams / 1000:.1f}".replace(".", ",") + " kg"


def broken_rules(fmt: BasketFormat, composition: Composition) -> list[str]:
    """Which of the format's rules the composition breaks: price, weight, variety, share."""
    low_c, high_c = fmt.price_range_cents
    low_g, high_g = fmt.weight_range_g
    broken = []
    if not low_c <= composition.value_cents <= high_c:
        broken.append("price")
    if not low_g <= composition.weight_g <= high_g:
        broken.append("weight")
    if sum(1 for i in composition.items if i.quantity > 0) < fmt.min_products:
        broken.append("variety")
    if any(100 * i.weight_g > fmt.max_share_pct * composition.weight_g for i in composition.items):
        broken.append("share")
    return broken


def needed_products(fmt: BasketFormat) -> int:
    """Fewest products a basket can hold: the variety rule, or the share rule if stricter."""
    return max(fmt.min_products, -(-100 // fmt.max_share_pct))


def too_few(fmt: BasketFormat, ingredients: Sequence[Ingredient]) -> Diagnosis | None:
    """A diagnosis when fewer seasonal products are on offer than the format needs."""
    needed = needed_products(fmt)
    if not ingredients:
        return Diagnosis(
            "no_supply",
            f"No seasonal produce declared: {fmt.code} baskets cannot be composed.",
            format_id=fmt.id,
            params={"format": fmt.code},
        )
    if len(ingredients) >= needed:
        return None
    count = len(ingredients)
    return Diagnosis(
        "too_few_products",
        f"Only {count} product{'s' if count > 1 else ''} in season: "
        f"{fmt.code} baskets need at least {needed}.",
        format_id=fmt.id,
        params={"format": fmt.code, "products": count, "needed": needed},
    )


def diagnose_fixed(fmt: BasketFormat, composition: Composition) -> list[Diagnosis]:
    """A diagnosis when hand-set contents break the format's rules."""
    broken = broken_rules(fmt, composition)
    if not broken:
        return []
    return [Diagnosis(
        "fixed_out_of_tolerance",
        f"The hand-set {fmt.code} basket breaks the {', '.join(broken)} rule"
        f"{'s' if len(broken) > 1 else ''}: {euros(composition.value_cents)}, "
        f"{kilos(composition.weight_g)}, {len(composition.items)} products.",
        format_id=fmt.id,
        params={"format": fmt.code, "rules": ",".join(broken)},
    )]


def diagnose_format(
    fmt: BasketFormat, ingredients: Sequence[Ingredient], supply: Mapping[int, int]
) -> Diagnosis:
    """Explain why no composition of ``fmt`` exists: supply, price too low or too high."""
    caps = {i.product_id: supply.get(i.product_id, 0) // i.grain for i in ingredients}
    highest = _extreme_value(fmt, ingredients, caps, maximise=True)
    params: dict[str, int | str] = {"format": fmt.code, "price_cents": fmt.price_cents,
                                    "tolerance_pct": fmt.tolerance_pct}
    if highest is None:
        return Diagnosis(
            "not_enough_supply",
            f"Not enough varied produce to fill one {fmt.code} basket to "
            f"{kilos(fmt.weight_range_g[0])} with {needed_products(fmt)} products.",
            format_id=fmt.id, params=params,
        )
    low, high = fmt.price_range_cents
    lowest = _extreme_value(fmt, ingredients, caps, maximise=False)
    if highest < low:
        return Diagnosis(
            "price_unreachable",
            f"Prices cannot reach {euros(fmt.price_cents)} within ±{fmt.tolerance_pct} %: "
            f"at most {euros(highest)} for a {fmt.code} basket of "
            f"{kilos(fmt.target_weight_g)}.",
            format_id=fmt.id, params={**params, "reachable_cents": highest},
        )
    if lowest is not None and lowest > high:
        return Diagnosis(
            "price_unreachable",
            f"Prices cannot come down to {euros(fmt.price_cents)} within "
            f"±{fmt.tolerance_pct} %: at least {euros(lowest)} for a {fmt.code} basket of "
            f"{kilos(fmt.target_weight_g)}.",
            format_id=fmt.id, params={**params, "reachable_cents": lowest},
        )
    return Diagnosis(
        "no_composition",
        f"No mix of this week's produce meets price, weight, variety and share together "
        f"for {fmt.code} baskets.",
        format_id=fmt.id, params=params,
    )


def _extreme_value(
    fmt: BasketFormat, ingredients: Sequence[Ingredient], caps: Mapping[int, int], maximise: bool
) -> int | None:
    """Highest (or lowest) value one basket can have under all rules but the price."""
    model = cp_model.CpModel()
    block = add_format(model, fmt, ingredients, caps, price_rule=False)
    if maximise:
        model.maximize(block.value_mc)
    else:
        model.minimize(block.value_mc)
    solver = solve(model, DIAGNOSIS_EFFORT_S)
    if solver is None:
        return None
    bound = solver.best_objective_bound  # proven, even when stopped before optimality
    return math.floor(bound / 1000) if maximise else math.ceil(bound / 1000)
