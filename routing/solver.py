"""``plan_routes``: the delivery-routing optimiser on OR-Tools' routing library."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.extract import RawRoute, build_route
from routing.layout import NodeLayout, build_layout
from routing.matrices import HaversineMatrixProvider, MatrixProvider, TravelMatrices
from routing.model import RoutingProblem
from routing.ortools_model import OrToolsModel, build_model
from routing.result import PlanStatus, RoutingResult, Unserved, UnservedReason
from routing.screening import Screening, screen_stops


@dataclass(frozen=True)
class SearchStrategy:
    """One way to search: a first-solution heuristic and a metaheuristic."""

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    iterated_local_search: bool = False
    neighbors_ratio: float = 1.0
    ruined_visits: int = 10

    def __post_init__(self) -> None:
        if self.first_solution not in routing_enums_pb2.FirstSolutionStrategy.Value.keys():
            raise ValueError(f"unknown first-solution strategy {self.first_solution!r}")
        if self.metaheuristic not in routing_enums_pb2.LocalSearchMetaheuristic.Value.keys():
            raise ValueError(f"unknown metaheuristic {self.metaheuristic!r}")


# Worker i runs strategy i (cycled). Insertion heuristics cope with time windows
# (PATH_CHEAPEST_ARC finds no first solution on Solomon R101). On Solomon at 10 s,
# ruin-and-recreate does best on long routes (R2), guided local search on some
# short-route instances: two different searches on two cores beat one twice.
DEFAULT_STRATEGIES = (
    SearchStrategy(metaheuristic="GREEDY_DESCENT", iterated_local_search=True, ruined_visits=20),
    SearchStrategy(metaheuristic="GUIDED_LOCAL_SEARCH"),
)


@dataclass(frozen=True)
class _Outcome:
    routes: tuple[RawRoute, ...]
    dropped_nodes: tuple[int, ...]
    objective: int
    solver_status: str


def plan_routes(
    problem: RoutingProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    matrix_provider: MatrixProvider | None = None,
    workers: int = 1,
    strategies: Sequence[SearchStrategy] = DEFAULT_STRATEGIES,
    soft_mandatory: bool = True,
) -> RoutingResult:
    """Plans routes for ``problem`` within ``time_limit_s`` seconds of search.

    Travel matrices come from ``matrix_provider`` (coordinates with a detour factor
    by default). Stops no vehicle could serve alone are reported unserved up front.
    ``workers`` searches run side by side (child processes; a single search when
    called from a daemonic process such as a Celery prefork worker), each with a
    strategy from ``strategies`` (rotated by ``seed``), and the cheapest plan wins.
    With ``soft_mandatory`` a mandatory stop that cannot be fitted is left out at a
    prohibitive penalty and reported, instead of the whole search failing.
    Returns routes, unserved stops with reasons, costs and the status.
    """
    if time_limit_s <= 0:
        raise ValueError(f"time limit {time_limit_s} s must be positive")
    if workers < 1 or not strategies:
        raise ValueError("need at least one worker and one strategy")
    clock = time.perf_counter()
    provider = matrix_provider or HaversineMatrixProvider()
    profiles = sorted({vehicle.profile for vehicle in problem.vehicles})
    matrices = {p: provider.travel_matrices(problem.locations, p) for p in profiles}
    screening = screen_stops(problem, matrices)
    layout = build_layout(problem, screening)
    remaining = max(0.05, time_limit_s - (time.perf_counter() - clock))
    chosen = [strategies[(seed + i) % len(strategies)] for i in range(workers)]

    job = _Job(problem, layout, matrices, screening, soft_mandatory, remaining)
    outcomes = _run_workers(job, chosen)
    found = [outcome for outcome in outcomes if outcome is not None]
    best = min(found, key=lambda outcome: outcome.objective, default=None)
    return _result(problem, layout, matrices, screening, best, time.perf_counter() - clock)


@dataclass(frozen=True)
class _Job:
    problem: RoutingProblem
    layout: NodeLayout
    matrices: Mapping[str, TravelMatrices]
    screening: Screening
    soft_mandatory: bool
    time_limit_s: float


def _run_workers(job: _Job, strategies: Sequence[SearchStrategy]) -> list[_Outcome | None]:
    """Searches with the first strategy here and with the others in child processes
    (OR-Tools holds the GIL while it searches, so threads would take turns)."""
    if len(strategies) == 1 or multiprocessing.current_process().daemon:
        return [_solve(job, strategies[0])]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Plain processes and pipes: a pool would hand the job over from a helper thread,
    # which waits for the GIL until the search here is over.
    children = []
    for strategy in strategies[1:]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_solve_in_child, args=(sender, job, strategy))
        child.start()
        sender.close()
        children.append((child, receiver))
    outcomes = [_solve(job, strategies[0])]
    for child, receiver in children:
        try:
            outcomes.append(receiver.recv())
        except EOFError:  # the child died: its search is lost, not the plan
            outcomes.append(None)
        child.join()
    return outcomes


def _solve_in_child(sender: Connection, job: _Job, strategy: SearchStrategy) -> None:
    sender.send(_solve(job, strategy))
    sender.close()


def _solve(job: _Job, strategy: SearchStrategy) -> _Outcome | None:
    model = build_model(
        job.problem, job.layout, job.matrices, job.screening, soft_mandatory=job.soft_mandatory
    )
    return _search(model, job.layout, strategy, job.time_limit_s)


def _search(
    model: OrToolsModel, layout: NodeLayout, strategy: SearchStrategy, time_limit_s: float
) -> _Outcome | None:
    parameters = search_parameters(strategy, time_limit_s)
    if strategy.iterated_local_search:
        solution = model.routing.SolveWithIteratedLocalSearch(parameters)
    else:
        solution = model.routing.SolveWithParameters(parameters)
    status = routing_enums_pb2.RoutingSearchStatus.Value.Name(model.routing.status())
    if solution is None:
        return None
    if status == "ROUTING_NOT_SOLVED":  # the iterated search does not set the status
        status = "ROUTING_SUCCESS"
    routes = tuple(_raw_route(model, solution, v) for v in range(model.routing.vehicles()))
    served = {node for route in routes for node in route.nodes}
    dropped = tuple(
        node for node, stop in enumerate(layout.stop_of_node)
        if stop is not None and node not in served
    )
    return _Outcome(routes, dropped, solution.ObjectiveValue(), status)


def search_parameters(strategy: SearchStrategy, time_limit_s: float) -> Any:
    """OR-Tools search parameters for a strategy and a time limit."""
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.Value.Value(
        strategy.first_solution
    )
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.Value.Value(
        strategy.metaheuristic
    )
    parameters.guided_local_search_lambda_coefficient = strategy.gls_lambda
    if strategy.iterated_local_search:
        _ruin_and_recreate(parameters, strategy.ruined_visits)
    parameters.ls_operator_neighbors_ratio = strategy.neighbors_ratio
    parameters.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    return parameters


def _ruin_and_recreate(parameters: Any, ruined_visits: int) -> None:
    """Iterated local search: ruin strings of close visits (SISR), reinsert them, accept
    by simulated annealing."""
    parameters.use_iterated_local_search = True
    ils = parameters.iterated_local_search_parameters
    ruin = ils.ruin_recreate_parameters.ruin_strategies.add()
    ruin.sisr.max_removed_sequence_size = 10
    ruin.sisr.avg_num_removed_visits = ruined_visits
    ruin.sisr.bypass_factor = 0.01
    ils.reference_solution_acceptance_strategy.simulated_annealing.automatic_temperatures = True


def _raw_route(model: OrToolsModel, solution: pywrapcp.Assignment, vehicle: int) -> RawRoute:
    routing, manager = model.routing, model.manager
    index = routing.Start(vehicle)
    nodes, times = [], []
    while True:
        nodes.append(manager.IndexToNode(index))
        times.append(solution.Min(model.time.CumulVar(index)))
        if routing.IsEnd(index):
            break
        index = solution.Value(routing.NextVar(index))
    return RawRoute(vehicle, tuple(nodes), tuple(times))


def _result(
    problem: RoutingProblem,
    layout: NodeLayout,
    matrices: Mapping[str, TravelMatrices],
    screening: Screening,
    best: _Outcome | None,
    wall_time_s: float,
) -> RoutingResult:
    unserved = [Unserved(stop_id, reason) for stop_id, reason in screening.rejected.items()]
    if best is None:
        unserved += [Unserved(s, UnservedReason.NO_SOLUTION) for s in layout.node_of_stop]
        return RoutingResult((), tuple(unserved), PlanStatus.NO_SOLUTION, "NO_SOLUTION", 0,
                             wall_time_s)
    routes = tuple(
        build_route(problem, layout, matrices, raw) for raw in best.routes
        if any(layout.stop_of_node[node] is not None for node in raw.nodes)
    )
    for node in best.dropped_nodes:
        stop = layout.stop_of_node[node]
        assert stop is not None
        reason = UnservedReason.NOT_WORTH_IT if stop.optional else UnservedReason.NO_ROOM
        unserved.append(Unserved(stop.id, reason))
    unserved_ids = {u.stop_id for u in unserved}
    penalties = sum(s.penalty_cents for s in problem.stops if s.optional and s.id in unserved_ids)
    mandatory_left = any(not problem.stop(u.stop_id).optional for u in unserved)
    status = PlanStatus.MANDATORY_UNSERVED if mandatory_left else PlanStatus.ALL_SERVED
    total = sum(route.cost_cents for route in routes) + penalties
    return RoutingResult(routes, tuple(unserved), status, best.solver_status, total, wall_time_s)



