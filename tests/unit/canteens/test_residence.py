"""The residence (foyer-logement): the GEMRCN frequencies for elderly residents, its target."""

from __future__ import annotations

from datetime import date

import pytest

from canteens.menu_planner.catalogue import load_demo_catalogue
from canteens.menu_planner.rules import ELDERLY_RULES, RULE_SETS, SCHOOL_RULES
from canteens.menu_planner.solve import PlanRequest, plan_menus, service_dates

EVERY_DAY = tuple(range(7))


def test_the_elderly_rules_add_the_medium_calcium_cheeses_to_the_school_ones() -> None:
    names = {rule.name: rule for rule in ELDERLY_RULES}
    assert set(names) == {rule.name for rule in SCHOOL_RULES} | {"calcium_medium"}
    medium = names["calcium_medium"]
    assert (medium.kind, medium.per_20_meals, medium.bound(20)) == ("min", 4, 4)
    assert RULE_SETS["elderly"] is ELDERLY_RULES and RULE_SETS["school"] is SCHOOL_RULES


@pytest.mark.slow
def test_a_residence_month_meets_every_elderly_rule_every_day_of_the_week() -> None:
    dates = service_dates(date(2027, 3, 1), 20, EVERY_DAY)
    request = PlanRequest(
        dates=dates,
        meal_counts=60,
        budget_cents_per_meal=400,
        local_target_pct=15,
        rules=ELDERLY_RULES,
        vegetarian_meals_per_week=0,
        time_limit_s=6,
    )
    plan = plan_menus(request, load_demo_catalogue())

    assert [m.date for m in plan.meals] == list(dates)  # Wednesdays and weekends included
    assert plan.status == "ok", plan.violations
    medium = sum(
        any(
            "calcium_medium" in plan.meals[i].dishes[c].attributes
            for c in ("dairy", "dessert")
            if c in plan.meals[i].dishes
        )
        for i in range(len(plan.meals))
    )
    assert medium >= 4
    assert plan.local_share_pct >= 15
    assert plan.cost_of_local is not None
