"""Tiny hand-checkable instances: places on a straight road, positions in metres
from the depot, travel at 10 m/s, vans at 1 EUR per km."""

from __future__ import annotations

from typing import Any

from routing import (
    ExplicitMatrixProvider,
    Location,
    RoutingProblem,
    RoutingResult,
    Shipment,
    Stop,
    TimeWindow,
    TravelMatrices,
    Vehicle,
    plan_routes,
)

DAY = TimeWindow(0, 86_400)


def line_provider(positions: dict[str, int]) -> ExplicitMatrixProvider:
    ids = ("depot", *positions)
    where = {"depot": 0, **positions}
    distance = tuple(tuple(abs(where[a] - where[b]) for b in ids) for a in ids)
    duration = tuple(tuple(d // 10 for d in row) for row in distance)
    return ExplicitMatrixProvider(ids, TravelMatrices(distance, duration))


def van(vehicle_id: str = "van", capacity: int = 100, **options: Any) -> Vehicle:
    return Vehicle(vehicle_id, "depot", "depot", (capacity,), DAY, cost_per_km_cents=100,
                   **options)


def stop(stop_id: str, demand: int = 1, **options: Any) -> Stop:
    """A stop at the place of the same name."""
    return Stop(stop_id, stop_id, (demand,), **options)


def line_problem(
    positions: dict[str, int],
    stops: list[Stop],
    vehicles: list[Vehicle],
    shipments: tuple[Shipment, ...] = (),
) -> RoutingProblem:
    locations = tuple(Location(location_id) for location_id in ["depot", *positions])
    return RoutingProblem(locations, tuple(stops), tuple(vehicles), ("kg",), shipments)


def solve_line(
    positions: dict[str, int],
    stops: list[Stop],
    vehicles: list[Vehicle],
    shipments: tuple[Shipment, ...] = (),
) -> RoutingResult:
    problem = line_problem(positions, stops, vehicles, shipments)
    # A handful of stops: the best plan comes in milliseconds, the search then only waits
    # out its time limit.
    return plan_routes(problem, time_limit_s=0.1, matrix_provider=line_provider(positions))
