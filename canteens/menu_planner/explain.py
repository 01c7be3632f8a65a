"""Why a plan buys a product outside while a local one of the same role was offered.

A local product fills the same role when a dish of the same course, in season
that day and made of farm produce only, counts for the same school-meal rules
(and is vegetarian when the planned main is). The planner only leaves such a
dish aside for a reason the canteen can check: the farms' offer, variety, the
budget, or a local target already met (the outside product being cheaper).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from canteens.menu_planner.catalogue import Catalogue, Dish, Product
from canteens.menu_planner.data import (
    NonLocalItem,
    OutsideChoice,
    PlanRequest,
    Shortfall,
    week_of,
)
from canteens.menu_planner.model import dish_options, meal_weights


@dataclass
class _Found:
    alternatives: set[str] = field(default_factory=set)
    dishes: set[str] = field(default_factory=set)
    dates: set[date] = field(default_factory=set)
    extra_cents: int = 0


def explain_outside(
    request: PlanRequest,
    catalogue: Catalogue,
    menus: Sequence[Mapping[str, Dish]],
    shortfalls: Sequence[Shortfall],
    non_local: Sequence[NonLocalItem],
    local_share_pct: float,
) -> tuple[OutsideChoice, ...]:
    """One explanation per (product, reason), the costliest purchases first."""
    products = catalogue.products
    values = {item.product: item.value_cents for item in non_local}
    choices = list(_supply_choices(request, menus, shortfalls, values))
    options = dish_options(request, catalogue)
    found: dict[tuple[str, str], _Found] = {}
    for index, menu in enumerate(menus):
        for course, dish in menu.items():
            outside = [i.product for i in dish.ingredients if not products[i.product].local]
            if not outside:
                continue
            alternatives = [
                d for d in options[index][course] if _same_role(d, dish, request, products)
            ]
            if not alternatives:
                continue
            reason, kept, extra = _why_not(
                request, catalogue, menus, index, dish, alternatives, local_share_pct
            )
            for product in outside:
                entry = found.setdefault((product, reason), _Found())
                entry.alternatives.update(_main_product(d) for d in kept)
                entry.dishes.add(dish.name)
                entry.dates.add(request.dates[index])
                entry.extra_cents = max(entry.extra_cents, extra)
    for (product, reason), entry in found.items():
        choices.append(
            OutsideChoice(
                product,
                reason,
                tuple(sorted(entry.alternatives)),
                tuple(sorted(entry.dishes)),
                tuple(sorted(entry.dates)),
                values.get(product, 0),
                extra_cents_per_meal=entry.extra_cents,
            )
        )
    return tuple(sorted(choices, key=lambda c: (-c.value_cents, c.product, c.reason)))


def _supply_choices(
    request: PlanRequest,
    menus: Sequence[Mapping[str, Dish]],
    shortfalls: Sequence[Shortfall],
    values: Mapping[str, int],
) -> list[OutsideChoice]:
    by_product: dict[str, list[Shortfall]] = {}
    for short in shortfalls:
        by_product.setdefault(short.product, []).append(short)
    choices = []
    for product, shorts in by_product.items():
        weeks = {s.week for s in shorts}
        uses = [
            (day, dish.name)
            for day, menu in zip(request.dates, menus, strict=True)
            if week_of(day) in weeks
            for dish in menu.values()
            if any(i.product == product for i in dish.ingredients)
        ]
        choices.append(
            OutsideChoice(
                product,
                "supply",
                (product,),
                tuple(sorted({name for _d, name in uses})),
                tuple(sorted({day for day, _n in uses})),
                values.get(product, 0),
                needed=sum(s.needed for s in shorts),
                offered=sum(s.offered for s in shorts),
            )
        )
    return choices


def _main_product(dish: Dish) -> str:
    """The ingredient a dish is mostly made of (what it is named after, in practice)."""
    return max(dish.ingredients, key=lambda i: i.grams).product


def _role(dish: Dish, request: PlanRequest) -> frozenset[str]:
    counted = {a for rule in request.rules for a in rule.attributes if dish.course in rule.courses}
    if dish.course == "main" and request.vegetarian_meals_per_week > 0:
        counted.add("vegetarian")
    return dish.attributes & frozenset(counted)


def _same_role(
    candidate: Dish, dish: Dish, request: PlanRequest, products: Mapping[str, Product]
) -> bool:
    return (
        candidate.id != dish.id
        and all(products[i.product].local for i in candidate.ingredients)
        and _role(candidate, request) == _role(dish, request)
    )


def _dish_cost_cents(dish: Dish, products: Mapping[str, Product]) -> float:
    return sum(products[i.product].cost_millicents(i.grams) for i in dish.ingredients) / 1000


def _why_not(
    request: PlanRequest,
    catalogue: Catalogue,
    menus: Sequence[Mapping[str, Dish]],
    index: int,
    dish: Dish,
    alternatives: list[Dish],
    local_share_pct: float,
) -> tuple[str, list[Dish], int]:
    """The first reason that rules out every alternative, the alternatives it concerns and
    what the cheapest of them would cost more per meal (cents)."""
    gap = request.gap(dish.course)
    near = range(max(0, index - gap + 1), min(len(menus), index + gap))
    fresh = [
        a for a in alternatives if not any(j != index and menus[j].get(a.course) == a for j in near)
    ]
    if not fresh:
        return "variety", alternatives, 0
    offered = (request.supply_by_week or {}).get(week_of(request.dates[index]))
    if offered is not None:
        supplied = [a for a in fresh if all(offered.get(i.product, 0) > 0 for i in a.ingredients)]
        if not supplied:
            return "supply", fresh, 0
        fresh = supplied
    products = catalogue.products
    cheapest = min(fresh, key=lambda a: _dish_cost_cents(a, products))
    extra = max(0, round(_dish_cost_cents(cheapest, products) - _dish_cost_cents(dish, products)))
    target = request.local_target_pct
    if target is not None and local_share_pct >= target:
        return "target_reached", [cheapest], extra
    budget = request.budget_cents_per_meal
    if budget is not None and extra > 0 and _over_budget(request, catalogue, menus, index, extra):
        return "budget", [cheapest], extra
    return "not_found", fresh, extra


def _over_budget(
    request: PlanRequest,
    catalogue: Catalogue,
    menus: Sequence[Mapping[str, Dish]],
    index: int,
    extra_cents: int,
) -> bool:
    weights = meal_weights(request)
    cost = sum(
        w * _dish_cost_cents(d, catalogue.products)
        for w, menu in zip(weights, menus, strict=True)
        for d in menu.values()
    )
    budget = request.budget_cents_per_meal or 0
    return (cost + weights[index] * extra_cents) / sum(weights) > budget
