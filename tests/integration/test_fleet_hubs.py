"""Rounds over several hubs, the long-haul run, and how long the planner searches."""

from __future__ import annotations

from sqlalchemy import func, select

import routing
from paniers.allocation import services as allocating
from paniers.cycles import services as cycles
from paniers.delivery.loads import PointLoad
from paniers.delivery.models import Vehicle
from paniers.delivery.planning import (
    plan_cycle_routes,
    search_budget_s,
    travel_provider,
    trips_allowed,
)
from paniers.extensions import db
from paniers.jobs.models import CycleJob
from paniers.orders import services as orders
from paniers.points.models import Hub, PickupPoint
from tests.integration.test_week_plan import SUPPLY, point_id
from tests.integration.week import open_week, user


def _vehicle(code: str) -> Vehicle:
    return db.session.scalar(select(Vehicle).where(Vehicle.code == code))


def _week_with_orders_at(*codes: str):
    cycle = open_week(supply=SUPPLY)
    small = next(f.id for f in cycle.formats if f.code == "small")
    for code in codes:
        orders.place_order(user("foyer@paniers.demo"), cycle.id, point_id(code),
                           orders.Cart({small: 1}, {}))
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    return cycle


def _second_hub_at_lievin() -> Hub:
    hub = Hub(code="hub-lievin", name="Plateforme de Liévin", town="Liévin", lat=50.4230,
              lon=2.7790, open_start_min=360, open_end_min=1080)
    db.session.add(hub)
    db.session.flush()
    return hub


def test_a_van_based_at_the_second_hub_starts_and_ends_its_round_there(app, browser):
    cycle = _week_with_orders_at("relay-loos", "relay-lens")
    lievin = _second_hub_at_lievin()
    for vehicle in db.session.scalars(select(Vehicle)):
        vehicle.active = vehicle.code == "van-2"
    _vehicle("van-2").hub_id = lievin.id
    db.session.commit()

    result = plan_cycle_routes(cycle.id, time_limit_s=1.0)

    assert result.status.value == "all_served"
    (route,) = result.routes
    assert route.vehicle_id == "van-2"
    # The kilometres are those of Liévin → the two points → Liévin.
    places = {p.code: routing.Location(p.code, p.lat, p.lon)
              for p in db.session.scalars(select(PickupPoint))}
    places["hub-lievin"] = routing.Location("hub-lievin", lievin.lat, lievin.lon)
    path = [places[code] for code in ("hub-lievin", *route.stop_ids, "hub-lievin")]
    distance = travel_provider().travel_matrices(path, "van").distance_m
    assert route.distance_m == sum(distance[i][i + 1] for i in range(len(path) - 1))
    browser.login("coordination@paniers.demo")
    page = browser.get(f"/coordination/cycles/{cycle.id}/tournees").text
    assert "Plateforme : Plateforme de Liévin" in page
    assert "Plateforme : Plateforme de tri" not in page  # no round leaves from Loos


def test_the_long_haul_van_serves_lille_and_dunkerque_alone_and_nothing_else(app):
    cycle = _week_with_orders_at("relay-loos", "relay-lens", "city-lille", "city-dunkerque")
    assert _vehicle("van-2").long_haul  # the demo's separate weekly run

    result = plan_cycle_routes(cycle.id, time_limit_s=1.0)

    assert result.status.value == "all_served"
    served = {route.vehicle_id: set(route.stop_ids) for route in result.routes}
    assert served["van-2"] == {"city-lille", "city-dunkerque"}
    assert not {"city-lille", "city-dunkerque"} & set().union(
        *(stops for vehicle, stops in served.items() if vehicle != "van-2"))


def test_without_a_long_haul_vehicle_any_van_may_serve_lille_on_its_round(app):
    cycle = _week_with_orders_at("relay-loos", "city-lille")
    _vehicle("van-2").long_haul = False
    _vehicle("van-2").active = False
    db.session.commit()

    result = plan_cycle_routes(cycle.id, time_limit_s=1.0)

    assert result.status.value == "all_served"
    assert [(route.vehicle_id, set(route.stop_ids)) for route in result.routes] == [
        ("van-1", {"relay-loos", "city-lille"})]


def test_the_search_takes_longer_for_a_larger_week_within_the_coordinators_limit():
    assert search_budget_s(18, 60) < search_budget_s(80, 60) < search_budget_s(300, 60)
    assert search_budget_s(80, 60) <= 30
    assert search_budget_s(300, 60) == 60
    assert search_budget_s(300, 10) == 10


def test_the_coordinator_moves_a_van_to_another_hub_and_keeps_it_for_the_long_haul(app, browser):
    lievin = _second_hub_at_lievin()
    closed = Hub(code="hub-old", name="Ancien entrepôt", town="Lens", lat=50.43, lon=2.83,
                 open_start_min=360, open_end_min=1080, active=False)
    db.session.add(closed)
    db.session.commit()
    van = _vehicle("van-2")
    browser.login("coordination@paniers.demo")
    form = {"name": van.name, "capacity_kg": "900", "capacity_crates": "70",
            "shift_start": "06:00", "shift_end": "17:00", "max_km": "",
            "cost_per_km_cents": "35", "active": "y"}

    page = browser.post(f"/coordination/flotte/{van.id}", form | {"hub_id": str(closed.id)})
    db.session.expire_all()
    assert "N'est pas un choix valide." in page.text
    assert _vehicle("van-2").hub_id != closed.id

    browser.post(f"/coordination/flotte/{van.id}",
                 form | {"hub_id": str(lievin.id), "long_haul": "y"})
    db.session.expire_all()
    assert (_vehicle("van-2").hub_id, _vehicle("van-2").long_haul) == (lievin.id, True)
    fleet = browser.get("/coordination/flotte/").text
    assert "navette longue distance" in fleet and "Plateforme de Liévin" in fleet


def test_the_coordinator_picks_how_long_the_planner_may_search(app, browser):
    cycle = _week_with_orders_at("relay-loos")
    browser.login("coordination@paniers.demo")
    page = browser.get(f"/coordination/cycles/{cycle.id}/tournees").text
    assert "Durée maximale du calcul" in page and "5 minutes" in page

    refused = browser.post(f"/coordination/cycles/{cycle.id}/planifier", {"time_limit_s": "7"},
                           form_page=f"/coordination/cycles/{cycle.id}/tournees")
    assert "Choisissez une durée de calcul dans la liste." in refused.text
    assert db.session.scalar(select(func.count(CycleJob.id))
                             .where(CycleJob.kind == "routing")) == 0

    started = browser.post(f"/coordination/cycles/{cycle.id}/planifier", {"time_limit_s": "10"},
                           form_page=f"/coordination/cycles/{cycle.id}/tournees")
    assert "Planification des tournées lancée." in started.text
    assert db.session.scalar(select(func.count(CycleJob.id))
                             .where(CycleJob.kind == "routing")) == 1


def test_a_heavy_week_lets_the_vehicles_come_back_for_more_trips(app):
    fleet = list(db.session.scalars(select(Vehicle)))  # the demo's 70 + 70 + 8 crates
    light = {n: PointLoad(n, 20_000, 4, 4, 4) for n in range(18)}
    heavy = {n: PointLoad(n, 200_000, 40, 40, 40) for n in range(18)}  # 720 crates

    assert trips_allowed(fleet, light) == 3
    assert trips_allowed(fleet, heavy) == 6  # 720 / 148 rounds up to 5, plus 2, at most 6
