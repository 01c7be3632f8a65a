"""Readers for the public benchmark instances: Solomon VRPTW and Li & Lim PDPTW.

Both use Euclidean distances on a plane, turned into integers: Solomon's
convention truncates to one decimal (so distances are scaled by 10), Li & Lim's
best-known solutions use full precision (distances scaled by 1000 and rounded,
travel times rounded up so that a plan feasible here is feasible exactly).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from routing.matrices import ExplicitMatrixProvider, TravelMatrices
from routing.model import (
    Location,
    RoutingProblem,
    Shipment,
    Stop,
    StopKind,
    TimeWindow,
    Vehicle,
)

SOLOMON_SCALE = 10
LI_LIM_SCALE = 1000
PlaneDistance = Callable[[tuple[float, float], tuple[float, float]], float]


@dataclass(frozen=True)
class Customer:
    """A data row: number 0 is the depot; ``sibling`` links a pickup to its delivery."""

    number: int
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int
    sibling: int = 0


@dataclass(frozen=True)
class Instance:
    """A benchmark instance and its problem data; stop and location ids are the
    customer numbers as text, distances are ``scale`` times the plane's."""

    name: str
    customers: tuple[Customer, ...]
    vehicles: int
    capacity: int
    scale: int
    problem: RoutingProblem
    matrices: ExplicitMatrixProvider


def read_solomon(path: str | Path) -> Instance:
    """Reads a Solomon VRPTW file (name, VEHICLE and CUSTOMER sections)."""
    lines = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
    name = lines[0][0]
    header = next(i for i, words in enumerate(lines) if words[0].upper() == "NUMBER")
    vehicles, capacity = int(lines[header + 1][0]), int(lines[header + 1][1])
    rows = [words for words in lines[header + 2:] if words[0].isdigit()]
    if not rows or int(rows[0][0]) != 0:
        raise ValueError(f"{path}: no customer rows starting with the depot 0")
    customers = tuple(
        Customer(int(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]))
        for r in rows
    )
    matrices = _matrices(customers, SOLOMON_SCALE, solomon_distance)
    problem = _problem(customers, vehicles, capacity, SOLOMON_SCALE, shipments=())
    return Instance(name, customers, vehicles, capacity, SOLOMON_SCALE, problem, matrices)


def read_li_lim(path: str | Path) -> Instance:
    """Reads a Li & Lim PDPTW file: a header ``vehicles capacity speed``, then rows
    ``id x y demand ready due service pickup_sibling delivery_sibling``."""
    lines = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
    vehicles, capacity = int(lines[0][0]), int(lines[0][1])
    customers = tuple(
        Customer(
            int(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]),
            int(r[8]),
        )
        for r in lines[1:]
    )
    shipments = tuple(
        Shipment(str(c.number), str(c.sibling)) for c in customers if c.demand > 0 and c.sibling
    )
    matrices = _matrices(customers, LI_LIM_SCALE, math.dist)
    problem = _problem(customers, vehicles, capacity, LI_LIM_SCALE, shipments)
    return Instance(Path(path).stem, customers, vehicles, capacity, LI_LIM_SCALE, problem, matrices)


def solomon_distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Euclidean distance truncated to one decimal, the benchmark's arc cost."""
    return math.trunc(10 * math.dist(a, b)) / 10


def route_cost(instance: Instance, route: list[int]) -> float:
    """Cost of a route of customer numbers (depot to depot) in the instance's convention."""
    points = [(c.x, c.y) for c in instance.customers]
    path = [0, *route, 0]
    arc = solomon_distance if instance.scale == SOLOMON_SCALE else math.dist
    return sum(arc(points[a], points[b]) for a, b in zip(path, path[1:], strict=False))


def _matrices(
    customers: tuple[Customer, ...], scale: int, distance: PlaneDistance
) -> ExplicitMatrixProvider:
    points = [(c.x, c.y) for c in customers]
    exact = [[distance(a, b) * scale for b in points] for a in points]
    distances = tuple(tuple(round(d) for d in row) for row in exact)
    durations = tuple(tuple(math.ceil(d - 1e-6) for d in row) for row in exact)
    ids = tuple(str(c.number) for c in customers)
    return ExplicitMatrixProvider(ids, TravelMatrices(distances, durations))


def _problem(
    customers: tuple[Customer, ...],
    vehicles: int,
    capacity: int,
    scale: int,
    shipments: tuple[Shipment, ...],
) -> RoutingProblem:
    depot = customers[0]
    shift = TimeWindow(depot.ready * scale, depot.due * scale)
    stops = tuple(
        Stop(
            id=str(c.number),
            location_id=str(c.number),
            demand=(abs(c.demand),),
            service_s=c.service * scale,
            time_windows=(TimeWindow(c.ready * scale, c.due * scale),),
            kind=StopKind.PICKUP if c.demand > 0 and shipments else StopKind.DELIVERY,
        )
        for c in customers[1:]
    )
    fleet = tuple(
        Vehicle(f"v{i + 1}", "0", "0", (capacity,), shift, cost_per_km_cents=1)
        for i in range(vehicles)
    )
    locations = tuple(Location(str(c.number)) for c in customers)
    return RoutingProblem(locations, stops, fleet, ("load",), shipments)
