"""The planner's order: the rules, then the local share as the supply allows, then the cost.

Tiny catalogues checked by hand: one side (Carottes, 100 g at 2.00 €/kg, local:
20 cents) and one dairy (Fromage blanc, 100 g at 6.00 €/kg, local: 60 cents);
the main is either local chicken (50 g at 12.00 €/kg: 60 cents) or imported
chicken (50 g at 6.00 €/kg: 30 cents). Two meals in one week for 10 children.
"""

from __future__ import annotations

from datetime import date

import pytest

from canteens.menu_planner.catalogue import Catalogue, Dish, Ingredient, Product
from canteens.menu_planner.solve import MenuPlan, PlanRequest, plan_menus

ALL_YEAR = frozenset(range(1, 13))
WEEK = (2026, 50)
DATES = (date(2026, 12, 7), date(2026, 12, 8))


def product(name: str, price_cents_per_kg: int, origin: str = "local") -> Product:
    return Product(name, "meat", "kg", 1000, price_cents_per_kg, ALL_YEAR, origin)


def dish(dish_id: str, course: str, product_name: str, grams: int) -> Dish:
    return Dish(dish_id, dish_id, course, (Ingredient(product_name, grams),), frozenset())


@pytest.fixture(scope="module")
def chicken() -> Catalogue:
    products = [
        product("Poulet fermier", 1200),
        product("Poulet importé", 600, origin="not_local"),
        product("Carotte", 200),
        product("Fromage blanc", 600),
    ]
    dishes = (
        dish("Poulet rôti fermier", "main", "Poulet fermier", 50),
        dish("Poulet rôti importé", "main", "Poulet importé", 50),
        dish("Carottes", "side", "Carotte", 100),
        dish("Fromage blanc", "dairy", "Fromage blanc", 100),
    )
    return Catalogue(dishes, {p.name: p for p in products})


def plan(catalogue: Catalogue, **options) -> MenuPlan:
    request = PlanRequest(
        dates=DATES,
        meal_counts=10,
        rules=(),
        vegetarian_meals_per_week=0,
        min_gap_meals={},
        time_limit_s=2,
        **options,
    )
    return plan_menus(request, catalogue)


def mains(result: MenuPlan) -> list[str]:
    return [meal.dishes["main"].name for meal in result.meals]


def test_local_chicken_costs_more_and_is_still_chosen_within_the_budget(chicken) -> None:
    result = plan(chicken, budget_cents_per_meal=150)

    assert mains(result) == ["Poulet rôti fermier"] * 2
    assert (result.status, result.local_share_pct, result.cost_per_meal_cents) == ("ok", 100, 140)
    assert result.outside == ()
    # Beside the plan: the cheapest plan meeting the rules, and what local costs more.
    cost = result.cost_of_local
    assert cost is not None
    assert (cost.cheapest_cost_per_meal_cents, cost.cheapest_local_share_pct) == (110, 72.7)
    assert (cost.extra_per_meal_cents, cost.extra_total_cents) == (30, 600)


def test_a_budget_too_tight_for_local_buys_outside_and_says_so(chicken) -> None:
    result = plan(chicken, budget_cents_per_meal=120)

    assert mains(result) == ["Poulet rôti importé"] * 2
    assert result.status == "ok" and result.cost_per_meal_cents == 110
    (why,) = result.outside
    assert (why.product, why.reason, why.alternatives) == (
        "Poulet importé",
        "budget",
        ("Poulet fermier",),
    )
    assert why.extra_cents_per_meal == 30 and why.dates == DATES


def test_local_chicken_not_offered_this_week_is_bought_outside_and_says_so(chicken) -> None:
    offered = {"Poulet fermier": 0, "Carotte": 2000, "Fromage blanc": 2000}
    result = plan(chicken, budget_cents_per_meal=150, supply_by_week={WEEK: offered})

    # Either chicken is bought outside; the cheaper one is, and the reason is the farms' offer.
    assert mains(result) == ["Poulet rôti importé"] * 2
    assert result.shortfalls == ()
    (why,) = result.outside
    assert (why.product, why.reason, why.alternatives) == (
        "Poulet importé",
        "supply",
        ("Poulet fermier",),
    )


def test_a_residence_whose_local_target_is_met_buys_the_cheaper_outside(chicken) -> None:
    result = plan(chicken, budget_cents_per_meal=150, local_target_pct=50)

    assert mains(result) == ["Poulet rôti importé"] * 2
    target = next(c for c in result.counters if c.rule == "local_target")
    assert target.met and target.count == 72
    (why,) = result.outside
    assert (why.reason, why.extra_cents_per_meal) == ("target_reached", 30)


def test_a_local_target_above_what_cheap_plans_reach_is_met_first(chicken) -> None:
    result = plan(chicken, budget_cents_per_meal=150, local_target_pct=80)

    # One local main of two is enough: 30 + 80 local out of 125 cents a meal is 88 %.
    assert sorted(mains(result)) == ["Poulet rôti fermier", "Poulet rôti importé"]
    assert result.status == "ok" and result.local_share_pct >= 80
