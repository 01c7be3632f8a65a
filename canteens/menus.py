"""Planning a canteen's menus from the stored data, as a background job, and editing the plan.

The request is built from the forecasts (portions per date), the canteen's budget
and local target, and what the farms declared for the weeks that have a cycle;
the pure planner (:mod:`canteens.menu_planner.solve`) does the rest. A stored plan keeps its
request, so that a meal edited by hand is re-counted against the same rules.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from canteens import causes, services
from canteens.menu_planner.catalogue import COURSES, Catalogue
from canteens.menu_planner.data import (
    MenuPlan,
    OutsideChoice,
    PlanRequest,
    Week,
    monday_of_week,
    week_of,
)
from canteens.menu_planner.report import evaluate_menus
from canteens.menu_planner.rules import RULE_SETS
from canteens.menu_planner.solve import PlannedMeal as PlainMeal
from canteens.menu_planner.solve import plan_menus
from canteens.models import (
    Canteen,
    CanteenKind,
    Dish,
    PlanJob,
    PlannedDish,
    PlannedMeal,
    StoredPlan,
)
from paniers.cycles.models import OrderCycle, ProductStock
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.jobs import runner
from paniers.jobs.runner import JobFailed, Progress
from paniers.orders.models import Order, OrderLine, OrderStatus
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Product

log = logging.getLogger(__name__)
MAX_MEALS, MAX_WEEKS = 40, 8
REQUIRED_COURSES = ("main", "side", "dairy")


# Starting the job and its work -----------------------------------------------------------


def start_planning(canteen: Canteen, first_day: date, *, meals: int | None = None,
                   weeks: int | None = None, today: date | None = None) -> PlanJob:
    """Queue the planning of ``meals`` meals (or ``weeks`` weeks) from ``first_day`` on."""
    today = today or date.today()
    if first_day < today or first_day > today + timedelta(days=366):
        raise ServiceError(_("Choisissez un premier jour à venir, dans l'année."))
    if not (meals and 0 < meals <= MAX_MEALS) and not (weeks and 0 < weeks <= MAX_WEEKS):
        raise ServiceError(_("Planifiez de 1 à %(meals)d repas ou de 1 à %(weeks)d semaines.",
                             meals=MAX_MEALS, weeks=MAX_WEEKS))
    running = latest_job(canteen)
    # A job still queued or running after 10 minutes is taken as lost: it no longer
    # holds the canteen back.
    if running is not None and running.running and (
            utcnow() - running.created_dt < timedelta(minutes=10)):
        raise ServiceError(_("Une planification est déjà en cours pour cette cantine."))
    job = PlanJob(canteen_id=canteen.id,
                  params={"first_day": first_day.isoformat(), "meals": meals, "weeks": weeks})
    return runner.start(job, "canteens.tasks.plan_menus")


def latest_job(canteen: Canteen) -> PlanJob | None:
    return db.session.scalar(select(PlanJob).where(PlanJob.canteen_id == canteen.id)
                             .order_by(PlanJob.id.desc()))


def plan_for_job(job: PlanJob, progress: Progress) -> dict[str, Any]:
    """The planning job's work: plan, store the plan and link it to the job, left for the
    runner to commit with the job done (run again after an interruption, it plans again)."""
    canteen = db.session.get(Canteen, job.canteen_id)
    assert canteen is not None
    progress(10, "reading")
    params = job.params
    days = services.service_days_from(canteen, date.fromisoformat(params["first_day"]),
                                      meals=params.get("meals"), weeks=params.get("weeks"))
    if not days:
        raise ServiceError(_("Aucun repas prévu sur cette période."))
    request = build_request(canteen, days)
    services.ensure_dish_catalogue()
    catalogue = services.stored_catalogue()
    progress(25, "solving")
    plan = plan_menus(request, catalogue)
    progress(90, "saving")
    if plan.status == "no_plan":
        raise JobFailed(_("Aucun plan trouvé dans le temps imparti."),
                        diagnostics=[causes.stored(c) for c in plan.diagnostics])
    stored = store_plan(canteen, request, plan)
    db.session.flush()
    job.plan_id = stored.id
    return {"status": plan.status, "violations": len(plan.violations),
            "seconds": round(plan.solve_seconds, 1)}


# The request -----------------------------------------------------------------------------


def rule_set_of(canteen: Canteen) -> str:
    """The residence follows the GEMRCN's table for elderly residents; schools the 2011 order."""
    return "elderly" if canteen.kind == CanteenKind.RESIDENCE else "school"


