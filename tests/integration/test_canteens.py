"""The canteen manager's weeks: forecast, menus, the week's order, allocation, EGAlim figures.

Plans are made through the pages, then run as the worker would run the queued
job; the planner gets 3 s and one worker. Every rule is counted here from the
stored dishes, not from the planner's own counters.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from canteens import ordering, tasks
from canteens.models import (
    Dish,
    MealForecast,
    OutsidePurchase,
    PlanJob,
    StoredPlan,
    WeekOrder,
)
from canteens.services import meals_monday
from paniers.allocation import services as allocating
from paniers.allocation.models import AllocationLine, Shortage
from paniers.cycles import services as cycles
from paniers.cycles.models import ProductStock
from paniers.extensions import db
from paniers.jobs.models import JobStatus
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderLine, OrderSource
from producers.models import Product, SupplyOffer
from producers.units import Unit, base_per_unit, value_cents
from tests.integration.week import DELIVERY, open_week, product, user
from tests.support.school_weeks import school_delivery, school_monday_after

MANAGER = "cantine@paniers.demo"
NURSERY_MEALS = 180  # the demo school's usual day
GAPS = {"starter": 5, "main": 10, "side": 4, "dairy": 3, "dessert": 3}


@pytest.fixture(autouse=True)
def quick_planner(app):
    app.config.update(CANTEEN_PLAN_TIME_LIMIT_S=3, CANTEEN_PLAN_WORKERS=1)


def monday_after(day: date) -> date:
    """The next Monday of a full school week: the calendar leaves holiday weeks empty."""
    return school_monday_after(day)


#: A delivery whose following week (the one it feeds) is a full school week.
SCHOOL_DELIVERY = school_delivery(DELIVERY)


def plan_through_the_page(browser, first_day: date, horizon: str = "meals-20") -> StoredPlan:
    page = browser.post("/cantine/menus/planifier",
                        {"first_day": first_day.isoformat(), "horizon": horizon},
                        form_page="/cantine/menus")
    assert "Planification lancée" in page.text
    job = db.session.scalar(select(PlanJob).order_by(PlanJob.id.desc()))
    tasks.plan_menus(job.id)  # what a worker does with the queued job
    db.session.expire_all()
    job = db.session.get(PlanJob, job.id)
    assert job.status == JobStatus.DONE, job.summary
    return db.session.get(StoredPlan, job.plan_id)


def menus(plan: StoredPlan) -> list[dict[str, Dish]]:
    return [{pd.course: pd.dish for pd in meal.dishes} for meal in plan.meals]


def has(dish: Dish | None, *attributes: str) -> bool:
    return dish is not None and bool(set(attributes) & set(dish.attributes))


def school_counts(plan: StoredPlan) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for meal in menus(plan):
        starter, dessert = meal.get("starter"), meal.get("dessert")
        counts["raw"] += has(starter, "raw_vegetable", "raw_fruit") or has(dessert, "raw_fruit")
        counts["raw_fruit_dessert"] += has(dessert, "raw_fruit")
        counts["cooked_vegetable_side"] += has(meal.get("side"), "cooked_vegetable")
        counts["starch_side"] += has(meal.get("side"), "starch_or_pulse")
        counts["red_meat"] += has(meal["main"], "red_meat_unminced")
        counts["fish"] += has(meal["main"], "fish")
        counts["calcium_high"] += has(meal.get("dairy"), "calcium_high") or has(
            dessert, "calcium_high")
        counts["fried"] += sum(has(d, "fried") for d in meal.values())
        counts["sweet_dessert"] += has(dessert, "sweet_dessert")
        counts["fatty_starter"] += has(starter, "fatty_starter")
    return counts


def is_vegetarian(meal: dict[str, Dish]) -> bool:
    categories = {i.product.category if i.product else i.item.category
                  for dish in meal.values() for i in dish.ingredients}
    return "vegetarian" in meal["main"].attributes and not categories & {"meat", "fish"}


def test_the_manager_plans_twenty_meals_that_meet_every_school_meal_rule(browser):
    browser.login(MANAGER)
    first = monday_after(date.today())
    plan = plan_through_the_page(browser, first)

    assert len(plan.meals) == 20
    # Nursery meals: everything that can be local is; fish or rice are bought elsewhere.
    assert plan.status == "ok", plan.report.get("violations")
    assert all(m.service_date.weekday() in (0, 1, 3, 4) for m in plan.meals)  # no Wednesdays
    counts = school_counts(plan)
    assert counts["raw"] >= 10 and counts["raw_fruit_dessert"] >= 8
    assert counts["cooked_vegetable_side"] >= 10 and counts["starch_side"] >= 10
    assert counts["red_meat"] >= 4 and counts["fish"] >= 4 and counts["calcium_high"] >= 8
    assert counts["fried"] <= 4 and counts["sweet_dessert"] <= 4 and counts["fatty_starter"] <= 4
    for meal in menus(plan):
        assert {"main", "side", "dairy"} <= set(meal) and ({"starter", "dessert"} & set(meal))
        assert all(dish.course == course for course, dish in meal.items())
    weeks: dict[date, list[bool]] = defaultdict(list)
    for meal, dishes in zip(plan.meals, menus(plan), strict=True):
        weeks[meal.service_date - timedelta(days=meal.service_date.weekday())].append(
            is_vegetarian(dishes))
    assert all(any(days) for days in weeks.values())
    last_seen: dict[int, int] = {}
    for index, meal in enumerate(menus(plan)):
        for course, dish in meal.items():
            assert index - last_seen.get(dish.id, -99) >= GAPS[course], dish.name
            last_seen[dish.id] = index

    page = browser.get("/cantine/menus").text
    assert "Compteurs des règles" in page and "Plats de poisson" in page
    assert "Part locale" in page


def test_the_plan_page_shows_what_local_costs_beside_the_cheapest_plan_meeting_the_rules(
        app, browser):
    app.config.update(CANTEEN_PLAN_TIME_LIMIT_S=6)
    browser.login(MANAGER)
    plan = plan_through_the_page(browser, monday_after(date.today()))
    cost = plan.report["cost_of_local"]

    # The school's plan: at least as local as the cheapest plan that meets the same rules,
    # and the card says what that costs, per meal and over the plan's meals.
    assert plan.local_share_pct >= cost["cheapest_local_share_pct"]
    assert cost["cost_per_meal_cents"] == plan.cost_per_meal_cents
    assert cost["meals"] == 20 * NURSERY_MEALS
    extra = max(0, cost["cost_per_meal_cents"] - cost["cheapest_cost_per_meal_cents"])
    page = browser.get("/cantine/menus").text
    card = page[page.index('id="cout-du-local"'):]
    card = re.sub(r"[ \t\n]+", " ", card[:card.index("</div>")])
    assert euros(cost["cheapest_cost_per_meal_cents"]) in card
    assert euros(cost["cost_per_meal_cents"]) in card
    assert euros(extra * cost["meals"]) in card
    if extra:
        assert f"+{euros(extra)} par repas" in card
    else:
        assert "rien de plus par repas" in card


def euros(cents: int) -> str:
    """As the French pages write money: ``1 234,50 €`` with narrow no-break spaces."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\xa0€"


