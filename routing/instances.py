"""Readers for the public benchmark instances: Solomon VRPTW, VRPLIB VRPTW (the
Gehring & Homberger sets) and Li & Lim PDPTW, and their best-known solutions.

All use Euclidean distances on a plane, turned into integers: Solomon's
convention (which the VRPLIB VRPTW files share) truncates to one decimal (so
distances are scaled by 10), Li & Lim's
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


def read_vrplib(path: str | Path) -> Instance:
    """Reads a VRPLIB VRPTW file: ``KEY : value`` headers (NAME, VEHICLES, CAPACITY,
    SERVICE_TIME) then NODE_COORD, DEMAND, TIME_WINDOW, optional SERVICE_TIME and
    DEPOT sections. Nodes are numbered from 1 with the depot first; customer numbers
    here are the node's minus one, as in the ``.sol`` files."""
    headers: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in Path(path).read_text().splitlines():
        words = line.split()
        if not words or words[0] == "EOF":
            continue
        if ":" in line and not words[0][0].isdigit() and not words[0].startswith("-"):
            key, value = line.split(":", 1)
            headers[key.strip().upper()] = value.strip()
            current = None
        elif words[0].upper().endswith("_SECTION"):
            current = sections.setdefault(words[0].upper().removesuffix("_SECTION"), [])
        elif current is not None:
            current.append(words)
        else:
            raise ValueError(f"{path}: unexpected line {line!r}")
    missing = {"NODE_COORD", "DEMAND", "TIME_WINDOW"} - set(sections)
    if missing:
        raise ValueError(f"{path}: no {', '.join(sorted(missing))} section")
    depots = [int(w[0]) for w in sections.get("DEPOT", [["1"]]) if int(w[0]) > 0]
    if depots != [1]:
        raise ValueError(f"{path}: expected node 1 as the only depot, found {depots}")
    coordinates = _by_node(sections["NODE_COORD"])
    demands, windows = _by_node(sections["DEMAND"]), _by_node(sections["TIME_WINDOW"])
    services = _by_node(sections.get("SERVICE_TIME", []))
    default_service = float(headers.get("SERVICE_TIME", 0))
    nodes = sorted(coordinates)
    if nodes != list(range(1, len(nodes) + 1)):
        raise ValueError(f"{path}: nodes are not numbered 1 to {len(nodes)}")
    customers = tuple(
        Customer(
            node - 1, float(coordinates[node][0]), float(coordinates[node][1]),
            int(demands[node][0]), int(windows[node][0]), int(windows[node][1]),
            0 if node == 1 else int(float(services.get(node, [default_service])[0])),
        )
        for node in nodes
    )
    capacity = int(headers["CAPACITY"])
    vehicles = int(headers.get("VEHICLES", len(customers) - 1))
    matrices = _matrices(customers, SOLOMON_SCALE, solomon_distance)
    problem = _problem(customers, vehicles, capacity, SOLOMON_SCALE, shipments=())
    name = headers.get("NAME", Path(path).stem)
    return Instance(name, customers, vehicles, capacity, SOLOMON_SCALE, problem, matrices)


def _by_node(rows: list[list[str]]) -> dict[int, list[str]]:
    return {int(words[0]): words[1:] for words in rows}


def read_solution(path: str | Path) -> tuple[list[list[int]], float | None]:
    """Routes (customer numbers) and the cost of a ``.sol`` file (``Route #i: ...``
    lines, then ``Cost X``)."""
    routes: list[list[int]] = []
    cost = None
    for line in Path(path).read_text().splitlines():
        if line.startswith("Route"):
            routes.append([int(word) for word in line.split(":", 1)[1].split()])
        elif line.startswith("Cost"):
            cost = float(line.split()[1])
    return routes, cost


def route_violations(instance: Instance, route: list[int]) -> list[str]:
    """What makes a route (customer numbers) infeasible: load over capacity, a
    late arrival, a late return; empty if it is feasible."""
    by_number = {c.number: c for c in instance.customers}
    depot = instance.customers[0]
    arc = solomon_distance if instance.scale == SOLOMON_SCALE else math.dist
    problems = []
    if sum(by_number[n].demand for n in route) > instance.capacity:
        problems.append(f"load over capacity {instance.capacity}")
    clock, here = float(depot.ready), depot
    for number in [*route, depot.number]:
        there = by_number[number]
        clock = max(clock + here.service + arc((here.x, here.y), (there.x, there.y)), there.ready)
        if clock > there.due + 1e-9:
            problems.append(f"arrives at {number} at {clock:.1f}, after {there.due}")
        here = there
    return problems


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
