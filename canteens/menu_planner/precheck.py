"""Causes found before solving: what in the catalogue and the seasons blocks a rule.

These explain a violation in the user's terms ("only 2 fish mains in season"),
where the solver alone would only say by how much a rule is missed.
"""

from __future__ import annotations

from collections.abc import Sequence

from canteens.menu_planner.catalogue import Catalogue, Dish
from canteens.menu_planner.data import Cause, PlanRequest, monday_of_week, week_of
from canteens.menu_planner.model import Options, meal_weights
from canteens.menu_planner.rules import FrequencyRule

STRUCTURE = "menu_structure"


def precheck(
    request: PlanRequest, catalogue: Catalogue, options: Options
) -> dict[str, list[Cause]]:
    """Causes by rule name (``menu_structure`` for courses with no dish in season)."""
    causes: dict[str, list[Cause]] = {}
    for rule in request.rules:
        found = _min_rule_causes(request, catalogue, options, rule)
        found += _max_rule_causes(request, options, rule)
        if found:
            causes[rule.name] = found
    for rule_name, found in (
        ("vegetarian_weekly", _vegetarian_causes(request, options)),
        ("budget", _budget_causes(request, catalogue, options)),
        (STRUCTURE, _structure_causes(request, options)),
    ):
        if found:
            causes[rule_name] = found
    if "vegetarian_weekly" not in causes:
        # Few vegetarian mains show as mains repeated too soon or as missed weeks.
        found = _vegetarian_capacity_causes(request, options)
        if found:
            causes["vegetarian_weekly"] = causes["variety"] = found
    return causes


def _spaced_picks(positions: Sequence[int], gap: int) -> int:
    """How many of ``positions`` can be used with ``gap`` meals between uses."""
    picks, last = 0, None
    for position in positions:
        if last is None or position - last >= gap:
            picks, last = picks + 1, position
    return picks


def _min_rule_causes(
    request: PlanRequest, catalogue: Catalogue, options: Options, rule: FrequencyRule
) -> list[Cause]:
    if rule.kind != "min":
        return []
    meals, bound = len(options), rule.bound(len(options))
    in_season: dict[str, Dish] = {}
    capacity = 0
    for dish in (d for d in catalogue.dishes if rule.counts(d)):
        positions = [i for i, by_course in enumerate(options) if dish in by_course[dish.course]]
        if positions:
            in_season[dish.id] = dish
            capacity += _spaced_picks(positions, request.gap(dish.course))
    if rule.per == "meal":
        capacity = min(capacity, sum(1 for i in range(meals) if _has_counted(options, i, rule)))
    if capacity >= bound:
        return []
    in_catalogue = sum(1 for d in catalogue.dishes if rule.counts(d))
    if not in_season:
        return [Cause(
            "rule_none_in_season",
            f"no dish for '{rule.label}' is in season for these dates "
            f"({in_catalogue} in the catalogue); the rule asks {bound} of {meals} meals",
            {"rule": rule.name, "catalogue": in_catalogue, "bound": bound, "meals": meals},
        )]
    names = sorted(d.name for d in in_season.values())
    return [Cause(
        "rule_few_in_season",
        f"only {len(in_season)} dishes for '{rule.label}' are in season for these dates "
        f"({in_catalogue} in the catalogue: {', '.join(names)}); without repeating a dish "
        f"too soon they fill at most {capacity} of {meals} meals, the rule asks {bound}",
        {"rule": rule.name, "dishes": len(in_season), "catalogue": in_catalogue,
         "names": names, "capacity": capacity, "meals": meals, "bound": bound},
    )]


def _has_counted(options: Options, meal: int, rule: FrequencyRule) -> bool:
    return any(rule.counts(d) for c in rule.courses for d in options[meal].get(c, []))


