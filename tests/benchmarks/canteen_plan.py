"""Benchmark: plan 20 nursery meals for the Loos school restaurant (or a whole school year).

Run from the repository root: ``.venv/bin/python tests/benchmarks/canteen_plan.py
[--start YYYY-MM-DD] [--time-limit S] [--budget CENTS] [--first-week-kg KG] [--year]``.

The demo school (``network.csv``: about 180 nursery meals a day on Monday,
Tuesday, Thursday and Friday) gets 20 menus from the demo dish catalogue,
starting the first Monday after ``--start`` (today by default). The farms have
declared the first week: each product in season at ``--first-week-kg`` kg
(whole units for pieces, bunches and dozens; 0 declares nothing). School
holidays are not taken out. The last line is
``meals=20 seconds=S local_pct=L rules_met=R/T``.

``--year``: for each month of the current school year (September to July; the
year starting in September of ``--start``'s year, or of the year before when
``--start`` is before September), 20 nursery meals from the month's first school
day (the first Monday to Friday without a public holiday or zone B's school
holidays, read by ``canteens.calendar``, nor a day given with ``--holiday FROM:TO``,
repeatable), no meal on those days, every product in season that month offered
in sufficient quantity. One line per month, ``month=YYYY-MM local_pct=…
rules_met=R/T cost_per_meal_cents=… seconds=…``, then ``months=N min_local_pct=…
mean_local_pct=… rules_met=R/T max_seconds=…``; then the residence (the
foyer-logement: 40 residents every day, adult portions, the elderly rules, 15 %
local target, 4.00 € budget) the same way, its lines prefixed ``residence``.
``--verbose`` adds, under each month, what is bought outside and why.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from canteens.calendar import day_off  # noqa: E402
from canteens.menu_planner.catalogue import Catalogue, load_demo_catalogue  # noqa: E402
from canteens.menu_planner.rules import ELDERLY_RULES, SCHOOL_RULES  # noqa: E402
from canteens.menu_planner.solve import MenuPlan, PlanRequest, plan_menus, service_dates, week_of  # noqa: E402

MEALS = 20
NURSERY_MEALS_PER_DAY = 180
RESIDENCE_PORTIONS_PER_DAY = 60  # 40 residents at 1.5 nursery portions (canteens.services)
RESIDENCE_BUDGET_CENTS = 400
RESIDENCE_LOCAL_TARGET_PCT = 15
SCHOOL_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7)
PLENTY_KG = 2000  # far more than 20 meals of any product need


def next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=7 - day.weekday())


def first_week_supply(catalogue: Catalogue, month: int, kg: float) -> dict[str, int]:
    """Every farm product in season at ``kg`` kilograms, in base amounts."""
    supply = {}
    for product in catalogue.products.values():
        if product.local and product.in_season(month):
            supply[product.name] = round(kg * 1000 / product.grams_per_base)
    return supply


def holiday(text: str) -> tuple[datetime.date, datetime.date]:
    first, _, last = text.partition(":")
    return datetime.date.fromisoformat(first), datetime.date.fromisoformat(last or first)


def no_school(day: datetime.date, holidays: list[tuple[datetime.date, datetime.date]]) -> bool:
    """A day without school meals: a public holiday or zone B's school holidays (from
    ``canteens.calendar``, the packages the application uses), or a holiday given with
    ``--holiday``."""
    return (day_off(day, school=True) is not None
            or any(first <= day <= last for first, last in holidays))


def first_school_day(
    year: int, month: int, holidays: list[tuple[datetime.date, datetime.date]]
) -> datetime.date:
    """The month's first Monday to Friday with school meals."""
    day = datetime.date(year, month, 1)
    while day.weekday() > 4 or no_school(day, holidays):
        day += datetime.timedelta(days=1)
    return day


def school_year_months(start: datetime.date) -> list[tuple[int, int]]:
    first_year = start.year if start.month >= 9 else start.year - 1
    return [(first_year if month >= 9 else first_year + 1, month) for month in SCHOOL_MONTHS]


