"""Planning the week's rounds: the cycle's loads and the fleet to the routing library, and back."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

import routing
from paniers.accounts.models import Role, User
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import PARIS, CycleStatus, TransitionError, check_move
from paniers.delivery.loads import PointLoad, point_loads
from paniers.delivery.models import Route, RouteStop, UnservedPoint, Vehicle
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.jobs.models import CycleJob
from paniers.jobs.runner import Progress
from paniers.points.models import Hub, PickupPoint, PointKind
from paniers.transaction import transaction

DIMENSIONS = ("kg", "crates")
SPEEDS_KMH = {"van": 35.0, "cargo_bike": 15.0, "truck": 30.0}
# Beyond the first 10 km of a leg, motor vehicles leave the towns for the main roads
# (A21, A1, A25): Loos to Lille or Dunkerque does not crawl at town speed.
OPEN_ROAD_KMH = 80.0
TOWN_M = 10_000
MOTOR_KINDS = frozenset({"van", "truck"})
BASE_SERVICE_S = 300  # park, find the host, sign
PER_CRATE_S = 20
MAX_TRIPS = 3  # each vehicle's trips from its hub, at least; more when the week is heavy
MOST_TRIPS = 6
RELOAD_S = 20 * 60
# The planner's search time grows with the week: a few seconds for the demo's twenty
# stops, about half a minute for eighty; never more than the coordinator's limit.
BASE_BUDGET_S = 2.0
BUDGET_PER_STOP_S = 0.3
TIME_LIMIT_CHOICES_S = (10, 30, 60, 120, 300)


def _seconds(minutes: int) -> int:
    return minutes * 60


def search_budget_s(stop_count: int, limit_s: float) -> float:
    """The search time for a week of ``stop_count`` stops, within ``limit_s``."""
    return max(0.5, min(limit_s, BASE_BUDGET_S + BUDGET_PER_STOP_S * stop_count))


def travel_provider() -> routing.HaversineMatrixProvider:
    return routing.HaversineMatrixProvider(
        detour_factor=1.3, speed_kmh=35.0, profile_speeds_kmh=SPEEDS_KMH,
        open_road_speed_kmh=OPEN_ROAD_KMH, town_m=TOWN_M, open_road_profiles=MOTOR_KINDS)


def build_problem(vehicles: list[Vehicle], points: dict[int, PickupPoint],
                  loads: dict[int, PointLoad],
                  driver_cost_per_hour_cents: int = 0) -> routing.RoutingProblem:
    """The week as plain routing data: one mandatory stop per point with something to drop.

    Each vehicle starts and ends at its own hub. The driver's hour is priced with the
    kilometres, so that a round does not wait hours at a point for its window to open
    when another plan avoids it. When the fleet has a long-haul vehicle, the points
    outside the agglomeration (Lille, Dunkerque) go to the long-haul vehicles alone,
    and those serve nothing else: a separate run, as the collective does it, rather
    than a van that leaves its towns' points waiting while it drives to the coast."""
    hubs = {vehicle.hub.code: vehicle.hub for vehicle in vehicles}
    locations = [routing.Location(h.code, h.lat, h.lon) for h in hubs.values()]
    long_haul = tuple(v.code for v in vehicles if v.long_haul)
    local = tuple(v.code for v in vehicles if not v.long_haul)
    stops = []
    for point_id, load in sorted(loads.items()):
        point = points[point_id]
        locations.append(routing.Location(point.code, point.lat, point.lon))
        reserved: tuple[str, ...] = ()
        if long_haul and local:
            reserved = long_haul if point.kind == PointKind.CITY else local
        stops.append(routing.Stop(
            id=point.code, location_id=point.code,
            demand=(-(-load.weight_g // 1000), load.crates),
            service_s=BASE_SERVICE_S + PER_CRATE_S * load.crates,
            time_windows=(routing.TimeWindow(_seconds(point.delivery_start_min),
                                             _seconds(point.delivery_end_min)),),
            vehicle_ids=reserved,
        ))
    trips = trips_allowed(vehicles, loads)
    fleet = [
        routing.Vehicle(
            id=vehicle.code, start_location_id=vehicle.hub.code,
            end_location_id=vehicle.hub.code,
            capacity=(vehicle.capacity_kg, vehicle.capacity_crates),
            shift=routing.TimeWindow(_seconds(vehicle.shift_start_min),
                                     _seconds(vehicle.shift_end_min)),
            max_distance_m=vehicle.max_km * 1000 if vehicle.max_km else None,
            cost_per_km_cents=vehicle.cost_per_km_cents, profile=vehicle.kind,
            # A busy week outgrows one load: vans come back to the hub to reload.
            max_trips=trips, reload_s=RELOAD_S,
            cost_per_hour_cents=driver_cost_per_hour_cents,
        )
        for vehicle in vehicles
    ]
    return routing.RoutingProblem(tuple(locations), tuple(stops), tuple(fleet), DIMENSIONS)


def trips_allowed(vehicles: list[Vehicle], loads: dict[int, PointLoad]) -> int:
    """How many trips each vehicle may make: three, or two more than the whole fleet's
    loads would take if every vehicle left full (the 5,000-household agglomeration's
    3,300 crates in 1,300-crate rounds: five), so that a heavy week is not cut short by
    the count of trips while the windows and shifts still allow more."""
    room = sum(vehicle.capacity_crates for vehicle in vehicles) or 1
    crates = sum(load.crates for load in loads.values())
    return max(MAX_TRIPS, min(MOST_TRIPS, -(-crates // room) + 2))


def plan_cycle_routes(cycle_id: int, time_limit_s: float = 5.0,
                      progress: Progress = lambda _p, _s: None) -> routing.RoutingResult:
    """Plan the rounds of an allocated cycle and store them (replacing any earlier plan).

    ``time_limit_s`` bounds the search, which takes what the week's size calls for."""
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    try:
        check_move(cycle.status, CycleStatus.ROUTED)
    except TransitionError as error:
        raise ServiceError(
            _("Les tournées se planifient une fois la répartition faite.")
        ) from error
    vehicles = list(db.session.scalars(
        select(Vehicle).join(Hub, Vehicle.hub_id == Hub.id)
        .where(Vehicle.active.is_(True), Hub.active.is_(True)).order_by(Vehicle.id)))
    if not vehicles:
        raise ServiceError(_("Aucun véhicule disponible : ajoutez-en un à la flotte."))
    progress(10, "loads")
    loads = point_loads(cycle_id)
    points = {p.id: p for p in db.session.scalars(select(PickupPoint))}
    problem = build_problem(vehicles, points, loads,
                            current_app.config.get("ROUTING_DRIVER_COST_PER_HOUR_CENTS", 0))
    progress(30, "routing")
    result = routing.plan_routes(problem, time_limit_s=search_budget_s(len(loads), time_limit_s),
                                 seed=0, matrix_provider=travel_provider())
    progress(90, "saving_rounds")
    _store(cycle, result, {v.code: v for v in vehicles}, {p.code: p for p in points.values()},
           loads)
    return result


def plan_for_job(job: CycleJob, progress: Progress, time_limit_s: float = 5.0) -> dict[str, Any]:
    """The rounds job's work: plan its cycle's rounds; what its page shows once done."""
    result = plan_cycle_routes(job.cycle_id, time_limit_s, progress)
    return {
        "routes": len(result.routes), "unserved": len(result.unserved),
        "distance_m": result.total_distance_m, "cost_cents": result.total_cost_cents,
        "status": result.status.value,
    }


@transaction()
def _store(cycle: OrderCycle, result: routing.RoutingResult, vehicles: dict[str, Vehicle],
           points: dict[str, PickupPoint], loads: dict[int, PointLoad]) -> None:
    midnight = datetime.combine(cycle.delivery_date, time(0), PARIS)

    def at(seconds: int) -> datetime:
        return midnight + timedelta(seconds=seconds)

    for route in db.session.scalars(select(Route).where(Route.cycle_id == cycle.id)):
        db.session.delete(route)
    db.session.execute(delete(UnservedPoint).where(UnservedPoint.cycle_id == cycle.id))
    for planned in result.routes:
        route = Route(cycle_id=cycle.id, vehicle_id=vehicles[planned.vehicle_id].id,
                      departs_dt=at(planned.start_s), returns_dt=at(planned.end_s),
                      distance_m=planned.distance_m, cost_cents=planned.cost_cents)
        for sequence, visit in enumerate(v for v in planned.visits if v.stop_id):
            point = points[visit.location_id]
            load = loads[point.id]
            route.stops.append(RouteStop(
                sequence=sequence + 1, point_id=point.id, arrives_dt=at(visit.arrival_s),
                starts_dt=at(visit.start_s), departs_dt=at(visit.departure_s),
                weight_g=load.weight_g, crates=load.crates, load_after_kg=visit.load_after[0]))
        db.session.add(route)
    for unserved in result.unserved:
        point = points[unserved.stop_id]
        db.session.add(UnservedPoint(cycle_id=cycle.id, point_id=point.id,
                                     reason=unserved.reason.name.lower(),
                                     weight_g=loads[point.id].weight_g,
                                     crates=loads[point.id].crates))
    cycle.status = CycleStatus.ROUTED


def rounds_of(cycle_id: int) -> tuple[list[Route], list[UnservedPoint]]:
    routes = list(db.session.scalars(select(Route).where(Route.cycle_id == cycle_id)
                                     .order_by(Route.departs_dt, Route.id)))
    unserved = list(db.session.scalars(select(UnservedPoint)
                                       .where(UnservedPoint.cycle_id == cycle_id)))
    return routes, unserved


def expected_at(cycle_id: int, point_id: int) -> RouteStop | None:
    """When the van is expected at a point (for its host)."""
    return db.session.scalar(
        select(RouteStop).join(Route)
        .where(Route.cycle_id == cycle_id, RouteStop.point_id == point_id)
    )


def route_of(cycle_id: int, route_id: int) -> Route:
    route = db.session.get(Route, route_id)
    if route is None or route.cycle_id != cycle_id:
        raise NotFound(_("Cette tournée n'existe pas."))
    return route


def hosts_of(point_ids: list[int]) -> dict[int, list[User]]:
    """The hosts of each point, for the driver's contact list."""
    hosts: dict[int, list[User]] = {}
    for user in db.session.scalars(select(User).where(
            User.role == Role.RELAY_HOST, User.point_id.in_(point_ids))):
        hosts.setdefault(user.point_id or 0, []).append(user)
    return hosts


# One colour per round, the same on the map and in its legend.
ROUTE_COLOURS = ("#2f6b2f", "#b5562b", "#2b5fb5", "#8a2bb5", "#7a6a00", "#00707a")


def route_colour(index: int) -> str:
    return ROUTE_COLOURS[index % len(ROUTE_COLOURS)]


def waiting_s(stop: RouteStop) -> int:
    """How long the van waits at a stop for its window to open."""
    return max(0, int((stop.starts_dt - stop.arrives_dt).total_seconds()))


def map_data(routes: list[Route], unserved: list[UnservedPoint], tile_url: str) -> dict[str, Any]:
    """What the map script draws: the hubs, each round's stops in order (from and back to
    its hub), unserved points."""

    def place(point: PickupPoint | Hub) -> dict[str, Any]:
        name = point.name if isinstance(point, Hub) else f"{point.town} — {point.name}"
        return {"name": name, "lat": point.lat, "lon": point.lon}

    used = {route.vehicle.hub_id: route.vehicle.hub for route in routes}
    depots = list(used.values()) or list(db.session.scalars(
        select(Hub).where(Hub.active.is_(True)).order_by(Hub.id)))
    return {
        "tiles": tile_url,
        "hubs": [place(depot) for depot in depots],
        "routes": [{"vehicle": route.vehicle.name, "colour": route_colour(index),
                    "hub": place(route.vehicle.hub),
                    "stops": [place(s.point) | {"seq": s.sequence} for s in route.stops]}
                   for index, route in enumerate(routes)],
        "unserved": [place(u.point) for u in unserved],
    }