def test_the_forecast_form_sets_the_meals_of_each_day_and_refuses_nonsense(browser):
    browser.login(MANAGER)
    monday = monday_after(date.today())
    path = f"/cantine/previsions?semaine={monday.isoformat()}"
    page = browser.get(path)
    assert page.text.count('name="days-') >= 4
    data = {f"days-{i}-day": (monday + timedelta(days=d)).isoformat()
            for i, d in enumerate((0, 1, 3, 4))}
    data |= {f"days-{i}-nursery": "180" for i in range(4)}
    data |= {f"days-{i}-elementary": "0" for i in range(4)}
    data |= {"days-1-nursery": "0", "days-3-nursery": "150", "days-3-elementary": "20"}
    assert "Prévisions de la semaine enregistrées" in browser.post(path, data).text
    stored = {f.service_date: (f.nursery_meals, f.elementary_meals)
              for f in db.session.scalars(select(MealForecast))}
    assert stored[monday + timedelta(days=1)] == (0, 0)
    assert stored[monday + timedelta(days=4)] == (150, 20)

    page = browser.post(path, data | {"days-0-nursery": "-5"})
    assert "entre 0 et 2000 repas" in page.text
    db.session.expire_all()
    assert db.session.scalar(select(MealForecast.nursery_meals).where(
        MealForecast.service_date == monday)) == 180