def build_request(canteen: Canteen, days: list[services.DayForecast]) -> PlanRequest:
    dates = tuple(d.day for d in days)
    weeks = tuple(dict.fromkeys(week_of(day) for day in dates))
    config = current_app.config
    rule_set = rule_set_of(canteen)
    return PlanRequest(
        dates=dates,
        meal_counts={d.day: d.portions for d in days},
        budget_cents_per_meal=canteen.budget_cents_per_meal,
        # Without a target the planner raises the local share as far as the supply allows
        # (100 % local means exactly that); what no farm can supply is explained instead of
        # failing a value share. Below 100 % the target caps the local step, then cost rules.
        local_target_pct=canteen.local_target_pct if canteen.local_target_pct < 100 else None,
        supply_by_week=declared_supply(canteen, weeks) or None,
        rules=RULE_SETS[rule_set],
        # The weekly vegetarian menu (EGAlim) binds school canteens, not the residence.
        vegetarian_meals_per_week=0 if rule_set == "elderly" else 1,
        time_limit_s=float(config.get("CANTEEN_PLAN_TIME_LIMIT_S", 10)),
        workers=int(config.get("CANTEEN_PLAN_WORKERS", 2)),
    )


def declared_supply(canteen: Canteen, weeks: tuple[Week, ...]) -> dict[Week, dict[str, int]]:
    """What the farms offer in the weeks that have a cycle with declared supply.

    A cycle supplies the meals of the week after its delivery
    (:func:`canteens.calendar.week_fed_by`). What other buyers already took is not on
    offer; what this canteen ordered still is.
    """
    supply: dict[Week, dict[str, int]] = {}
    for cycle in db.session.scalars(select(OrderCycle).order_by(OrderCycle.delivery_date)):
        week = week_of(services.meals_monday(cycle.delivery_date))
        if week not in weeks:
            continue
        own: dict[int, int] = defaultdict(int)
        for line in db.session.scalars(select(OrderLine).join(Order).where(
                Order.cycle_id == cycle.id, Order.canteen_id == canteen.id,
                Order.status != OrderStatus.CANCELLED, OrderLine.product_id.is_not(None))):
            own[line.product_id or 0] += line.quantity
        rows = db.session.execute(select(Product.name, ProductStock).join(
            ProductStock, ProductStock.product_id == Product.id).where(
            ProductStock.cycle_id == cycle.id, ProductStock.declared > 0)).all()
        if rows:
            offered = supply.setdefault(week, {})
            for name, stock in rows:
                left = stock.declared - stock.sold + own[stock.product_id]
                offered[name] = offered.get(name, 0) + left
    return supply


def request_json(request: PlanRequest) -> dict[str, Any]:
    supply = request.supply_by_week or {}
    return {
        "dates": [d.isoformat() for d in request.dates],
        "meal_counts": {d.isoformat(): request.meal_count(d) for d in request.dates},
        "budget_cents_per_meal": request.budget_cents_per_meal,
        "local_target_pct": request.local_target_pct,
        "supply_by_week": [[y, w, dict(offered)] for (y, w), offered in supply.items()],
        "rules": "elderly" if request.rules == RULE_SETS["elderly"] else "school",
        "vegetarian_meals_per_week": request.vegetarian_meals_per_week,
    }


def request_from_json(data: dict[str, Any]) -> PlanRequest:
    return PlanRequest(
        dates=tuple(date.fromisoformat(d) for d in data["dates"]),
        meal_counts={date.fromisoformat(d): n for d, n in data["meal_counts"].items()},
        budget_cents_per_meal=data["budget_cents_per_meal"],
        local_target_pct=data["local_target_pct"],
        supply_by_week={(y, w): offered for y, w, offered in data["supply_by_week"]} or None,
        rules=RULE_SETS[data.get("rules", "school")],
        vegetarian_meals_per_week=data.get("vegetarian_meals_per_week", 1),
    )


# The stored plan -------------------------------------------------------------------------


def store_plan(canteen: Canteen, request: PlanRequest, plan: MenuPlan) -> StoredPlan:
    dish_ids = dict(db.session.execute(select(Dish.code, Dish.id)).all())
    stored = StoredPlan(canteen_id=canteen.id, first_date=request.dates[0],
                        last_date=request.dates[-1], request=request_json(request), edited=False)
    for meal in plan.meals:
        row = PlannedMeal(service_date=meal.date, meal_count=meal.meal_count,
                          cost_cents=meal.cost_cents, vegetarian=meal.vegetarian)
        for course, dish in meal.dishes.items():
            row.dishes.append(PlannedDish(position=COURSES.index(course), course=course,
                                          dish_id=dish_ids[dish.id]))
        stored.meals.append(row)
    _apply_report(stored, plan)
    db.session.add(stored)
    return stored


