"""Evaluate a set of menus: rule counters, purchases, local share, shortfalls.

The planner reports on its own answer with these functions, counting from the
dishes chosen (not from the solver's variables), and the app can use them to
re-check menus a manager edited by hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from canteens.menu_planner.catalogue import COURSES, Catalogue, Dish, Product
from canteens.menu_planner.data import (
    Cause,
    MenuPlan,
    NonLocalItem,
    PlannedMeal,
    PlanRequest,
    RuleCount,
    Shortfall,
    Violation,
    Week,
    week_of,
)
from canteens.menu_planner.explain import explain_outside
from canteens.menu_planner.model import meal_weights
from canteens.menu_planner.rules import is_vegetarian_meal
from producers.units import value_cents


def dish_cost_mc(dish: Dish, products: Mapping[str, Product]) -> float:
    """Ingredient cost of one child's portion, in thousandths of a cent."""
    return sum(products[i.product].cost_millicents(i.grams) for i in dish.ingredients)


def week_orders(
    meals: Iterable[PlannedMeal],
    week: Week,
    products: Mapping[str, Product],
    meal_counts: int | Mapping[date, int] | None = None,
) -> dict[str, int]:
    """Base amounts to buy for the meals of ``week``, rounded to the product's unit.

    Grams per child times the meal count, summed over the week, then rounded up
    to 100 g (or 100 ml) for weighed products and to whole units for pieces,
    bunches and dozens. ``meal_counts`` replaces the meals' own counts.
    """
    grams: dict[str, float] = {}
    for meal in meals:
        if week_of(meal.date) != week:
            continue
        count = _count(meal, meal_counts)
        for dish in meal.dishes.values():
            for ingredient in dish.ingredients:
                grams[ingredient.product] = (
                    grams.get(ingredient.product, 0) + count * ingredient.grams
                )
    return {name: products[name].order_amount(g) for name, g in sorted(grams.items()) if g > 0}


def _count(meal: PlannedMeal, meal_counts: int | Mapping[date, int] | None) -> int:
    if meal_counts is None:
        return meal.meal_count
    if isinstance(meal_counts, int):
        return meal_counts
    return meal_counts.get(meal.date, meal.meal_count)


def evaluate_menus(
    request: PlanRequest,
    catalogue: Catalogue,
    menus: Sequence[Mapping[str, Dish]],
    causes: Mapping[str, Sequence[Cause]] | None = None,
    solver_status: str = "EVALUATED",
    solve_seconds: float = 0.0,
) -> MenuPlan:
    """The full report on ``menus`` (one per request date, dishes by course)."""
    causes = causes or {}
    if request.prices_cents:
        catalogue = catalogue.with_prices(request.prices_cents)
    meals = _planned_meals(request, catalogue, menus)
    shortfalls = _shortfalls(request, meals, catalogue.products)
    purchase, local, non_local = _purchases(request, meals, catalogue.products)
    weights = meal_weights(request)
    cost_mc = sum(
        w * dish_cost_mc(d, catalogue.products)
        for w, menu in zip(weights, menus, strict=True)
        for d in menu.values()
    )
    cost_per_meal = round(cost_mc / (1000 * sum(weights)))
    counters = _frequency_counters(request, menus)
    counters.append(_vegetarian_counter(request, meals))
    counters += _other_counters(request, menus, cost_per_meal, purchase, local)
    found = _found_causes(request, menus, non_local)
    violations = _violations(counters, causes, found)
    share = round(100 * local / purchase, 1) if purchase else 0.0
    outside = explain_outside(request, catalogue, menus, shortfalls, non_local, share)
    return MenuPlan(
        status="relaxed" if violations else "ok",
        meals=meals,
        counters=tuple(counters),
        violations=violations,
        shortfalls=shortfalls,
        non_local=non_local,
        purchase_value_cents=purchase,
        local_value_cents=local,
        local_share_pct=share,
        cost_per_meal_cents=cost_per_meal,
        diagnostics=tuple(dict.fromkeys(text for texts in causes.values() for text in texts)),
        solver_status=solver_status,
        solve_seconds=solve_seconds,
        products=catalogue.products,
        outside=outside,
    )


def _planned_meals(
    request: PlanRequest, catalogue: Catalogue, menus: Sequence[Mapping[str, Dish]]
) -> tuple[PlannedMeal, ...]:
    if len(menus) != len(request.dates):
        raise ValueError("one menu per date of the request")
    return tuple(
        PlannedMeal(
            date=day,
            meal_count=request.meal_count(day),
            dishes={c: menu[c] for c in COURSES if c in menu},
            cost_cents=round(
                sum(dish_cost_mc(d, catalogue.products) for d in menu.values()) / 1000
            ),
            vegetarian=is_vegetarian_meal(menu.values()),
        )
        for day, menu in zip(request.dates, menus, strict=True)
    )


def _shortfalls(
    request: PlanRequest, meals: Sequence[PlannedMeal], products: Mapping[str, Product]
) -> tuple[Shortfall, ...]:
    found: list[Shortfall] = []
    for week, offered in (request.supply_by_week or {}).items():
        for name, amount in week_orders(meals, week, products).items():
            if products[name].local and amount > offered.get(name, 0):
                found.append(Shortfall(week, name, amount, offered.get(name, 0)))
    return tuple(found)


