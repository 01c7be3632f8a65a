"""PyVRP's search beside OR-Tools': the plans it brings keep every rule of the problem,
and one that breaks a rule never reaches the result."""

from __future__ import annotations

import random

import pytest

from routing import (
    HaversineMatrixProvider,
    Location,
    PlanStatus,
    RoutingProblem,
    RoutingResult,
    Stop,
    TimeWindow,
    Vehicle,
    plan_routes,
    pyvrp_search,
)
from routing.layout import build_layout
from routing.screening import screen_stops
from tests.unit.routing.line_instances import DAY, line_problem, line_provider, stop, van

pytestmark = pytest.mark.slow

HUBS = {"loos": (50.457, 2.793), "lievin": (50.422, 2.778)}
PROVIDER = HaversineMatrixProvider(profile_speeds_kmh={"bike": 15.0})


def _town_week(seed: int, stops: int = 60, narrow: bool = True) -> RoutingProblem:
    """Two hubs, towns around them, kilograms and crates, windows wide and narrow, a
    far point for the shuttle alone (as the rounds reserve it), optional shop drops,
    vans that reload. Without ``narrow`` every window is eight hours wide."""
    rng = random.Random(seed)
    locations = [Location(hub, *where) for hub, where in HUBS.items()]
    towns = [(50.40 + rng.random() * 0.1, 2.70 + rng.random() * 0.2) for _ in range(8)]
    problem_stops = []
    for number in range(stops):
        lat, lon = rng.choice(towns)
        place = Location(f"p{number}", lat + rng.gauss(0, 0.004), lon + rng.gauss(0, 0.006))
        locations.append(place)
        opens = rng.choice((7, 8, 9, 10)) * 3600
        widths = (2 * 3600, 4 * 3600, 8 * 3600) if narrow else (8 * 3600,)
        window = TimeWindow(opens, opens + rng.choice(widths))
        optional = number % 10 == 9
        problem_stops.append(Stop(
            f"s{number}", place.id, (rng.randint(5, 60), rng.randint(1, 6)), service_s=300,
            time_windows=(window,), optional=optional, penalty_cents=2000 if optional else 0,
            vehicle_ids=("van-loos", "van-lievin", "van-lievin-2", "bike"),
        ))
    locations.append(Location("lille", 50.629, 3.057))
    problem_stops.append(Stop("lille", "lille", (120, 10), service_s=900,
                              vehicle_ids=("shuttle",)))
    shift = TimeWindow(6 * 3600, 18 * 3600)
    vehicles = (
        Vehicle("van-loos", "loos", "loos", (400, 30), shift, cost_per_km_cents=35,
                max_trips=3, reload_s=900, cost_per_hour_cents=2000),
        Vehicle("van-lievin", "lievin", "lievin", (400, 30), shift, cost_per_km_cents=35,
                max_trips=3, reload_s=600, cost_per_hour_cents=2000),
        Vehicle("van-lievin-2", "lievin", "lievin", (400, 30), shift, cost_per_km_cents=35,
                max_trips=3, reload_s=600, cost_per_hour_cents=2000),
        Vehicle("bike", "loos", "loos", (80, 6), shift, cost_per_km_cents=5, profile="bike",
                max_distance_m=40_000, max_trips=4, reload_s=300),
        Vehicle("shuttle", "loos", "loos", (600, 40), shift, cost_per_km_cents=40),
    )
    return RoutingProblem(tuple(locations), tuple(problem_stops), vehicles, ("kg", "crates"))


def _assert_keeps_every_rule(problem: RoutingProblem, result: RoutingResult) -> None:
    matrices = {p: PROVIDER.travel_matrices(problem.locations, p) for p in ("default", "bike")}
    position = {location.id: i for i, location in enumerate(problem.locations)}
    vehicles = {vehicle.id: vehicle for vehicle in problem.vehicles}
    served = result.served_stop_ids
    assert len(served) == len(set(served))
    for route in result.routes:
        vehicle = vehicles[route.vehicle_id]
        assert vehicle.shift.start_s <= route.start_s <= route.end_s <= vehicle.shift.end_s
        trip = [0, 0]
        clock, here = route.start_s, vehicle.start_location_id
        for visit in route.visits:
            travel = matrices[vehicle.profile].duration_s[position[here]][
                position[visit.location_id]]
            assert visit.arrival_s == clock + travel
            assert visit.start_s >= visit.arrival_s
            clock, here = visit.departure_s, visit.location_id
            if visit.is_reload:
                trip = [0, 0]
                continue
            served_stop = problem.stop(visit.stop_id)  # type: ignore[arg-type]
            window = served_stop.time_windows[0] if served_stop.time_windows else DAY
            assert window.start_s <= visit.start_s <= window.end_s, visit
            assert not served_stop.vehicle_ids or vehicle.id in served_stop.vehicle_ids
            trip = [t + d for t, d in zip(trip, served_stop.demand, strict=True)]
            assert all(t <= c for t, c in zip(trip, vehicle.capacity, strict=True)), route
        if vehicle.max_distance_m is not None:
            assert route.distance_m <= vehicle.max_distance_m


