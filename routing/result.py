"""What the planner returns: routes with their timings and loads, and unserved stops."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class PlanStatus(Enum):
    """Outcome of a planning run."""

    ALL_SERVED = "all_served"  # every mandatory stop is on a route
    MANDATORY_UNSERVED = "mandatory_unserved"  # some mandatory stops could not be served
    NO_SOLUTION = "no_solution"  # the solver found no plan within its time limit


class UnservedReason(Enum):
    """Why a stop is on no route; ``str(reason.value)`` reads as a sentence."""

    OVER_CAPACITY = "exceeds every vehicle's capacity"
    UNREACHABLE_IN_TIME = "cannot be reached within its window by any vehicle"
    TOO_FAR = "beyond every vehicle's maximum distance"
    NOT_WORTH_IT = "left out: serving it costs more than its penalty"
    NO_ROOM = "left out: no vehicle has room or time for it alongside the other stops"
    NO_SOLUTION = "no plan was found within the time limit"


@dataclass(frozen=True)
class Visit:
    """A stop (or a reload at the vehicle's start when ``stop_id`` is None) on a route.

    Service starts at ``start_s`` (after waiting from ``arrival_s`` if early);
    ``load_after`` is the load on board per dimension when the vehicle leaves.
    """

    stop_id: str | None
    location_id: str
    arrival_s: int
    start_s: int
    departure_s: int
    load_after: tuple[int, ...]

    @property
    def is_reload(self) -> bool:
        return self.stop_id is None


@dataclass(frozen=True)
class Route:
    """One vehicle's route: it leaves its start at ``start_s`` and is back at ``end_s``."""

    vehicle_id: str
    visits: tuple[Visit, ...]
    start_s: int
    end_s: int
    distance_m: int
    cost_cents: int
    load_at_start: tuple[int, ...]

    @property
    def duration_s(self) -> int:
        return self.end_s - self.start_s

    @property
    def stop_ids(self) -> tuple[str, ...]:
        return tuple(visit.stop_id for visit in self.visits if visit.stop_id is not None)


@dataclass(frozen=True)
class Unserved:
    stop_id: str
    reason: UnservedReason


@dataclass(frozen=True)
class RoutingResult:
    """Routes of the vehicles used, unserved stops with reasons, and how the search went.

    ``total_cost_cents`` counts distance costs, fixed costs and the penalties of
    optional stops left out; ``solver_status`` is the winning engine's: OR-Tools' own
    status name, or ``PYVRP_FEASIBLE`` when PyVRP's plan won.
    """

    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    status: PlanStatus
    solver_status: str
    total_cost_cents: int
    wall_time_s: float

    @property
    def total_distance_m(self) -> int:
        return sum(route.distance_m for route in self.routes)

    @property
    def served_stop_ids(self) -> tuple[str, ...]:
        return tuple(stop_id for route in self.routes for stop_id in route.stop_ids)