def _apply_report(stored: StoredPlan, plan: MenuPlan) -> None:
    stored.status = plan.status
    stored.local_share_pct = plan.local_share_pct
    stored.purchase_value_cents = plan.purchase_value_cents
    stored.cost_per_meal_cents = plan.cost_per_meal_cents
    stored.report = {
        "counters": [asdict(c) for c in plan.counters],
        "violations": [{"rule": v.rule, "by": v.by,
                        "causes": [causes.stored(c) for c in v.causes]}
                       for v in plan.violations],
        "shortfalls": [{"week": monday_of_week(s.week), "product": s.product,
                        "needed": s.needed, "offered": s.offered} for s in plan.shortfalls],
        "non_local": [asdict(item) for item in plan.non_local],
        "diagnostics": [causes.stored(c) for c in plan.diagnostics],
        "local_value_cents": plan.local_value_cents,
        "solve_seconds": round(plan.solve_seconds, 1),
        "outside": [outside_json(choice) for choice in plan.outside],
        "cost_of_local": _cost_of_local(stored, plan),
    }
    by_date = {m.date: m for m in plan.meals}
    for row in stored.meals:
        if row.service_date in by_date:
            row.cost_cents = by_date[row.service_date].cost_cents
            row.vegetarian = by_date[row.service_date].vegetarian


def _cost_of_local(stored: StoredPlan, plan: MenuPlan) -> dict[str, Any] | None:
    """The planner's comparison; after a meal edited by hand, the same cheapest plan beside
    the edited one."""
    if plan.cost_of_local is not None:
        return asdict(plan.cost_of_local)
    before = (stored.report or {}).get("cost_of_local")
    if before is None:
        return None
    return {**before, "cost_per_meal_cents": plan.cost_per_meal_cents,
            "local_share_pct": plan.local_share_pct}


def outside_json(choice: OutsideChoice) -> dict[str, Any]:
    data = asdict(choice)
    data["dates"] = [day.isoformat() for day in choice.dates]
    return data


def latest_plan(canteen: Canteen) -> StoredPlan | None:
    return db.session.scalar(select(StoredPlan).where(StoredPlan.canteen_id == canteen.id)
                             .order_by(StoredPlan.id.desc()))


def plan_for_week(canteen: Canteen, monday: date) -> StoredPlan | None:
    """The latest plan with meals in the week of ``monday``."""
    sunday = monday + timedelta(days=6)
    for plan in db.session.scalars(select(StoredPlan).where(
            StoredPlan.canteen_id == canteen.id, StoredPlan.first_date <= sunday,
            StoredPlan.last_date >= monday).order_by(StoredPlan.id.desc())):
        if any(monday <= m.service_date <= sunday for m in plan.meals):
            return plan
    return None


def own_plan(canteen: Canteen, plan_id: int) -> StoredPlan:
    plan = db.session.get(StoredPlan, plan_id)
    if plan is None or plan.canteen_id != canteen.id:
        raise NotFound(_("Ce plan de menus n'existe pas."))
    return plan


def plain_meals(stored: StoredPlan, catalogue: Catalogue) -> list[PlainMeal]:
    """The stored meals as the planner's plain data (for orders and re-counting)."""
    dishes = {d.id: d for d in catalogue.dishes}
    return [PlainMeal(date=m.service_date, meal_count=m.meal_count,
                      dishes={pd.course: dishes[pd.dish.code] for pd in m.dishes},
                      cost_cents=m.cost_cents, vegetarian=m.vegetarian)
            for m in stored.meals]


def weeks_of(stored: StoredPlan) -> list[tuple[date, list[PlannedMeal]]]:
    """The plan's meals by week (the Monday first), for the calendar."""
    weeks: dict[date, list[PlannedMeal]] = defaultdict(list)
    for meal in stored.meals:
        weeks[services.monday_of(meal.service_date)].append(meal)
    return sorted(weeks.items())


@transaction()
def edit_meal(canteen: Canteen, plan_id: int, day: date,
              choice: dict[str, int | None]) -> StoredPlan:
    """Put the chosen dishes (by course; ``None``: no such course) on a day, and re-count."""
    stored = own_plan(canteen, plan_id)
    meal = next((m for m in stored.meals if m.service_date == day), None)
    if meal is None:
        raise NotFound(_("Ce repas n'est pas dans le plan."))
    current = {pd.course: pd.dish_id for pd in meal.dishes}
    chosen: dict[str, Dish] = {}
    for course in COURSES:
        dish_id = choice.get(course)
        if dish_id is None:
            continue
        dish = db.session.get(Dish, dish_id)
        if dish is None or dish.course != course or not (dish.active or current.get(course)
                                                          == dish.id):
            raise ServiceError(_("Choisissez les plats dans la liste."))
        chosen[course] = dish
    if any(c not in chosen for c in REQUIRED_COURSES) or not (
            "starter" in chosen or "dessert" in chosen):
        raise ServiceError(_("Un repas a un plat, une garniture, un laitage et une entrée "
                             "ou un dessert."))
    meal.dishes.clear()
    for course, dish in chosen.items():
        meal.dishes.append(PlannedDish(position=COURSES.index(course), course=course, dish=dish))
    db.session.flush()
    catalogue = services.stored_catalogue(with_retired=True)
    by_code = {d.id: d for d in catalogue.dishes}
    menus = [{pd.course: by_code[pd.dish.code] for pd in m.dishes} for m in stored.meals]
    plan = evaluate_menus(request_from_json(stored.request), catalogue, menus)
    _apply_report(stored, plan)
    stored.edited = True
    return stored
