"""Delivery routing for Paniers: a pure library, plain data in, plain data out.

Build a ``RoutingProblem`` (locations, stops with demand per named dimension, time
windows and service times, optional stops with penalties, pickup-and-delivery
``Shipment``s, vehicles with capacities, shifts, distance limits, costs and
reloads at their start), then call ``plan_routes(problem, time_limit_s=...)``.
Travel matrices come from a ``MatrixProvider``: coordinates with a detour factor
and an average speed by default, explicit matrices, or later a road-network
service. The ``RoutingResult`` lists each vehicle's visits with arrival, start and
departure times and the load on board, and every stop left out with its reason.

Units are integers: metres, seconds, cents, and each load dimension's own unit.
The search runs OR-Tools' routing library and, when two searches run side by side on
more than a few dozen stops that it can take, PyVRP's iterated local search beside it
(``pyvrp_search``); the cheaper plan wins. It imports nothing of the web app.
"""

from routing.matrices import (
    ExplicitMatrixProvider,
    HaversineMatrixProvider,
    MatrixProvider,
    TravelMatrices,
)
from routing.model import (
    Location,
    RoutingProblem,
    Shipment,
    Stop,
    StopKind,
    TimeWindow,
    Vehicle,
)
from routing.result import (
    PlanStatus,
    Route,
    RoutingResult,
    Unserved,
    UnservedReason,
    Visit,
)
from routing.search import DEFAULT_STRATEGIES, SearchStrategy
from routing.solver import plan_routes

__all__ = [
    "DEFAULT_STRATEGIES",
    "ExplicitMatrixProvider",
    "HaversineMatrixProvider",
    "Location",
    "MatrixProvider",
    "PlanStatus",
    "Route",
    "RoutingProblem",
    "RoutingResult",
    "SearchStrategy",
    "Shipment",
    "Stop",
    "StopKind",
    "TimeWindow",
    "TravelMatrices",
    "Unserved",
    "UnservedReason",
    "Vehicle",
    "Visit",
    "plan_routes",
]
