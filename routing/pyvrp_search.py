"""A second search engine: PyVRP's iterated local search on the same laid-out problem.

OR-Tools' local search costs about 14 µs a move and manages few iterations on 200
to 300 stops in ten seconds; PyVRP's search, written for vehicle routing with time
windows, goes through many more. With two cores the planner runs both side by side
and keeps the cheaper plan (``routing.solver.plan_routes``).

PyVRP takes what Paniers' rounds need (several hubs, vehicles with their own
capacities, shifts, profiles, distance limits, costs and reloads, optional stops
with their penalty) but not everything the model allows: a stop with several time
windows, or shipments, stay with OR-Tools alone (``fits``). A vehicle that may not
serve a stop sees it a day's drive away: never in time.

Whatever PyVRP returns is checked against the problem itself (windows, shifts,
loads per trip, distance limits, allowed vehicles) and timed by this module; a plan
that fails any check is dropped, never handed on.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp import Route as PyVrpRoute
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxRuntime

from routing.extract import RawRoute, SearchOutcome
from routing.layout import NodeLayout
from routing.matrices import TravelMatrices
from routing.model import RoutingProblem, Stop, Vehicle
from routing.ortools_model import COST_SCALE, span_cost_per_second
from routing.screening import Screening


def fits(problem: RoutingProblem) -> bool:
    """Whether PyVRP can take the problem as it is."""
    return not problem.shipments and all(len(stop.time_windows) <= 1 for stop in problem.stops)


def search(
    problem: RoutingProblem,
    layout: NodeLayout,
    matrices: Mapping[str, TravelMatrices],
    screening: Screening,
    time_limit_s: float,
    seed: int,
) -> SearchOutcome | None:
    """PyVRP's best plan within ``time_limit_s`` seconds, checked and timed, or None
    when it found no plan serving every mandatory stop that passes the checks."""
    translation = _translate(problem, layout, matrices, screening)
    with warnings.catch_warnings():
        # PyVRP warns when it struggles to find a feasible plan: that is for the
        # checks below and the other search to settle, not for the logs.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = solve(
            translation.data, stop=MaxRuntime(max(0.01, time_limit_s)), seed=seed,
            collect_stats=False, display=False,
        )
    if not result.best.is_feasible():
        return None
    routes = []
    unused = [iter(members) for members in translation.vehicles_of_type]
    for route in result.best.routes():
        vehicle = next(unused[route.vehicle_type()])
        nodes = _nodes(layout, translation, vehicle, route)
        raw = timed_route(problem, layout, matrices, screening, vehicle, nodes)
        if raw is None:
            return None
        routes.append(raw)
    served = {node for raw in routes for node in raw.nodes}
    dropped = tuple(
        node for node, stop in enumerate(layout.stop_of_node)
        if stop is not None and node not in served
    )
    left_out = [stop for stop in (layout.stop_of_node[node] for node in dropped) if stop]
    if any(not stop.optional for stop in left_out):
        return None
    objective = sum(route_objective(problem, layout, matrices, raw) for raw in routes)
    objective += sum(stop.penalty_cents * COST_SCALE for stop in left_out)
    return SearchOutcome(tuple(routes), dropped, objective, "PYVRP_FEASIBLE")


@dataclass
class _Translation:
    data: ProblemData
    client_nodes: list[int]  # layout node of each PyVRP client
    vehicles_of_type: list[list[int]]  # our vehicle indices behind each vehicle type


def _translate(
    problem: RoutingProblem,
    layout: NodeLayout,
    matrices: Mapping[str, TravelMatrices],
    screening: Screening,
) -> _Translation:
    """PyVRP's data: one PyVRP location per depot and per stop (so that a vehicle can
    be kept away from one stop without its neighbours at the same address), start
    and end depots without service, a reload depot per (hub, reload time)."""
    position = {location.id: i for i, location in enumerate(problem.locations)}
    places: list[int] = []  # problem location behind each PyVRP location
    depots: list[Depot] = []
    depot_index: dict[tuple[str, int], int] = {}

    def depot(location_id: str, service_s: int) -> int:
        key = (location_id, service_s)
        if key not in depot_index:
            depot_index[key] = len(depots)
            depots.append(Depot(len(places), service_duration=service_s, name=location_id))
            places.append(position[location_id])
        return depot_index[key]

    for vehicle in problem.vehicles:
        depot(vehicle.start_location_id, 0)
        depot(vehicle.end_location_id, 0)
        if vehicle.max_trips > 1:
            depot(vehicle.start_location_id, vehicle.reload_s)
    client_nodes = [node for node, stop in enumerate(layout.stop_of_node) if stop is not None]
    clients, client_places = [], []
    for node in client_nodes:
        stop = layout.stop_of_node[node]
        assert stop is not None
        early, late = _window(stop)
        clients.append(Client(
            len(places), delivery=list(stop.demand), service_duration=stop.service_s,
            tw_early=early, tw_late=late, prize=stop.penalty_cents * COST_SCALE,
            required=not stop.optional, name=stop.id,
        ))
        client_places.append(len(places))
        places.append(layout.location_of_node[node])
    types, vehicles_of_type, profiles = _fleet(problem, layout, screening, depot, client_nodes)
    index = np.array(places)
    # A vehicle kept away from a client takes a whole day to reach it: never in time.
    # (Far larger values upset PyVRP's penalties: it stops finding feasible plans.)
    forbidden = max(vehicle.shift.end_s for vehicle in problem.vehicles)
    distance_matrices, duration_matrices = [], []
    for profile, excluded in profiles:
        distance = np.array(matrices[profile].distance_m, dtype=np.int64)[np.ix_(index, index)]
        duration = np.array(matrices[profile].duration_s, dtype=np.int64)[np.ix_(index, index)]
        columns = [client_places[client] for client in excluded]
        duration[columns, :] = forbidden
        duration[:, columns] = forbidden
        duration[columns, columns] = 0
        distance_matrices.append(distance)
        duration_matrices.append(duration)
    locations = [Location(0, 0) for _ in places]
    data = ProblemData(locations, clients, depots, types, distance_matrices, duration_matrices)
    return _Translation(data, client_nodes, vehicles_of_type)


def _window(stop: Stop) -> tuple[int, int]:
    if not stop.time_windows:
        return 0, np.iinfo(np.int64).max
    return stop.time_windows[0].start_s, stop.time_windows[0].end_s


def _fleet(
    problem: RoutingProblem,
    layout: NodeLayout,
    screening: Screening,
    depot: Callable[[str, int], int],
    client_nodes: Sequence[int],
) -> tuple[list[VehicleType], list[list[int]], list[tuple[str, tuple[int, ...]]]]:
    """Vehicle types (identical vehicles grouped), the vehicles behind each, and the
    profiles: a speed profile with the clients the type may not serve."""
    stop_ids = [layout.stop_of_node[node].id for node in client_nodes]  # type: ignore[union-attr]
    groups: dict[tuple[Vehicle, tuple[int, ...]], list[int]] = {}
    for v, vehicle in enumerate(problem.vehicles):
        excluded = tuple(
            client for client, stop_id in enumerate(stop_ids)
            if v not in screening.allowed_vehicles[stop_id]
        )
        # Vehicles alike but for their name make one type.
        groups.setdefault((replace(vehicle, id="any"), excluded), []).append(v)
    profiles: list[tuple[str, tuple[int, ...]]] = []
    types = []
    for (vehicle, excluded), members in groups.items():
        if (vehicle.profile, excluded) not in profiles:
            profiles.append((vehicle.profile, excluded))
        start = depot(vehicle.start_location_id, 0)
        reloads = []
        if vehicle.max_trips > 1:
            reloads.append(depot(vehicle.start_location_id, vehicle.reload_s))
        types.append(VehicleType(
            len(members), capacity=list(vehicle.capacity),
            start_depot=start, end_depot=depot(vehicle.end_location_id, 0),
            fixed_cost=vehicle.fixed_cost_cents * COST_SCALE,
            tw_early=vehicle.shift.start_s, tw_late=vehicle.shift.end_s,
            max_distance=(
                np.iinfo(np.int64).max if vehicle.max_distance_m is None
                else vehicle.max_distance_m
            ),
            unit_distance_cost=vehicle.cost_per_km_cents,
            unit_duration_cost=_cost_per_second(vehicle),
            profile=profiles.index((vehicle.profile, excluded)),
            reload_depots=reloads,
            max_reloads=vehicle.max_trips - 1,
        ))
    return types, list(groups.values()), profiles


def _cost_per_second(vehicle: Vehicle) -> int:
    """The driver's time as the OR-Tools model prices it (nothing without an hourly cost)."""
    return span_cost_per_second(vehicle) if vehicle.cost_per_hour_cents else 0


