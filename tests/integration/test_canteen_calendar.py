"""The canteens' school calendar and closures through the manager's pages (CSRF on), and
the week a cycle's delivery feeds: every meal it feeds comes after the produce arrives."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from canteens import ordering, tasks
from canteens.models import Canteen, CanteenClosure, MealForecast, PlanJob, StoredPlan, WeekOrder
from paniers.accounts.models import Role
from paniers.extensions import db
from tests.integration.week import DELIVERY, open_week, user
from tests.support.access import add_user, code_id, route_at
from tests.support.school_weeks import school_delivery, school_monday_after

MANAGER = "cantine@paniers.demo"
RESIDENCE_MANAGER = "cantine-residence@paniers.demo"


@pytest.fixture(autouse=True)
def quick_planner(app):
    app.config.update(CANTEEN_PLAN_TIME_LIMIT_S=3, CANTEEN_PLAN_WORKERS=1)


def next_christmas(today: date) -> date:
    christmas = date(today.year, 12, 25)
    return christmas if christmas >= today else date(today.year + 1, 12, 25)


def closures() -> list[tuple[date, date, str]]:
    db.session.expire_all()
    return [(c.first_day, c.last_day, c.reason) for c in db.session.scalars(
        select(CanteenClosure).order_by(CanteenClosure.id))]


def plan_week(browser, monday: date) -> StoredPlan:
    page = browser.post("/cantine/menus/planifier",
                        {"first_day": monday.isoformat(), "horizon": "weeks-1"},
                        form_page="/cantine/menus")
    assert "Planification lancée" in page.text
    job = db.session.scalar(select(PlanJob).order_by(PlanJob.id.desc()))
    tasks.plan_menus(job.id)
    db.session.expire_all()
    plan = db.session.get(StoredPlan, db.session.get(PlanJob, job.id).plan_id)
    assert plan is not None
    return plan


def test_a_strike_day_closes_the_canteen_its_forecast_says_why_and_no_meal_is_planned(browser):
    browser.login(MANAGER)
    monday = school_monday_after(date.today())
    strike = monday + timedelta(days=1)
    page = browser.post("/cantine/fermetures", {"first_day": strike.isoformat(),
                                               "last_day": "", "reason": "  Grève  "})
    assert "Fermeture enregistrée" in page.text and "Grève" in page.text
    assert closures() == [(strike, strike, "Grève")]

    forecast = browser.get(f"/cantine/previsions?semaine={monday.isoformat()}").text
    assert "Pas de repas</strong> : Grève" in forecast
    assert len(re.findall(r'name="days-\d+-nursery"', forecast)) == 3  # 3 open days

    plan = plan_week(browser, monday)
    served = [m.service_date for m in plan.meals]
    assert served == [monday, monday + timedelta(days=3), monday + timedelta(days=4)]


def test_christmas_week_is_pre_filled_at_zero_with_the_reason_and_a_forced_meal_is_refused(
        browser):
    browser.login(MANAGER)
    christmas = next_christmas(date.today())
    monday = christmas - timedelta(days=christmas.weekday())
    path = f"/cantine/previsions?semaine={monday.isoformat()}"
    page = browser.get(path).text
    if christmas.weekday() in (0, 1, 3, 4):  # a service day of the school that year
        assert "Noël" in page
    assert "Vacances de Noël" in page  # the school holidays of zone B cover the whole week
    assert 'name="days-0-nursery"' not in page

    tampered = {"days-0-day": monday.isoformat(), "days-0-nursery": "180"}
    page = browser.post(path, tampered).text
    assert "Pas de repas le" in page and "Vacances de Noël" in page
    assert db.session.scalar(select(func.count(MealForecast.id))) == 0


def test_the_residence_serves_on_christmas_day(browser):
    residence = code_id(Canteen, "canteen-loos-residence")
    add_user(RESIDENCE_MANAGER, "Gérant Résidence", Role.CANTEEN_MANAGER, canteen_id=residence)
    browser.login(RESIDENCE_MANAGER)
    christmas = next_christmas(date.today())
    monday = christmas - timedelta(days=christmas.weekday())
    page = browser.get(f"/cantine/previsions?semaine={monday.isoformat()}").text
    assert "Pas de repas" not in page
    assert len(re.findall(r'name="days-\d+-adult"', page)) == 7  # Christmas included
    assert "sert tous les jours" in browser.get("/cantine/fermetures").text


@pytest.mark.parametrize(("form", "message"), [
    ({"last_day": "-1", "reason": "Sortie"}, "le dernier jour précède le premier"),
    ({"last_day": "0", "reason": "   "}, "donnez la raison"),
    ({"last_day": "0", "reason": "x" * 121}, "120 caractères au plus"),
    ({"last_day": "400", "reason": "Travaux"}, "Une fermeture dure au plus un an"),
])
def test_a_bad_closure_gets_its_message_next_to_the_field_and_changes_nothing(
        browser, form, message):
    browser.login(MANAGER)
    first = date.today() + timedelta(days=20)
    data = {"first_day": first.isoformat(), "reason": form["reason"],
            "last_day": (first + timedelta(days=int(form["last_day"]))).isoformat()}
    page = browser.post("/cantine/fermetures", data)
    assert page.status_code == 200 and message in page.text and 'class="field-error"' in page.text
    assert closures() == []


def test_overlapping_closures_are_refused_and_a_closure_can_be_removed(browser):
    browser.login(MANAGER)
    first = date.today() + timedelta(days=20)
    browser.post("/cantine/fermetures", {"first_day": first.isoformat(),
                                        "last_day": (first + timedelta(days=2)).isoformat(),
                                        "reason": "Sortie scolaire"})
    page = browser.post("/cantine/fermetures", {
        "first_day": (first + timedelta(days=1)).isoformat(), "last_day": "", "reason": "Pont"})
    assert "chevauchent une fermeture déjà saisie (Sortie scolaire)" in page.text
    assert len(closures()) == 1

    closure_id = db.session.scalar(select(CanteenClosure.id))
    page = browser.post(f"/cantine/fermetures/{closure_id}/supprimer", {},
                        form_page="/cantine/fermetures")
    assert "Fermeture « Sortie scolaire » retirée" in page.text
    assert closures() == []


def test_a_manager_cannot_remove_another_canteens_closure(browser, other_browser):
    residence = code_id(Canteen, "canteen-loos-residence")
    add_user(RESIDENCE_MANAGER, "Gérant Résidence", Role.CANTEEN_MANAGER, canteen_id=residence)
    browser.login(MANAGER)
    first = date.today() + timedelta(days=20)
    browser.post("/cantine/fermetures", {"first_day": first.isoformat(), "last_day": "",
                                        "reason": "Grève"})
    closure_id = db.session.scalar(select(CanteenClosure.id))
    other_browser.login(RESIDENCE_MANAGER)
    page = other_browser.post(f"/cantine/fermetures/{closure_id}/supprimer", {},
                              form_page="/cantine/fermetures")
    assert "Cette fermeture n'existe pas." in page.text
    assert len(closures()) == 1


def test_the_fridays_cycle_orders_the_following_week_and_no_meal_of_it_is_before_delivery(
        browser):
    delivery = school_delivery(DELIVERY)
    cycle = open_week(supply={"Pomme de terre": 300_000, "Carotte": 300_000}, delivery=delivery)
    fed_monday = delivery + timedelta(days=7 - delivery.weekday())
    browser.login(MANAGER)
    plan = plan_week(browser, fed_monday)

    page = browser.get("/cantine/semaine").text
    assert "Livraison du vendredi" in page
    assert f"repas du {fed_monday.day}" in page
    browser.post("/cantine/semaine", {})
    week_order = db.session.scalar(select(WeekOrder))
    assert week_order is not None and week_order.cycle_id == cycle.id
    assert week_order.week_start == fed_monday
    fed = [m.service_date for m in plan.meals
           if fed_monday <= m.service_date < fed_monday + timedelta(days=7)]
    assert fed and all(day > cycle.delivery_date for day in fed)
    assert user(MANAGER).canteen_id == week_order.canteen_id


def test_a_meal_planned_before_a_closure_was_added_is_flagged_and_not_ordered(browser):
    browser.login(MANAGER)
    monday = school_monday_after(date.today())
    plan = plan_week(browser, monday)
    canteen = db.session.get(Canteen, user(MANAGER).canteen_id)
    before = ordering.week_needs(canteen, plan, monday)
    outing = monday + timedelta(days=3)
    browser.post("/cantine/fermetures", {"first_day": outing.isoformat(), "last_day": "",
                                        "reason": "Sortie au Louvre-Lens"})

    page = browser.get("/cantine/menus").text
    assert "Pas de repas ce jour-là (Sortie au Louvre-Lens)" in page
    after = ordering.week_needs(canteen, plan, monday)
    assert sum(after.values()) < sum(before.values())
    assert all(after.get(name, 0) <= amount for name, amount in before.items())


def test_the_route_sheet_tells_the_driver_which_weeks_meals_the_canteens_crates_feed(browser):
    delivery = school_delivery(DELIVERY)
    cycle = open_week(delivery=delivery)
    school_point = db.session.get(Canteen, user(MANAGER).canteen_id).point_id
    route_id, _vehicle = route_at(cycle.id, school_point)
    browser.login("coordination@paniers.demo")
    sheet = browser.get(f"/coordination/cycles/{cycle.id}/tournees/{route_id}/feuille").text
    fed_monday = delivery + timedelta(days=7 - delivery.weekday())
    assert "Pour les repas de la semaine du" in sheet
    assert f"lundi {fed_monday.day}" in sheet