def _purchases(
    request: PlanRequest, meals: Sequence[PlannedMeal], products: Mapping[str, Product]
) -> tuple[int, int, tuple[NonLocalItem, ...]]:
    """Purchase value, its local part, and what is bought elsewhere, by product."""
    supply = request.supply_by_week or {}
    total = local = 0
    elsewhere: dict[str, list[int]] = {}
    for week in request.weeks:
        for name, amount in week_orders(meals, week, products).items():
            product = products[name]
            value = value_cents(amount, product.price_cents, product.unit)
            local_amount = 0
            if product.local:
                local_amount = min(amount, supply[week].get(name, 0)) if week in supply else amount
            local_value = value_cents(local_amount, product.price_cents, product.unit)
            total, local = total + value, local + local_value
            if local_amount < amount:
                row = elsewhere.setdefault(name, [0, 0])
                row[0] += amount - local_amount
                row[1] += value - local_value
    items = tuple(
        NonLocalItem(name, products[name].origin, amount, value)
        for name, (amount, value) in sorted(elsewhere.items(), key=lambda kv: -kv[1][1])
    )
    return total, local, items


def _frequency_counters(
    request: PlanRequest, menus: Sequence[Mapping[str, Dish]]
) -> list[RuleCount]:
    counters = []
    for rule in request.rules:
        count, bound = rule.count(menus), rule.bound(len(menus))
        counters.append(
            RuleCount(rule.name, rule.label, count, bound, rule.kind, rule.met(count, bound))
        )
    return counters


def _vegetarian_counter(request: PlanRequest, meals: Sequence[PlannedMeal]) -> RuleCount:
    wanted = request.vegetarian_meals_per_week
    met_weeks = 0
    for week in request.weeks:
        in_week = [m for m in meals if week_of(m.date) == week]
        if sum(1 for m in in_week if m.vegetarian) >= min(wanted, len(in_week)):
            met_weeks += 1
    weeks = len(request.weeks)
    label = f"weeks with {wanted} vegetarian {'menu' if wanted == 1 else 'menus'}"
    return RuleCount("vegetarian_weekly", label, met_weeks, weeks, "min", met_weeks >= weeks)


def repeats_too_soon(
    request: PlanRequest, menus: Sequence[Mapping[str, Dish]]
) -> list[Cause]:
    """Each time a dish comes back within its course's gap (code ``repeated_too_soon``)."""
    repeats = []
    last_seen: dict[str, int] = {}
    for index, menu in enumerate(menus):
        for course, dish in menu.items():
            since = index - last_seen.get(dish.id, -request.gap(course))
            if since < request.gap(course):
                day, gap = request.dates[index].isoformat(), request.gap(course)
                repeats.append(Cause(
                    "repeated_too_soon",
                    f"{dish.name} again after {since} meals on {day} "
                    f"(no {course} twice within {gap} meals)",
                    {"dish": dish.name, "since": since, "date": day, "course": course,
                     "gap": gap},
                ))
            last_seen[dish.id] = index
    return repeats


def _other_counters(
    request: PlanRequest,
    menus: Sequence[Mapping[str, Dish]],
    cost_per_meal: int,
    purchase: int,
    local: int,
) -> list[RuleCount]:
    counters = []
    budget = request.budget_cents_per_meal
    if budget is not None:
        label = "ingredient cost per meal (cents)"
        met = cost_per_meal <= budget
        counters.append(RuleCount("budget", label, cost_per_meal, budget, "max", met))
    incomplete = sum(
        1
        for menu in menus
        if any(c not in menu and c not in request.optional_courses for c in COURSES)
    )
    if incomplete:
        label = "meals missing a required course"
        counters.append(RuleCount("menu_structure", label, incomplete, 0, "max", False))
    repeats = len(repeats_too_soon(request, menus))
    label = "dishes repeated too soon"
    counters.append(RuleCount("variety", label, repeats, 0, "max", repeats == 0))
    target = request.local_target_pct
    if target is not None:
        met = 100 * local >= target * purchase
        pct = math.floor(100 * local / purchase) if purchase else 0
        label = "local share of the purchase value (%)"
        counters.append(RuleCount("local_target", label, pct, target, "min", met))
    return counters


def _violations(
    counters: Sequence[RuleCount],
    causes: Mapping[str, Sequence[Cause]],
    found: Mapping[str, Sequence[Cause]],
) -> tuple[Violation, ...]:
    """Each rule not met, by how far from its bound, with the causes before and after solving."""
    return tuple(
        Violation(
            c.rule,
            c.label,
            abs(c.count - c.bound) or 1,
            (*causes.get(c.rule, ()), *found.get(c.rule, ())),
        )
        for c in counters
        if not c.met
    )


def _found_causes(
    request: PlanRequest,
    menus: Sequence[Mapping[str, Dish]],
    non_local: Sequence[NonLocalItem],
) -> dict[str, list[Cause]]:
    """Causes read from the plan itself, by rule name (what the farms could not supply is
    bought outside, see :mod:`canteens.menu_planner.explain`: it breaks no rule)."""
    return {
        "variety": repeats_too_soon(request, menus),
        "local_target": [
            Cause(
                "bought_elsewhere",
                f"bought elsewhere: {item.product} ({item.origin}), {item.value_cents} cents",
                {"product": item.product, "origin": item.origin,
                 "value_cents": item.value_cents},
            )
            for item in non_local[:5]
        ],
    }