def test_a_plan_with_pyvrp_beside_or_tools_keeps_every_rule_of_the_week() -> None:
    problem = _town_week(seed=3)

    result = plan_routes(problem, time_limit_s=3, matrix_provider=PROVIDER, workers=2)

    assert result.status is PlanStatus.ALL_SERVED
    _assert_keeps_every_rule(problem, result)
    shuttle = [route for route in result.routes if route.vehicle_id == "shuttle"]
    assert [route.stop_ids for route in shuttle] == [("lille",)]
    assert any(visit.is_reload for route in result.routes for visit in route.visits)


def test_pyvrp_alone_plans_the_week_within_every_rule_and_reports_its_cost() -> None:
    problem = _town_week(seed=5, narrow=False)
    matrices = {p: PROVIDER.travel_matrices(problem.locations, p) for p in ("default", "bike")}
    screening = screen_stops(problem, matrices)
    layout = build_layout(problem, screening)

    outcome = pyvrp_search.search(problem, layout, matrices, screening, 2.0, seed=1)

    assert outcome is not None
    served = [layout.stop_of_node[node] for raw in outcome.routes for node in raw.nodes]
    mandatory = {stop.id for stop in problem.stops if not stop.optional}
    assert mandatory <= {stop.id for stop in served if stop is not None}
    recomputed = sum(
        pyvrp_search.route_objective(problem, layout, matrices, raw) for raw in outcome.routes
    ) + sum(layout.stop_of_node[n].penalty_cents * 1000 for n in outcome.dropped_nodes)  # type: ignore[union-attr]
    assert outcome.objective == recomputed


def _line_layout(stops: list[Stop], vehicles: list[Vehicle]):  # type: ignore[no-untyped-def]
    positions = {"a": 1000, "b": 2000}
    problem = line_problem(positions, stops, vehicles)
    matrices = {"default": line_provider(positions).travel_matrices(problem.locations, "default")}
    screening = screen_stops(problem, matrices)
    return problem, build_layout(problem, screening), matrices, screening


def test_a_route_leaves_late_enough_not_to_wait_at_a_stop_that_opens_late() -> None:
    # 100 s to a, 100 s more to b which opens at 10:00: leave at 09:58:20, no waiting.
    late = TimeWindow(36_000, 40_000)
    problem, layout, matrices, screening = _line_layout(
        [stop("a"), stop("b", time_windows=(late,))], [van()]
    )
    nodes = [layout.start_nodes[0], layout.node_of_stop["a"], layout.node_of_stop["b"],
             layout.end_nodes[0]]

    raw = pyvrp_search.timed_route(problem, layout, matrices, screening, 0, nodes)

    assert raw is not None
    assert raw.times_s == (35_800, 35_900, 36_000, 36_200)


@pytest.mark.parametrize(
    "case",
    ["window missed", "over capacity", "vehicle not allowed"],
)
def test_a_route_that_breaks_a_rule_is_refused(case: str) -> None:
    stops = [stop("a", demand=60), stop("b", demand=60)]
    vehicles = [van(capacity=200), van("other", capacity=200)]
    if case == "window missed":
        stops = [stop("a", demand=60, service_s=100),
                 stop("b", demand=60, time_windows=(TimeWindow(0, 250),))]
    elif case == "over capacity":
        vehicles[0] = van(capacity=100)
    else:
        stops[1] = stop("b", demand=60, vehicle_ids=("other",))
    problem, layout, matrices, screening = _line_layout(stops, vehicles)
    # a then b: b (straight from the hub at 200 s) is reached at 300 s, after its
    # window; 120 kg in a 100 kg van; b in the van it is not reserved for.
    nodes = [layout.start_nodes[0], layout.node_of_stop["a"], layout.node_of_stop["b"],
             layout.end_nodes[0]]

    assert pyvrp_search.timed_route(problem, layout, matrices, screening, 0, nodes) is None


def test_problems_pyvrp_cannot_take_stay_with_or_tools() -> None:
    two_windows = stop("a", time_windows=(TimeWindow(0, 100), TimeWindow(200, 300)))
    problem = line_problem({"a": 1000, "b": 2000}, [two_windows, stop("b")], [van()])

    assert not pyvrp_search.fits(problem)
    assert pyvrp_search.fits(line_problem({"a": 1000, "b": 2000}, [stop("a"), stop("b")], [van()]))