def _nodes(
    layout: NodeLayout, translation: _Translation, vehicle: int, route: PyVrpRoute
) -> list[int]:
    """Our nodes along a PyVRP route: its start, clients, reloads (the vehicle's reload
    nodes in turn) and its end."""
    reloads = [node for node, owner in layout.reload_owner.items() if owner == vehicle]
    activities = list(route)
    nodes = [layout.start_nodes[vehicle]]
    for activity in activities[1:-1]:
        if activity.is_client():
            nodes.append(translation.client_nodes[activity.idx])
        else:
            nodes.append(reloads.pop(0))
    nodes.append(layout.end_nodes[vehicle])
    return nodes


def timed_route(
    problem: RoutingProblem,
    layout: NodeLayout,
    matrices: Mapping[str, TravelMatrices],
    screening: Screening,
    vehicle_index: int,
    nodes: Sequence[int],
) -> RawRoute | None:
    """The route over ``nodes`` with its service start times, leaving as late as it can
    without making the route longer; None if it breaks a rule of the problem (a
    window, the shift, the load of a trip, the distance limit, a vehicle not allowed
    at a stop)."""
    vehicle = problem.vehicles[vehicle_index]
    matrix = matrices[vehicle.profile]
    locations = [layout.location_of_node[node] for node in nodes]
    if not _allowed(layout, screening, vehicle_index, nodes):
        return None
    if not _loads_fit(problem, layout, vehicle, nodes):
        return None
    distance = sum(matrix.distance_m[a][b] for a, b in zip(locations, locations[1:], strict=False))
    if vehicle.max_distance_m is not None and distance > vehicle.max_distance_m:
        return None
    earliest = _schedule(layout, matrix, vehicle, nodes, vehicle.shift.start_s)
    if earliest is None:
        return None
    starts, waits = earliest
    # Leave later by what the route would otherwise wait, as far as every window allows.
    slack, waited = vehicle.shift.end_s - starts[-1], 0
    for position in range(1, len(nodes)):
        waited += waits[position]
        latest = _latest_start(layout, vehicle, nodes[position], position == len(nodes) - 1)
        slack = min(slack, waited + latest - starts[position])
    delay = max(0, min(slack, sum(waits)))
    timed = _schedule(layout, matrix, vehicle, nodes, vehicle.shift.start_s + delay)
    if timed is None:  # cannot happen with a delay within the slack; keep the early one
        timed = earliest
    return RawRoute(vehicle_index, tuple(nodes), tuple(timed[0]))


