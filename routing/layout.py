"""The solver's view of a problem: nodes (depots, servable stops, reload visits) and
integer matrices between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from routing.matrices import TravelMatrices
from routing.model import RoutingProblem, Stop, StopKind
from routing.screening import Screening

Matrix = list[list[int]]


@dataclass(frozen=True)
class NodeLayout:
    """Node ``i`` sits at ``problem.locations[location_of_node[i]]``; ``stop_of_node[i]``
    is the stop served there, None for depots and reloads."""

    location_of_node: tuple[int, ...]
    stop_of_node: tuple[Stop | None, ...]
    service_of_node: tuple[int, ...]
    start_nodes: tuple[int, ...]
    end_nodes: tuple[int, ...]
    reload_owner: Mapping[int, int]
    node_of_stop: Mapping[str, int]
    has_shipments: bool

    @property
    def size(self) -> int:
        return len(self.location_of_node)


def build_layout(problem: RoutingProblem, screening: Screening) -> NodeLayout:
    """Depot nodes first, then one node per servable stop, then reload nodes per vehicle."""
    position = {location.id: i for i, location in enumerate(problem.locations)}
    locations: list[int] = []
    stops: list[Stop | None] = []
    services: list[int] = []
    depot_node: dict[int, int] = {}
    for vehicle in problem.vehicles:
        for location_id in (vehicle.start_location_id, vehicle.end_location_id):
            if position[location_id] not in depot_node:
                depot_node[position[location_id]] = len(locations)
                locations.append(position[location_id])
                stops.append(None)
                services.append(0)
    node_of_stop: dict[str, int] = {}
    for stop in problem.stops:
        if stop.id in screening.allowed_vehicles:
            node_of_stop[stop.id] = len(locations)
            locations.append(position[stop.location_id])
            stops.append(stop)
            services.append(stop.service_s)
    reload_owner: dict[int, int] = {}
    for v, vehicle in enumerate(problem.vehicles):
        for _ in range(vehicle.max_trips - 1):
            reload_owner[len(locations)] = v
            locations.append(position[vehicle.start_location_id])
            stops.append(None)
            services.append(vehicle.reload_s)
    return NodeLayout(
        location_of_node=tuple(locations),
        stop_of_node=tuple(stops),
        service_of_node=tuple(services),
        start_nodes=tuple(depot_node[position[v.start_location_id]] for v in problem.vehicles),
        end_nodes=tuple(depot_node[position[v.end_location_id]] for v in problem.vehicles),
        reload_owner=reload_owner,
        node_of_stop=node_of_stop,
        has_shipments=bool(problem.shipments),
    )


def node_distances(layout: NodeLayout, matrices: TravelMatrices) -> Matrix:
    """Distances in metres between nodes."""
    rows = [matrices.distance_m[a] for a in layout.location_of_node]
    return [[row[b] for b in layout.location_of_node] for row in rows]


def node_transit_times(layout: NodeLayout, matrices: TravelMatrices) -> Matrix:
    """Service time at the origin node plus the travel time to the destination."""
    result = []
    for a, service in zip(layout.location_of_node, layout.service_of_node, strict=True):
        row = matrices.duration_s[a]
        result.append([service + row[b] for b in layout.location_of_node])
    return result


def load_transits(layout: NodeLayout, dimension: int, reload_drop: int) -> list[int]:
    """Change of the load counter at each node for one load dimension.

    Without shipments the counter is what the trip has delivered or collected so
    far, which bounds the load on board at every moment; with shipments it is the
    load on board itself. A reload lets the counter drop by up to ``reload_drop``.
    """
    values = []
    for node, stop in enumerate(layout.stop_of_node):
        if node in layout.reload_owner:
            values.append(-reload_drop)
        elif stop is None:
            values.append(0)
        elif layout.has_shipments and stop.kind is StopKind.DELIVERY:
            values.append(-stop.demand[dimension])
        else:
            values.append(stop.demand[dimension])
    return values
