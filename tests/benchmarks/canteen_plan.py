"""Benchmark: plan 20 nursery meals for the Loos school restaurant.

Run from the repository root: ``.venv/bin/python tests/benchmarks/canteen_plan.py
[--start YYYY-MM-DD] [--time-limit S] [--budget CENTS] [--first-week-kg KG]``.

The demo school (``network.csv``: about 180 nursery meals a day on Monday,
Tuesday, Thursday and Friday) gets 20 menus from the demo dish catalogue,
starting the first Monday after ``--start`` (today by default). The farms have
declared the first week: each product in season at ``--first-week-kg`` kg
(whole units for pieces, bunches and dozens; 0 declares nothing). School
holidays are not taken out. The last line is
``meals=20 seconds=S local_pct=L rules_met=R/T``.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from canteens.menu_planner.catalogue import Catalogue, load_demo_catalogue  # noqa: E402
from canteens.menu_planner.solve import MenuPlan, PlanRequest, plan_menus, service_dates, week_of  # noqa: E402

MEALS = 20
NURSERY_MEALS_PER_DAY = 180


def next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=7 - day.weekday())


def first_week_supply(catalogue: Catalogue, month: int, kg: float) -> dict[str, int]:
    """Every farm product in season at ``kg`` kilograms, in base amounts."""
    supply = {}
    for product in catalogue.products.values():
        if product.local and product.in_season(month):
            supply[product.name] = round(kg * 1000 / product.grams_per_base)
    return supply


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver seconds")
    parser.add_argument("--budget", type=int, default=250, help="cents per meal")
    parser.add_argument("--first-week-kg", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def report(plan: MenuPlan) -> None:
    for meal in plan.meals:
        veg = " (vegetarian)" if meal.vegetarian else ""
        names = " | ".join(dish.name for dish in meal.dishes.values())
        print(f"{meal.date.isoformat()} {meal.cost_cents:4d} c  {names}{veg}")
    print("rules:")
    for counter in plan.counters:
        sign = ">=" if counter.kind == "min" else "<="
        mark = "ok" if counter.met else "MISSED"
        standing = f"{counter.rule}: {counter.count} {sign} {counter.bound}"
        print(f"  {mark:6s} {standing}  ({counter.label})")
    for violation in plan.violations:
        print(f"violated {violation.rule} by {violation.by}: {'; '.join(violation.causes)}")
    for text in plan.diagnostics:
        print(f"diagnostic: {text}")
    print("bought outside the farms:")
    for item in plan.non_local:
        print(f"  {item.product} ({item.origin}): {item.value_cents / 100:.2f} EUR")
    print(
        f"status={plan.status} solver={plan.solver_status} "
        f"cost_per_meal_cents={plan.cost_per_meal_cents} "
        f"purchase_eur={plan.purchase_value_cents / 100:.2f} "
        f"local_eur={plan.local_value_cents / 100:.2f}"
    )


def main() -> None:
    args = parse_args()
    catalogue = load_demo_catalogue()
    dates = service_dates(next_monday(args.start), MEALS)
    supply = None
    if args.first_week_kg > 0:
        offered = first_week_supply(catalogue, dates[0].month, args.first_week_kg)
        supply = {week_of(dates[0]): offered}
    request = PlanRequest(
        dates=dates,
        meal_counts=NURSERY_MEALS_PER_DAY,
        budget_cents_per_meal=args.budget,
        supply_by_week=supply,
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
    )
    print(
        f"Loos nursery: {MEALS} meals from {dates[0]} to {dates[-1]}, {NURSERY_MEALS_PER_DAY}/day"
    )
    plan = plan_menus(request, catalogue)
    report(plan)
    rules_met = sum(1 for counter in plan.counters if counter.met)
    print(
        f"meals={len(plan.meals)} seconds={plan.solve_seconds:.2f} "
        f"local_pct={plan.local_share_pct:.1f} rules_met={rules_met}/{len(plan.counters)}"
    )


if __name__ == "__main__":
    main()