def expected_week(plan: StoredPlan, monday: date) -> dict[str, int]:
    """Base amounts per product: grams per child x 180 meals, rounded up to the unit."""
    grams: dict[str, int] = defaultdict(int)
    units: dict[str, tuple[str, int]] = {}
    for meal in plan.meals:
        if not monday <= meal.service_date < monday + timedelta(days=7):
            continue
        for planned in meal.dishes:
            for ingredient in planned.dish.ingredients:
                grams[ingredient.name] += ingredient.grams * NURSERY_MEALS
                farm = ingredient.product
                units[ingredient.name] = ((farm.unit, farm.unit_weight_g) if farm else
                                          (Unit.KG, 1000))
    amounts = {}
    for name, total in grams.items():
        unit, unit_weight = units[name]
        if base_per_unit(unit) > 1:  # kg or litre: grams (ml), up to the next 100
            amounts[name] = -(-total // 100) * 100
        else:  # pieces, bunches, dozens: whole units
            amounts[name] = -(-total // unit_weight)
    return amounts


def generous_supply() -> dict[str, int]:
    return {p.name: 300_000 if base_per_unit(p.unit) > 1 else 2_000
            for p in db.session.scalars(select(Product))}


def canteen_lines(cycle_id: int) -> dict[str, OrderLine]:
    db.session.expire_all()
    return {line.product.name: line for line in db.session.scalars(
        select(OrderLine).join(Order).where(Order.cycle_id == cycle_id,
                                            Order.source == OrderSource.CANTEEN))}


def test_a_planned_week_becomes_order_lines_that_the_allocation_serves_before_households(
        browser):
    cycle = open_week(supply=generous_supply(), delivery=SCHOOL_DELIVERY)
    monday = meals_monday(SCHOOL_DELIVERY)
    browser.login(MANAGER)
    plan = plan_through_the_page(browser, max(monday, date.today()), "weeks-1")
    wanted = expected_week(plan, monday)
    farm_products = {p.name: p for p in db.session.scalars(select(Product))}
    scarce = next(name for name in sorted(wanted) if name in farm_products
                  and farm_products[name].unit == Unit.KG and wanted[name] >= 1000)

    # A household orders the same product first: on time alone it would be served first.
    household = user("foyer@paniers.demo")
    orders.place_order(household, cycle.id, household.point_id,
                       orders.Cart({}, {product(scarce).id: 2000}))

    page = browser.get("/cantine/semaine").text
    assert "Générer la commande de la semaine" in page and scarce in page
    page = browser.post("/cantine/semaine", {}).text
    assert "Commande de la semaine générée" in page

    lines = canteen_lines(cycle.id)
    assert {name: line.quantity for name, line in lines.items()} == {
        name: amount for name, amount in wanted.items() if name in farm_products}
    outside = {o.product: (o.quantity, o.reason)
               for o in db.session.scalars(select(OutsidePurchase))}
    assert outside == {name: (amount, "bought_in") for name, amount in wanted.items()
                       if name not in farm_products}
    assert "À acheter hors circuit" in page or not outside

    again = browser.post("/cantine/semaine", {}, form_page="/cantine/semaine").text
    assert "déjà passée" in again
    assert db.session.scalar(select(func.count(Order.id)).where(
        Order.source == OrderSource.CANTEEN)) == 1

    # The farm loses part of its harvest after the orders: not enough for everyone.
    offer = db.session.scalar(select(SupplyOffer).where(
        SupplyOffer.cycle_id == cycle.id, SupplyOffer.product_id == product(scarce).id))
    offer.quantity = lines[scarce].quantity + 500
    db.session.commit()
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)

    db.session.expire_all()
    served = defaultdict(int)
    for allocation in db.session.scalars(select(AllocationLine).where(
            AllocationLine.order_line_id.is_not(None))):
        served[allocation.order_line_id] += allocation.quantity
    assert all(served[line.id] == line.quantity for line in canteen_lines(cycle.id).values())
    shortages = db.session.scalars(select(Shortage)).all()
    assert [(s.order_line.order.user_id, s.ordered, s.served) for s in shortages] == [
        (household.id, 2000, 500)]

    # The figures: farm purchases are organic (conversion counts) and local; the rest is not.
    by_line = {line.id: line for line in canteen_lines(cycle.id).values()}
    farm_cents = sum(value_cents(a.quantity, by_line[a.order_line_id].unit_price_cents,
                                 by_line[a.order_line_id].product.unit)
                     for a in db.session.scalars(select(AllocationLine))
                     if a.order_line_id in by_line)
    outside_cents = sum(db.session.scalars(select(OutsidePurchase.value_cents)))
    share = round(100 * farm_cents / (farm_cents + outside_cents), 1)
    period = f"du={SCHOOL_DELIVERY.isoformat()}&au={(monday + timedelta(days=6)).isoformat()}"
    page = browser.get(f"/cantine/bilan?{period}").text
    assert "Bio (conversion comprise)" in page and f"{share:.1f} %".replace(".", ",") in page
    assert "Ferme du Marais" in page and "C2" in page

    export = browser.get(f"/cantine/bilan.csv?{period}").text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(export), delimiter=";"))
    header = rows[0]
    listed = rows[1:next(i for i, row in enumerate(rows) if row[0] == "Total")]
    purchases = [dict(zip(header, row, strict=True)) for row in listed]
    # With every farm product on offer the week can be all local; what is not, is listed.
    circuits = {p["Circuit"] for p in purchases}
    assert "Paniers" in circuits and circuits <= {"Paniers", "hors circuit"}
    assert ("hors circuit" in circuits) == bool(outside)
    assert {p["Bio EGAlim"] for p in purchases if p["Circuit"] == "Paniers"} == {"oui"}
    assert {p["Statut bio"] for p in purchases if p["Circuit"] == "Paniers"} <= {
        "AB", "C1", "C2", "C3"}
    assert all(p["Bio EGAlim"] == "non" and p["Local"] == "non"
               for p in purchases if p["Circuit"] == "hors circuit")
    organic = next(row for row in rows if row and row[0].startswith("dont bio"))
    assert organic[7] == f"{share:.1f} %".replace(".", ",")


