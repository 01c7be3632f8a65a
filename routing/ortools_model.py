"""Builds the OR-Tools routing model of a laid-out problem.

Every transit is registered as a matrix or a unary vector so that the solver
evaluates arcs in C++ without calling back into Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp

from routing.layout import Matrix, NodeLayout, load_transits, node_distances, node_transit_times
from routing.matrices import TravelMatrices
from routing.model import RoutingProblem, Vehicle
from routing.screening import Screening

TIME = "time"
DISTANCE = "distance"
# Arc costs are in thousandths of a cent: metres times cents per kilometre.
COST_SCALE = 1000


@dataclass
class OrToolsModel:
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    time: pywrapcp.RoutingDimension
    mean_arc_cost: float
    local_arc_cost: float


def build_model(
    problem: RoutingProblem,
    layout: NodeLayout,
    matrices: Mapping[str, TravelMatrices],
    screening: Screening,
    *,
    soft_mandatory: bool,
) -> OrToolsModel:
    """Model with costs, loads, time, distance limits, shipments and disjunctions."""
    manager = pywrapcp.RoutingIndexManager(
        layout.size, len(problem.vehicles), list(layout.start_nodes), list(layout.end_nodes)
    )
    routing = pywrapcp.RoutingModel(manager)
    distances = {profile: node_distances(layout, m) for profile, m in matrices.items()}
    max_arc_cost = _add_arc_costs(problem, routing, distances)
    _add_loads(problem, layout, manager, routing)
    time = _add_time(problem, layout, manager, routing, matrices)
    _add_distance_limits(problem, routing, distances)
    _add_shipments(problem, layout, manager, routing, time)
    # Above the cost of any whole plan: a mandatory stop is left out only if it must be.
    bound = max_arc_cost * (layout.size + 2 * len(problem.vehicles)) + 1
    mandatory_penalty = bound if soft_mandatory else None
    _add_visits(problem, layout, manager, routing, screening, mandatory_penalty)
    return OrToolsModel(
        manager, routing, time, mean_arc_cost(problem, layout, distances),
        local_arc_cost(problem, layout, distances),
    )


def mean_arc_cost(
    problem: RoutingProblem, layout: NodeLayout, distances: Mapping[str, Matrix]
) -> float:
    """Mean cost of an arc between two stops, over the vehicles: the scale of the
    annealing temperatures (0 with fewer than two stops)."""
    stops = [node for node, stop in enumerate(layout.stop_of_node) if stop is not None]
    if len(stops) < 2:
        return 0.0
    pairs = len(stops) * (len(stops) - 1)
    mean_m = {
        profile: sum(matrix[a][b] for a in stops for b in stops) / pairs
        for profile, matrix in distances.items()
    }
    costs = [mean_m[v.profile] * v.cost_per_km_cents for v in problem.vehicles]
    return sum(costs) / len(costs)


NEAREST = 10


def local_arc_cost(
    problem: RoutingProblem, layout: NodeLayout, distances: Mapping[str, Matrix]
) -> float:
    """Mean cost of an arc from a stop to one of its ``NEAREST`` nearest stops, over
    the stops and the vehicles: the cost of the arcs a good plan is made of, whatever
    the size of the map (0 with fewer than two stops). Moves that improve a plan
    trade arcs of about this cost, in towns as on an open plain."""
    stops = [node for node, stop in enumerate(layout.stop_of_node) if stop is not None]
    if len(stops) < 2:
        return 0.0
    nearest = min(NEAREST, len(stops) - 1)
    local_m = {}
    for profile, matrix in distances.items():
        total = 0.0
        for a in stops:
            row = matrix[a]
            closest = sorted(row[b] for b in stops if b != a)[:nearest]
            total += sum(closest) / nearest
        local_m[profile] = total / len(stops)
    costs = [local_m[v.profile] * v.cost_per_km_cents for v in problem.vehicles]
    return sum(costs) / len(costs)


def _add_arc_costs(
    problem: RoutingProblem, routing: pywrapcp.RoutingModel, distances: Mapping[str, Matrix]
) -> int:
    """Registers one cost matrix per (profile, cost per km); returns the largest arc cost."""
    registered: dict[tuple[str, int], int] = {}
    max_arc_cost = 1
    for v, vehicle in enumerate(problem.vehicles):
        key = (vehicle.profile, vehicle.cost_per_km_cents)
        if key not in registered:
            costs = [[d * vehicle.cost_per_km_cents for d in row] for row in distances[key[0]]]
            max_arc_cost = max(max_arc_cost, max(max(row) for row in costs))
            registered[key] = routing.RegisterTransitMatrix(costs)
        routing.SetArcCostEvaluatorOfVehicle(registered[key], v)
        routing.SetFixedCostOfVehicle(vehicle.fixed_cost_cents * COST_SCALE, v)
    return max_arc_cost + max(v.fixed_cost_cents for v in problem.vehicles) * COST_SCALE


def _add_loads(
    problem: RoutingProblem,
    layout: NodeLayout,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
) -> None:
    for k, name in enumerate(problem.dimensions):
        capacities = [vehicle.capacity[k] for vehicle in problem.vehicles]
        reload_drop = max(capacities) if layout.reload_owner else 0
        evaluator = routing.RegisterUnaryTransitVector(load_transits(layout, k, reload_drop))
        # Slack only raises the counter, so leaving it free at stops costs nothing;
        # at a reload it offsets the drop to anything between zero and the full drop.
        routing.AddDimensionWithVehicleCapacity(
            evaluator, reload_drop, capacities, True, f"load:{name}"
        )

def _add_time(
    problem: RoutingProblem,
    layout: NodeLayout,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    matrices: Mapping[str, TravelMatrices],
) -> pywrapcp.RoutingDimension:
    evaluators = {
        profile: routing.RegisterTransitMatrix(node_transit_times(layout, m))
        for profile, m in matrices.items()
    }
    window_ends = [w.end_s for stop in problem.stops for w in stop.time_windows]
    horizon = max([vehicle.shift.end_s for vehicle in problem.vehicles] + window_ends)
    per_vehicle = [evaluators[vehicle.profile] for vehicle in problem.vehicles]
    routing.AddDimensionWithVehicleTransits(per_vehicle, horizon, horizon, False, TIME)
    time = routing.GetDimensionOrDie(TIME)
    for node, stop in enumerate(layout.stop_of_node):
        if stop is None or not stop.time_windows:
            continue
        cumul = time.CumulVar(manager.NodeToIndex(node))
        windows = sorted(stop.time_windows, key=lambda w: w.start_s)
        cumul.SetRange(windows[0].start_s, windows[-1].end_s)
        for before, after in zip(windows, windows[1:], strict=False):
            cumul.RemoveInterval(before.end_s + 1, after.start_s - 1)
    for v, vehicle in enumerate(problem.vehicles):
        for index in (routing.Start(v), routing.End(v)):
            time.CumulVar(index).SetRange(vehicle.shift.start_s, vehicle.shift.end_s)
        # Leave as late and come back as early as the plan allows: no idle time at the hub.
        routing.AddVariableMaximizedByFinalizer(time.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(v)))
        if vehicle.cost_per_hour_cents:
            # The driver's time, in the arc costs' unit per second: waiting costs too.
            time.SetSpanCostCoefficientForVehicle(span_cost_per_second(vehicle), v)
    return time


def span_cost_per_second(vehicle: Vehicle) -> int:
    """A vehicle's cost per hour as the solver's integer cost per second (at least 1)."""
    return max(1, round(vehicle.cost_per_hour_cents * COST_SCALE / 3600))


def _add_distance_limits(
    problem: RoutingProblem, routing: pywrapcp.RoutingModel, distances: Mapping[str, Matrix]
) -> None:
    if all(vehicle.max_distance_m is None for vehicle in problem.vehicles):
        return
    evaluators = {p: routing.RegisterTransitMatrix(m) for p, m in distances.items()}
    unlimited = sum(max(row) for m in distances.values() for row in m) + 1
    limits = [
        unlimited if v.max_distance_m is None else v.max_distance_m for v in problem.vehicles
    ]
    per_vehicle = [evaluators[vehicle.profile] for vehicle in problem.vehicles]
    routing.AddDimensionWithVehicleTransitAndCapacity(per_vehicle, 0, limits, True, DISTANCE)


def _add_shipments(
    problem: RoutingProblem,
    layout: NodeLayout,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
) -> None:
    solver = routing.solver()
    for shipment in problem.shipments:
        if shipment.pickup_stop_id not in layout.node_of_stop:
            continue
        pickup = manager.NodeToIndex(layout.node_of_stop[shipment.pickup_stop_id])
        delivery = manager.NodeToIndex(layout.node_of_stop[shipment.delivery_stop_id])
        routing.AddPickupAndDelivery(pickup, delivery)
        solver.Add(routing.VehicleVar(pickup) == routing.VehicleVar(delivery))
        solver.Add(time.CumulVar(pickup) <= time.CumulVar(delivery))


def _add_visits(
    problem: RoutingProblem,
    layout: NodeLayout,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    screening: Screening,
    mandatory_penalty: int | None,
) -> None:
    """Disjunctions (optional stops, soft mandatory stops, reloads) and allowed vehicles."""
    everyone = len(problem.vehicles)
    for node, stop in enumerate(layout.stop_of_node):
        index = manager.NodeToIndex(node)
        if node in layout.reload_owner:
            routing.AddDisjunction([index], 0)
            _allow_only(routing, index, (layout.reload_owner[node],))
            continue
        if stop is None:
            continue
        if stop.optional:
            routing.AddDisjunction([index], stop.penalty_cents * COST_SCALE)
        elif mandatory_penalty is not None:
            routing.AddDisjunction([index], mandatory_penalty)
        allowed = screening.allowed_vehicles[stop.id]
        if len(allowed) < everyone:
            _allow_only(routing, index, allowed)


def _allow_only(routing: pywrapcp.RoutingModel, index: int, vehicles: tuple[int, ...]) -> None:
    # SetAllowedVehiclesForIndex takes a span the Python wrapper cannot build;
    # restricting the vehicle variable (-1 stays: the visit may be unperformed) is the same.
    routing.VehicleVar(index).SetValues([-1, *vehicles])
