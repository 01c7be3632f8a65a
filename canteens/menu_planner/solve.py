"""The canteen menu planner: a pure function from a request and a catalogue to a plan.

Usage::

    catalogue = load_demo_catalogue()
    dates = service_dates(date(2026, 12, 7), meals=20)
    plan = plan_menus(PlanRequest(dates=dates, meal_counts=180), catalogue)
    orders = ingredients_for_week(plan, (2026, 50))

Seasons and the course structure are hard. Then, in this order (see
:mod:`canteens.menu_planner.steps`): the school-meal rules and the budget, met
whenever a plan can meet them all (otherwise the closest plan comes back, and
``plan.violations`` says which rule is missed, by how much and, where the
catalogue explains it, why); the local share of the purchase value, as high as
the supply allows (up to the canteen's target); the cost. What the farms cannot
supply is bought outside and explained in ``plan.outside``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from canteens.menu_planner.catalogue import Catalogue, load_demo_catalogue
from canteens.menu_planner.data import (
    Cause,
    CostOfLocal,
    MenuPlan,
    NonLocalItem,
    OutsideChoice,
    PlannedMeal,
    PlanRequest,
    RuleCount,
    Shortfall,
    Violation,
    Week,
    week_of,
)
from canteens.menu_planner.model import dish_options, solve_menus
from canteens.menu_planner.precheck import precheck
from canteens.menu_planner.report import evaluate_menus, week_orders

__all__ = [
    "Cause",
    "CostOfLocal",
    "MenuPlan",
    "NonLocalItem",
    "OutsideChoice",
    "PlanRequest",
    "PlannedMeal",
    "RuleCount",
    "Shortfall",
    "Violation",
    "Week",
    "evaluate_menus",
    "ingredients_for_week",
    "load_demo_catalogue",
    "plan_menus",
    "service_dates",
    "week_of",
]

#: Monday, Tuesday, Thursday, Friday: French primary schools' usual service days.
SCHOOL_WEEKDAYS: tuple[int, ...] = (0, 1, 3, 4)


def service_dates(
    first_day: date,
    meals: int,
    weekdays: Sequence[int] = SCHOOL_WEEKDAYS,
    is_day_off: Callable[[date], bool] | None = None,
) -> tuple[date, ...]:
    """The first ``meals`` service days from ``first_day`` on (weekdays 0 = Monday).

    ``is_day_off`` tells the days without meals (holidays, closures: see
    ``canteens.calendar.day_off``); they are skipped. Without it every weekday counts.
    """
    if meals < 0 or not weekdays:
        raise ValueError("need a non-negative number of meals and at least one service weekday")
    days: list[date] = []
    day = first_day
    limit = first_day + timedelta(days=366 + 7 * meals)  # no endless search in a closed year
    while len(days) < meals and day < limit:
        if day.weekday() in weekdays and not (is_day_off is not None and is_day_off(day)):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def plan_menus(
    request: PlanRequest, catalogue: Catalogue, *, compare_cheapest: bool = True
) -> MenuPlan:
    """Plan one menu per date of ``request`` from the dishes of ``catalogue``.

    Lexicographic: the school-meal rules and the budget first, then the local
    share of the purchase value as high as the supply allows (up to the
    request's target, all of it without one), then the lowest cost.

    Prices in ``request.prices_cents`` replace the catalogue's. Returns a
    :class:`MenuPlan`: the meals (dishes by course, cost per child), every rule's
    count against its bound, the violations with their causes, supply
    shortfalls in the declared weeks, what is bought outside the farms, the
    local share of the purchase value and the average cost of a child's meal.
    Its ``status`` is 'ok', 'relaxed' (closest plan) or 'no_plan'. Products
    bought outside while a local one of the same role was offered are in
    ``plan.outside`` with the reason; with ``compare_cheapest``,
    ``plan.cost_of_local`` sets the plan beside the cheapest one meeting the rules.
    """
    if request.prices_cents:
        catalogue = catalogue.with_prices(request.prices_cents)
    options = dish_options(request, catalogue)
    causes = precheck(request, catalogue, options)
    solution = solve_menus(request, catalogue, options, compare_cheapest=compare_cheapest)
    if solution.menus is None:
        return _no_plan(causes, solution.status, solution.seconds)
    plan = evaluate_menus(
        request, catalogue, solution.menus, causes, solution.status, solution.seconds
    )
    if solution.cheapest is None:
        return plan
    cheapest = evaluate_menus(request, catalogue, solution.cheapest)
    if plan.cost_per_meal_cents < cheapest.cost_per_meal_cents:
        cheapest = plan  # the search for the cheapest stopped before it found this one
    comparison = CostOfLocal(
        cost_per_meal_cents=plan.cost_per_meal_cents,
        local_share_pct=plan.local_share_pct,
        cheapest_cost_per_meal_cents=cheapest.cost_per_meal_cents,
        cheapest_local_share_pct=cheapest.local_share_pct,
        meals=sum(request.meal_count(day) for day in request.dates),
    )
    return replace(plan, cost_of_local=comparison)


def _no_plan(causes: Mapping[str, Sequence[Cause]], status: str, seconds: float) -> MenuPlan:
    found = tuple(dict.fromkeys(text for texts in causes.values() for text in texts))
    return MenuPlan(
        status="no_plan",
        meals=(),
        counters=(),
        violations=(),
        shortfalls=(),
        non_local=(),
        purchase_value_cents=0,
        local_value_cents=0,
        local_share_pct=0.0,
        cost_per_meal_cents=0,
        diagnostics=found + (Cause(
            "no_plan_in_time", f"the solver found no plan in the time limit ({status})",
            {"status": status},
        ),),
        solver_status=status,
        solve_seconds=seconds,
    )


def ingredients_for_week(
    plan: MenuPlan, week: Week, meal_counts: int | Mapping[date, int] | None = None
) -> dict[str, int]:
    """What to order for the meals of ``week``: base amounts by product name.

    Grams per child times the meal count (the plan's, or ``meal_counts`` per
    date or for every date), summed over the week and rounded up: to 100 g
    (100 ml) for products sold by the kg (litre), to whole units for pieces,
    bunches and dozens. Bought-in items are included; ``plan.products[name].local``
    tells which come from the farms.
    """
    return week_orders(plan.meals, week, plan.products, meal_counts)