def month_supply(catalogue: Catalogue, dates: tuple[datetime.date, ...]) -> dict:
    """Every farm product in season, in plenty, for each week of ``dates``."""
    supply = {}
    for day in dates:
        week = week_of(day)
        if week not in supply:
            supply[week] = first_week_supply(catalogue, day.month, PLENTY_KG)
    return supply


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver seconds")
    parser.add_argument("--budget", type=int, default=250, help="cents per meal")
    parser.add_argument("--first-week-kg", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--year", action="store_true", help="every month of the school year")
    parser.add_argument("--verbose", action="store_true", help="--year: what is bought outside")
    parser.add_argument(
        "--holiday", type=holiday, action="append", default=[], help="FROM:TO (ISO dates)"
    )
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
        causes = '; '.join(map(str, violation.causes))
        print(f"violated {violation.rule} by {violation.by}: {causes}")
    for text in map(str, plan.diagnostics):
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


def year_line(label: str, plans: list[tuple[MenuPlan, float]]) -> str:
    local = [plan.local_share_pct for plan, _s in plans]
    met = sum(plan.rules_met for plan, _s in plans)
    counted = sum(len(plan.counters) for plan, _s in plans)
    return (
        f"{label}months={len(plans)} min_local_pct={min(local):.1f} "
        f"mean_local_pct={sum(local) / len(local):.1f} rules_met={met}/{counted} "
        f"max_seconds={max(seconds for _p, seconds in plans):.2f}"
    )


def plan_year(
    args: argparse.Namespace, catalogue: Catalogue, residence: bool
) -> list[tuple[MenuPlan, float]]:
    """Plan 20 meals from the start of each month of the school year; print each month."""
    plans = []
    label = "residence " if residence else ""
    for year, month in school_year_months(args.start):
        first = first_school_day(year, month, args.holiday)
        if residence:  # the residence serves every day, holidays included
            dates = service_dates(datetime.date(year, month, 1), MEALS, range(7))
        else:
            days = service_dates(first, 3 * MEALS)
            dates = tuple(d for d in days if not no_school(d, args.holiday))
            dates = dates[:MEALS]
        request = PlanRequest(
            dates=dates,
            meal_counts=RESIDENCE_PORTIONS_PER_DAY if residence else NURSERY_MEALS_PER_DAY,
            budget_cents_per_meal=RESIDENCE_BUDGET_CENTS if residence else args.budget,
            local_target_pct=RESIDENCE_LOCAL_TARGET_PCT if residence else None,
            supply_by_week=month_supply(catalogue, dates),
            rules=ELDERLY_RULES if residence else SCHOOL_RULES,
            vegetarian_meals_per_week=0 if residence else 1,
            time_limit_s=args.time_limit,
            workers=args.workers,
            seed=args.seed,
        )
        started = time.perf_counter()
        plan = plan_menus(request, catalogue)
        seconds = time.perf_counter() - started
        plans.append((plan, seconds))
        print(
            f"{label}month={year}-{month:02d} local_pct={plan.local_share_pct:.1f} "
            f"rules_met={plan.rules_met}/{len(plan.counters)} "
            f"cost_per_meal_cents={plan.cost_per_meal_cents} seconds={seconds:.2f}",
            flush=True,
        )
        if args.verbose:
            for item in plan.non_local:
                reasons = sorted({c.reason for c in plan.outside if c.product == item.product})
                why = ", ".join(reasons) or "no local product in the same role"
                print(f"  bought outside: {item.product} {item.value_cents / 100:.2f} EUR ({why})")
            for violation in plan.violations:
                print(f"  violated {violation.rule} by {violation.by}")
    return plans


def main() -> None:
    args = parse_args()
    if args.year:
        catalogue = load_demo_catalogue()
        print(year_line("residence ", plan_year(args, catalogue, residence=True)), flush=True)
        print(year_line("", plan_year(args, catalogue, residence=False)))
        return
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