def test_farmers_see_the_canteens_expected_demand_and_households_do_not(browser, other_browser):
    browser.login(MANAGER)
    plan = plan_through_the_page(browser, monday_after(date.today()), "weeks-1")
    some_farm_product = next(i.product.name for meal in plan.meals for pd in meal.dishes
                             for i in pd.dish.ingredients if i.product is not None)
    other_browser.login("producteur@paniers.demo")
    page = other_browser.get("/cantine/demande").text
    assert "Demande attendue des cantines" in page and some_farm_product in page
    bought_in = {i.item.name for meal in plan.meals for pd in meal.dishes
                 for i in pd.dish.ingredients if i.item is not None}
    # Bought-in items are not the farms' business (the fish of Boulogne now is).
    assert not any(f"<td>{name}</td>" in page for name in bought_in)
    other_browser.login("foyer@paniers.demo")
    assert other_browser.get("/cantine/demande").status_code == 403
    assert other_browser.get("/cantine/menus").status_code == 403


def test_the_manager_edits_a_meal_and_the_counters_follow(browser):
    browser.login(MANAGER)
    plan = plan_through_the_page(browser, monday_after(date.today()), "weeks-1")
    meal = plan.meals[0]
    path = f"/cantine/menus/{plan.id}/repas/{meal.service_date.isoformat()}"
    current = {pd.course: pd.dish_id for pd in meal.dishes}
    other_main = db.session.scalar(select(Dish.id).where(
        Dish.course == "main", Dish.id != current["main"], Dish.active.is_(True)))
    data = {course: str(current.get(course, 0))
            for course in ("starter", "main", "side", "dairy", "dessert")}

    page = browser.post(path, data | {"main": "0"})
    assert "Un repas a un plat" in page.text
    page = browser.post(path, data | {"main": str(other_main)})
    assert "les compteurs sont recalculés" in page.text
    db.session.expire_all()
    plan = db.session.get(StoredPlan, plan.id)
    assert plan.edited
    assert {pd.course: pd.dish_id for pd in plan.meals[0].dishes}["main"] == other_main
    fish = next(c for c in plan.report["counters"] if c["rule"] == "fish")
    assert fish["count"] == sum(has(m["main"], "fish") for m in menus(plan))


def test_the_manager_adds_a_dish_and_a_wrong_one_is_explained(browser):
    browser.login(MANAGER)
    form = {"name": "Velouté de potiron", "course": "starter", "attributes": "vegetarian",
            "active": "y", "ingredients-0-name": "Courge", "ingredients-0-grams": "120",
            "ingredients-1-name": "Lait", "ingredients-1-grams": "30"}
    page = browser.post("/cantine/plats/nouveau", form)
    assert "Velouté de potiron » enregistré" in page.text
    dish = db.session.scalar(select(Dish).where(Dish.name == "Velouté de potiron"))
    assert [(i.name, i.grams) for i in dish.ingredients] == [("Courge", 120), ("Lait", 30)]

    wrong = form | {"name": "Velouté au poulet", "ingredients-1-name": "Poulet"}
    page = browser.post("/cantine/plats/nouveau", wrong)
    assert "Un plat végétarien ne contient ni viande ni poisson (Poulet)" in page.text
    assert db.session.scalar(select(Dish).where(Dish.name == "Velouté au poulet")) is None


