"""Turns a solver's raw routes (nodes and service start times) into result values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.layout import NodeLayout
from routing.matrices import TravelMatrices
from routing.model import RoutingProblem, Stop, StopKind
from routing.result import Route, Visit

COST_SCALE = 1000


@dataclass(frozen=True)
class RawRoute:
    """Nodes from start to end (both included) and the service start time at each."""

    vehicle: int
    nodes: tuple[int, ...]
    times_s: tuple[int, ...]


@dataclass(frozen=True)
class SearchOutcome:
    """One search's plan: raw routes, the stop nodes left out, the objective in the
    solvers' unit (thousandths of a cent) and the engine's status."""

    routes: tuple[RawRoute, ...]
    dropped_nodes: tuple[int, ...]
    objective: int
    solver_status: str


def build_route(
    problem: RoutingProblem,
    layout: NodeLayout,
    matrices: Mapping[str, TravelMatrices],
    raw: RawRoute,
) -> Route:
    """Route value with arrival, start and departure times and the load after each visit."""
    raw = _without_idle_reloads(layout, raw)
    vehicle = problem.vehicles[raw.vehicle]
    matrix = matrices[vehicle.profile]
    locations = [layout.location_of_node[node] for node in raw.nodes]
    legs = list(zip(locations, locations[1:], strict=False))
    distance = sum(matrix.distance_m[a][b] for a, b in legs)
    loads = _loads(problem, layout, raw.nodes)
    visits = []
    departure = raw.times_s[0]
    for position in range(1, len(raw.nodes) - 1):
        node = raw.nodes[position]
        arrival = departure + matrix.duration_s[locations[position - 1]][locations[position]]
        start = max(arrival, raw.times_s[position])
        departure = start + layout.service_of_node[node]
        stop = layout.stop_of_node[node]
        visits.append(
            Visit(
                stop_id=None if stop is None else stop.id,
                location_id=problem.locations[locations[position]].id,
                arrival_s=arrival,
                start_s=start,
                departure_s=departure,
                load_after=loads[position],
            )
        )
    end = max(departure + matrix.duration_s[locations[-2]][locations[-1]], raw.times_s[-1])
    cost = (round(distance * vehicle.cost_per_km_cents / COST_SCALE) + vehicle.fixed_cost_cents
            + round((end - raw.times_s[0]) * vehicle.cost_per_hour_cents / 3600))
    return Route(
        vehicle_id=vehicle.id,
        visits=tuple(visits),
        start_s=raw.times_s[0],
        end_s=end,
        distance_m=distance,
        cost_cents=cost,
        load_at_start=loads[0],
    )


def _without_idle_reloads(layout: NodeLayout, raw: RawRoute) -> RawRoute:
    """Drops reloads that follow no delivery (at the start, twice in a row, at the end)."""
    keep = [0]
    for position in range(1, len(raw.nodes)):
        node = raw.nodes[position]
        previous_is_trip_start = keep[-1] == 0 or raw.nodes[keep[-1]] in layout.reload_owner
        if node in layout.reload_owner and previous_is_trip_start:
            continue
        if position == len(raw.nodes) - 1 and raw.nodes[keep[-1]] in layout.reload_owner:
            keep.pop()
        keep.append(position)
    nodes = tuple(raw.nodes[p] for p in keep)
    return RawRoute(raw.vehicle, nodes, tuple(raw.times_s[p] for p in keep))


def _loads(
    problem: RoutingProblem, layout: NodeLayout, nodes: Sequence[int]
) -> list[tuple[int, ...]]:
    """Load on board when leaving each node: a trip leaves loaded with its deliveries
    from the depot, loose pickups stay on board until the next reload or the end."""
    paired = {s.pickup_stop_id for s in problem.shipments}
    paired |= {s.delivery_stop_id for s in problem.shipments}
    trips = _split_trips(layout, nodes)
    size = len(problem.dimensions)
    on_board = [0] * size
    loads: list[tuple[int, ...]] = []
    for trip in trips:
        loose_pickups = [0] * size
        for k in range(size):
            on_board[k] += sum(stop.demand[k] for stop in _depot_deliveries(trip, paired))
        for stop in trip:
            if stop is not None:
                sign = 1 if stop.kind is StopKind.PICKUP else -1
                for k in range(size):
                    on_board[k] += sign * stop.demand[k]
                    if stop.kind is StopKind.PICKUP and stop.id not in paired:
                        loose_pickups[k] += stop.demand[k]
            loads.append(tuple(on_board))
        for k in range(size):
            on_board[k] -= loose_pickups[k]
    loads.append(tuple(on_board))
    return loads


def _split_trips(layout: NodeLayout, nodes: Sequence[int]) -> list[list[Stop | None]]:
    """Stops per trip; each trip starts with its departure node (start or reload)."""
    trips: list[list[Stop | None]] = [[None]]
    for node in nodes[1:-1]:
        if node in layout.reload_owner:
            trips.append([None])
        else:
            trips[-1].append(layout.stop_of_node[node])
    return trips


def _depot_deliveries(trip: Sequence[Stop | None], paired: set[str]) -> list[Stop]:
    return [
        stop for stop in trip
        if stop is not None and stop.kind is StopKind.DELIVERY and stop.id not in paired
    ]
