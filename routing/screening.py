"""Up-front checks: which vehicles could serve each stop on its own, and why none can.

A stop that no vehicle could serve even alone is reported unserved with a reason
instead of being handed to the solver, where it would make the model infeasible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.matrices import TravelMatrices
from routing.model import RoutingProblem, Stop, TimeWindow, Vehicle
from routing.result import UnservedReason


@dataclass(frozen=True)
class Screening:
    """Vehicle indices allowed per servable stop id, and reasons for the others."""

    allowed_vehicles: Mapping[str, tuple[int, ...]]
    rejected: Mapping[str, UnservedReason]


def screen_stops(
    problem: RoutingProblem, matrices: Mapping[str, TravelMatrices]
) -> Screening:
    """Checks every stop (a shipment's two stops together) against every vehicle alone.

    ``matrices`` maps each vehicle profile to matrices in the order of
    ``problem.locations``.
    """
    position = {location.id: i for i, location in enumerate(problem.locations)}
    allowed: dict[str, tuple[int, ...]] = {}
    rejected: dict[str, UnservedReason] = {}
    for visits in _visit_groups(problem):
        fitting, reason = _fitting_vehicles(problem, visits, matrices, position)
        for stop in visits:
            if fitting:
                allowed[stop.id] = fitting
            else:
                rejected[stop.id] = reason
    return Screening(allowed, rejected)


def _visit_groups(problem: RoutingProblem) -> list[tuple[Stop, ...]]:
    """Single stops, and the (pickup, delivery) of each shipment as one group."""
    paired = {s.pickup_stop_id: s.delivery_stop_id for s in problem.shipments}
    deliveries = set(paired.values())
    groups: list[tuple[Stop, ...]] = []
    for stop in problem.stops:
        if stop.id in paired:
            groups.append((stop, problem.stop(paired[stop.id])))
        elif stop.id not in deliveries:
            groups.append((stop,))
    return groups


def _fitting_vehicles(
    problem: RoutingProblem,
    visits: Sequence[Stop],
    matrices: Mapping[str, TravelMatrices],
    position: Mapping[str, int],
) -> tuple[tuple[int, ...], UnservedReason]:
    """Indices of vehicles that can serve ``visits`` alone, else the most telling reason."""
    demand = visits[0].demand
    chosen = {vehicle_id for stop in visits for vehicle_id in stop.vehicle_ids}
    by_capacity = [
        v for v, vehicle in enumerate(problem.vehicles)
        if (not chosen or vehicle.id in chosen)
        and all(need <= room for need, room in zip(demand, vehicle.capacity, strict=True))
    ]
    if not by_capacity:
        return (), UnservedReason.OVER_CAPACITY
    by_distance = []
    for v in by_capacity:
        vehicle = problem.vehicles[v]
        path = _path(vehicle, visits, position)
        distance = _path_length(matrices[vehicle.profile].distance_m, path)
        if vehicle.max_distance_m is None or distance <= vehicle.max_distance_m:
            by_distance.append(v)
    if not by_distance:
        return (), UnservedReason.TOO_FAR
    by_time = tuple(
        v for v in by_distance
        if _in_time(problem.vehicles[v], visits, matrices[problem.vehicles[v].profile], position)
    )
    return by_time, UnservedReason.UNREACHABLE_IN_TIME


def _path(vehicle: Vehicle, visits: Sequence[Stop], position: Mapping[str, int]) -> list[int]:
    middle = [position[stop.location_id] for stop in visits]
    return [position[vehicle.start_location_id], *middle, position[vehicle.end_location_id]]


def _path_length(matrix: tuple[tuple[int, ...], ...], path: Sequence[int]) -> int:
    return sum(matrix[a][b] for a, b in zip(path, path[1:], strict=False))


def _in_time(
    vehicle: Vehicle,
    visits: Sequence[Stop],
    matrices: TravelMatrices,
    position: Mapping[str, int],
) -> bool:
    path = _path(vehicle, visits, position)
    clock = vehicle.shift.start_s
    for leg, stop in enumerate(visits):
        arrival = clock + matrices.duration_s[path[leg]][path[leg + 1]]
        start = earliest_service_start(arrival, stop.time_windows or (vehicle.shift,))
        if start is None:
            return False
        clock = start + stop.service_s
    back = clock + matrices.duration_s[path[-2]][path[-1]]
    return back <= vehicle.shift.end_s


def earliest_service_start(arrival_s: int, windows: Sequence[TimeWindow]) -> int | None:
    """When service can start for a vehicle arriving at ``arrival_s``; None if too late."""
    starts = [max(arrival_s, w.start_s) for w in windows if w.end_s >= arrival_s]
    return min(starts, default=None)