def test_a_week_order_without_an_open_cycle_is_refused_clearly(browser):
    browser.login(MANAGER)
    page = browser.get("/cantine/semaine").text
    assert "Aucun cycle n'est ouvert" in page
    assert db.session.scalar(select(func.count(WeekOrder.id))) == 0


def test_a_failure_after_the_order_leaves_neither_the_order_nor_the_week_order(browser):
    cycle = open_week(supply=generous_supply(), delivery=SCHOOL_DELIVERY)
    monday = meals_monday(SCHOOL_DELIVERY)
    browser.login(MANAGER)
    plan_through_the_page(browser, max(monday, date.today()), "weeks-1")
    sold_before = dict(db.session.execute(select(ProductStock.product_id, ProductStock.sold)
                                          .where(ProductStock.cycle_id == cycle.id)).all())

    def stop_once_ordered(_mapper, _connection, week_order: WeekOrder) -> None:
        if week_order.order_id is not None:  # place_order has written the canteen's order
            raise RuntimeError("the process stops between the order and its week order")

    for moment in ("before_insert", "before_update"):
        event.listen(WeekOrder, moment, stop_once_ordered)
    try:
        with pytest.raises(RuntimeError):
            ordering.order_planned_week(user(MANAGER))
    finally:
        for moment in ("before_insert", "before_update"):
            event.remove(WeekOrder, moment, stop_once_ordered)

    assert db.session.scalar(select(func.count(Order.id)).where(
        Order.source == OrderSource.CANTEEN)) == 0
    assert db.session.scalar(select(func.count(WeekOrder.id))) == 0
    assert db.session.scalar(select(func.count(OutsidePurchase.id))) == 0
    assert dict(db.session.execute(select(ProductStock.product_id, ProductStock.sold)
                                   .where(ProductStock.cycle_id == cycle.id)).all()) == sold_before

    # Nothing half-done stands in the way: the manager orders the week as usual.
    page = browser.post("/cantine/semaine", {}, form_page="/cantine/semaine").text
    assert "Commande de la semaine générée" in page
    assert db.session.scalar(select(func.count(Order.id)).where(
        Order.source == OrderSource.CANTEEN)) == 1


def test_a_planning_job_that_breaks_unexpectedly_fails_and_the_page_says_so_in_french(browser):
    browser.login(MANAGER)
    # A job queued by an earlier release, whose parameters this one cannot read.
    job = PlanJob(canteen_id=user(MANAGER).canteen_id, params={"start": "2030-01-07"})
    db.session.add(job)
    db.session.commit()

    with pytest.raises(KeyError):  # raised again, for the worker to report the task failed
        tasks.plan_menus(job.id)

    db.session.expire_all()
    job = db.session.get(PlanJob, job.id)
    assert job.status == JobStatus.FAILED and job.plan_id is None
    assert job.failure == "Erreur interne : l'équipe technique est prévenue."
    page = browser.get("/cantine/menus").text
    assert ("La planification a échoué : Erreur interne : l'équipe technique est prévenue."
            in page)
    assert "Planification en cours" not in page


def test_a_planning_job_refused_by_the_work_fails_with_its_reason(browser):
    browser.login(MANAGER)
    job = PlanJob(canteen_id=user(MANAGER).canteen_id,
                  params={"first_day": "2030-01-07", "meals": None, "weeks": None})
    db.session.add(job)
    db.session.commit()

    tasks.plan_menus(job.id)

    page = browser.get("/cantine/menus").text
    assert "La planification a échoué : Choisissez un nombre de repas ou de semaines." in page


def test_the_residence_is_planned_under_the_elderly_rules_with_its_own_target(app):
    from canteens import menus as planning
    from canteens import services
    from canteens.menu_planner.rules import ELDERLY_RULES, SCHOOL_RULES
    from canteens.models import Canteen

    residence = db.session.scalar(select(Canteen).where(
        Canteen.code == "canteen-loos-residence"))
    days = services.service_days_from(residence, monday_after(date.today()), meals=20)
    request = planning.build_request(residence, days)

    assert request.rules == ELDERLY_RULES and request.vegetarian_meals_per_week == 0
    assert request.local_target_pct == 15
    assert {d.weekday() for d in request.dates} == set(range(7))  # it serves every day
    stored = planning.request_from_json(planning.request_json(request))
    assert stored.rules == ELDERLY_RULES and stored.vegetarian_meals_per_week == 0
    school = db.session.scalar(select(Canteen).where(Canteen.code == "canteen-loos-school"))
    school_request = planning.build_request(
        school, services.service_days_from(school, monday_after(date.today()), meals=4))
    assert school_request.rules == SCHOOL_RULES and school_request.local_target_pct is None