def _allowed(
    layout: NodeLayout, screening: Screening, vehicle_index: int, nodes: Sequence[int]
) -> bool:
    for node in nodes[1:-1]:
        stop = layout.stop_of_node[node]
        if stop is None:
            if layout.reload_owner.get(node) != vehicle_index:
                return False
        elif vehicle_index not in screening.allowed_vehicles.get(stop.id, ()):
            return False
    return True


def _loads_fit(
    problem: RoutingProblem, layout: NodeLayout, vehicle: Vehicle, nodes: Sequence[int]
) -> bool:
    """What each trip delivers and collects, together, within the capacity (the
    bound the OR-Tools model keeps too)."""
    trip = [0] * len(problem.dimensions)
    for node in [*nodes[1:-1], None]:
        stop = None if node is None else layout.stop_of_node[node]
        if stop is None:
            if any(load > cap for load, cap in zip(trip, vehicle.capacity, strict=True)):
                return False
            trip = [0] * len(problem.dimensions)
        else:
            trip = [load + quantity for load, quantity in zip(trip, stop.demand, strict=True)]
    return True


def _latest_start(layout: NodeLayout, vehicle: Vehicle, node: int, is_end: bool) -> int:
    stop = layout.stop_of_node[node]
    if is_end or stop is None or not stop.time_windows:
        return vehicle.shift.end_s
    return stop.time_windows[-1].end_s


def _schedule(
    layout: NodeLayout, matrix: TravelMatrices, vehicle: Vehicle, nodes: Sequence[int],
    departure_s: int,
) -> tuple[list[int], list[int]] | None:
    """Service start times and waits at each node when leaving at ``departure_s``, or
    None if a window or the shift's end is missed."""
    starts, waits = [departure_s], [0]
    clock = departure_s
    for previous, node in zip(nodes, nodes[1:], strict=False):
        travel = matrix.duration_s[layout.location_of_node[previous]][layout.location_of_node[node]]
        arrival = clock + layout.service_of_node[previous] + travel
        stop = layout.stop_of_node[node]
        start = arrival
        if stop is not None and stop.time_windows:
            window = stop.time_windows[0]
            start = max(arrival, window.start_s)
            if start > window.end_s:
                return None
        if start > vehicle.shift.end_s:
            return None
        starts.append(start)
        waits.append(start - arrival)
        clock = start
    return starts, waits


def route_objective(
    problem: RoutingProblem,
    layout: NodeLayout,
    matrices: Mapping[str, TravelMatrices],
    raw: RawRoute,
) -> int:
    """A route's cost in the solvers' unit (thousandths of a cent): distance, fixed
    cost, and the driver's time from leaving to coming back."""
    vehicle = problem.vehicles[raw.vehicle]
    matrix = matrices[vehicle.profile]
    locations = [layout.location_of_node[node] for node in raw.nodes]
    distance = sum(matrix.distance_m[a][b] for a, b in zip(locations, locations[1:], strict=False))
    span = raw.times_s[-1] - raw.times_s[0]
    return (
        distance * vehicle.cost_per_km_cents + vehicle.fixed_cost_cents * COST_SCALE
        + span * _cost_per_second(vehicle)
    )
