"""Purchases of a plan, checked by hand on a tiny catalogue.

One dish per course: Salade verte (35 g of a 350 g lettuce at 1.20 €), Colin
(45 g at 10.00 €/kg, never local), Carottes (100 g at 2.00 €/kg), Fromage blanc
(100 g at 6.00 €/kg). Two meals in one week for 10 children:

    Salade        700 g -> 2 lettuces   240 cents  local
    Colin         900 g                 900 cents
    Carotte      2000 g                 400 cents  local
    Fromage blanc 2000 g               1200 cents  local
    total 2740 cents, local 1840 cents: 67.2 %; a child's meal costs 12+45+20+60 = 137 cents.
"""

from __future__ import annotations

from datetime import date

import pytest

from canteens.menu_planner.catalogue import Catalogue, Dish, Ingredient, Product
from canteens.menu_planner.solve import MenuPlan, PlanRequest, ingredients_for_week, plan_menus

ALL_YEAR = frozenset(range(1, 13))
WEEK = (2026, 50)
DATES = (date(2026, 12, 7), date(2026, 12, 8))


def product(name: str, unit: str, weight_g: int, price: int, origin: str = "local") -> Product:
    return Product(name, "vegetable", unit, weight_g, price, ALL_YEAR, origin)


def dish(course: str, product_name: str, grams: int) -> Dish:
    return Dish(course, product_name, course, (Ingredient(product_name, grams),), frozenset())


@pytest.fixture(scope="module")
def tiny() -> Catalogue:
    products = [
        product("Salade", "piece", 350, 120),
        product("Colin", "kg", 1000, 1000, origin="not_local"),
        product("Carotte", "kg", 1000, 200),
        product("Fromage blanc", "kg", 1000, 600),
        product("Œufs", "dozen", 700, 480),
    ]
    dishes = (
        dish("starter", "Salade", 35),
        dish("main", "Colin", 45),
        dish("side", "Carotte", 100),
        dish("dairy", "Fromage blanc", 100),
    )
    return Catalogue(dishes, {p.name: p for p in products})


def plan(tiny: Catalogue, **options) -> MenuPlan:
    request = PlanRequest(
        dates=DATES,
        meal_counts=10,
        rules=(),
        vegetarian_meals_per_week=0,
        min_gap_meals={},
        time_limit_s=2,
        **options,
    )
    return plan_menus(request, tiny)


def test_local_share_is_by_purchase_value(tiny: Catalogue) -> None:
    result = plan(tiny)
    assert result.purchase_value_cents == 2740
    assert result.local_value_cents == 1840
    assert result.local_share_pct == 67.2
    assert [item.product for item in result.non_local] == ["Colin"]
    assert result.non_local[0].origin == "not_local"


def test_cost_per_meal_is_the_ingredients_of_one_child(tiny: Catalogue) -> None:
    result = plan(tiny, budget_cents_per_meal=130)
    assert result.cost_per_meal_cents == 137
    assert all(meal.cost_cents == 137 for meal in result.meals)
    budget = next(v for v in result.violations if v.rule == "budget")
    assert budget.by == 7


def test_what_the_farms_cannot_supply_is_bought_elsewhere(tiny: Catalogue) -> None:
    offered = {"Salade": 2, "Carotte": 1500, "Fromage blanc": 2000}
    result = plan(tiny, supply_by_week={WEEK: offered})

    (short,) = result.shortfalls
    assert (short.product, short.needed, short.offered, short.short) == ("Carotte", 2000, 1500, 500)
    assert result.local_value_cents == 240 + 300 + 1200
    # Buying outside breaks no rule; the plan says what and why.
    assert result.status == "ok"
    (why,) = [c for c in result.outside if c.product == "Carotte"]
    assert (why.reason, why.needed, why.offered) == ("supply", 2000, 1500)
    assert why.dates == DATES and why.value_cents == 100


def test_a_local_target_out_of_reach_is_reported(tiny: Catalogue) -> None:
    result = plan(tiny, local_target_pct=80)
    target = next(c for c in result.counters if c.rule == "local_target")
    assert (target.count, target.bound, target.met) == (67, 80, False)


def test_weekly_orders_round_up_to_100_g_or_whole_units(tiny: Catalogue) -> None:
    result = plan(tiny)
    assert ingredients_for_week(result, WEEK) == {
        "Carotte": 2000,
        "Colin": 900,
        "Fromage blanc": 2000,
        "Salade": 2,
    }
    assert ingredients_for_week(result, WEEK, meal_counts=3) == {
        "Carotte": 600,
        "Colin": 300,
        "Fromage blanc": 600,
        "Salade": 1,
    }
    assert ingredients_for_week(result, (2026, 51)) == {}


@pytest.mark.parametrize(
    "name,grams,amount",
    [("Carotte", 1201, 1300), ("Carotte", 1200, 1200), ("Salade", 351, 2), ("Œufs", 701, 2)],
)
def test_products_round_orders_to_their_unit(tiny: Catalogue, name, grams, amount) -> None:
    assert tiny.products[name].order_amount(grams) == amount


def test_prices_of_the_request_replace_the_catalogues(tiny: Catalogue) -> None:
    result = plan(tiny, prices_cents={"Colin": 2000})
    assert result.cost_per_meal_cents == 137 + 45
    assert result.purchase_value_cents == 2740 + 900