def _max_rule_causes(request: PlanRequest, options: Options, rule: FrequencyRule) -> list[Cause]:
    if rule.kind != "max":
        return []
    forced = 0
    for by_course in options:
        courses = [
            c
            for c in rule.courses
            if c not in request.optional_courses
            and by_course[c]
            and all(rule.counts(d) for d in by_course[c])
        ]
        forced += min(len(courses), 1) if rule.per == "meal" else len(courses)
    bound = rule.bound(len(options))
    if forced <= bound:
        return []
    return [Cause(
        "rule_forced",
        f"on some dates every dish in season for a course counts as '{rule.label}': "
        f"at least {forced} of {len(options)} meals, the rule allows {bound}",
        {"rule": rule.name, "forced": forced, "meals": len(options), "bound": bound},
    )]


def _vegetarian_causes(request: PlanRequest, options: Options) -> list[Cause]:
    if request.vegetarian_meals_per_week <= 0:
        return []
    weeks_with = {
        week_of(day)
        for day, by_course in zip(request.dates, options, strict=True)
        if any(d.vegetarian for d in by_course["main"])
    }
    return [
        Cause(
            "no_vegetarian_main",
            f"no vegetarian main in season in the week of {monday_of_week(week)}",
            {"week": monday_of_week(week)},
        )
        for week in request.weeks
        if week not in weeks_with
    ]


def _vegetarian_capacity_causes(request: PlanRequest, options: Options) -> list[Cause]:
    """Too few vegetarian mains to serve the weekly ones without repeating a main too soon."""
    mains = {d.id: d for by_course in options for d in by_course["main"] if d.vegetarian}
    capacity = sum(
        _spaced_picks(
            [i for i, by_course in enumerate(options) if dish in by_course["main"]],
            request.gap("main"),
        )
        for dish in mains.values()
    )
    needed = sum(
        min(request.vegetarian_meals_per_week, sum(1 for d in request.dates if week_of(d) == w))
        for w in request.weeks
    )
    if capacity >= needed:
        return []
    names = sorted(d.name for d in mains.values())
    return [Cause(
        "few_vegetarian_mains",
        f"only {len(mains)} vegetarian mains in season for these dates ({', '.join(names)}); "
        f"without serving a main twice within {request.gap('main')} meals they fill "
        f"{capacity} of the {needed} vegetarian menus needed",
        {"mains": len(mains), "names": names, "gap": request.gap("main"),
         "capacity": capacity, "needed": needed},
    )]


def _cheapest_meal_mc(
    request: PlanRequest, catalogue: Catalogue, by_course: dict[str, list[Dish]]
) -> int:
    def cheapest(dishes: list[Dish]) -> int:
        return min(
            round(
                sum(catalogue.products[i.product].cost_millicents(i.grams) for i in d.ingredients)
            )
            for d in dishes
        )

    required = sum(
        cheapest(ds) for c, ds in by_course.items() if ds and c not in request.optional_courses
    )
    optional = sorted(
        cheapest(ds) for c, ds in by_course.items() if ds and c in request.optional_courses
    )
    may_omit = 1 if len(optional) == len(request.optional_courses) else 0
    return required + sum(optional[: len(optional) - may_omit])


def _budget_causes(request: PlanRequest, catalogue: Catalogue, options: Options) -> list[Cause]:
    budget = request.budget_cents_per_meal
    if budget is None:
        return []
    weights = meal_weights(request)
    cheapest = sum(
        w * _cheapest_meal_mc(request, catalogue, by_course)
        for w, by_course in zip(weights, options, strict=True)
    ) / (1000 * sum(weights))
    if cheapest <= budget:
        return []
    return [Cause(
        "budget_unreachable",
        f"even the cheapest meals in season cost {cheapest:.0f} cents a meal on average "
        f"(rules aside), over the budget of {budget}",
        {"cheapest_cents": round(cheapest), "budget_cents": budget},
    )]


def _structure_causes(request: PlanRequest, options: Options) -> list[Cause]:
    return [
        Cause(
            "course_missing",
            f"no {course} in season on {day.isoformat()}: the meal goes without",
            {"course": course, "date": day.isoformat()},
        )
        for day, by_course in zip(request.dates, options, strict=True)
        for course, dishes in by_course.items()
        if not dishes and course not in request.optional_courses
    ]
