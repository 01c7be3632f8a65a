"""``plan_routes``: the delivery-routing optimiser on OR-Tools' routing library."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing import pyvrp_search
from routing.extract import RawRoute, SearchOutcome, build_route
from routing.layout import NodeLayout, build_layout
from routing.matrices import HaversineMatrixProvider, MatrixProvider, TravelMatrices
from routing.model import RoutingProblem
from routing.ortools_model import OrToolsModel, build_model
from routing.result import PlanStatus, RoutingResult, Unserved, UnservedReason
from routing.screening import Screening, screen_stops
from routing.search import (
    FALLBACK_FIRST_SOLUTION,
    SMALL_PROBLEM_STOPS,
    SearchStrategy,
    default_strategies,
    search_parameters,
)


@dataclass(frozen=True)
class PyVrpSearch:
    """PyVRP's iterated local search (see ``routing.pyvrp_search``) with its seed."""

    seed: int = 0


Search = SearchStrategy | PyVrpSearch


def plan_routes(
    problem: RoutingProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    matrix_provider: MatrixProvider | None = None,
    workers: int = 1,
    strategies: Sequence[SearchStrategy] | None = None,
    soft_mandatory: bool = True,
    hybrid: bool = True,
) -> RoutingResult:
    """Plans routes for ``problem`` within ``time_limit_s`` seconds of search.

    Travel matrices come from ``matrix_provider`` (coordinates with a detour factor
    by default). Stops no vehicle could serve alone are reported unserved up front.
    ``workers`` searches run side by side (child processes; a single search when
    called from a daemonic process such as a Celery prefork worker), each with a
    strategy from ``strategies`` (rotated by ``seed``; by default the ones tuned for
    the problem's size), and the cheapest plan wins.
    With ``soft_mandatory`` a mandatory stop that cannot be fitted is left out at a
    prohibitive penalty and reported, instead of the whole search failing.
    With ``hybrid`` and several workers, on more than ``SMALL_PROBLEM_STOPS`` stops
    that PyVRP can take, PyVRP's search replaces the last OR-Tools one: neither engine
    wins on every shape of week (PyVRP on large open maps, OR-Tools on tight weeks
    with reloads, reserved vehicles and the driver's hours), so both run side by side
    and the cheaper plan wins. A single search stays OR-Tools': a quarter of the
    time for OR-Tools then PyVRP for the rest lost 4 % on the agglomeration's week.
    Returns routes, unserved stops with reasons, costs and the status.
    """
    if time_limit_s <= 0:
        raise ValueError(f"time limit {time_limit_s} s must be positive")
    if strategies is None:
        strategies = default_strategies(len(problem.stops))
    if workers < 1 or not strategies:
        raise ValueError("need at least one worker and one strategy")
    clock = time.perf_counter()
    provider = matrix_provider or HaversineMatrixProvider()
    profiles = sorted({vehicle.profile for vehicle in problem.vehicles})
    matrices = {p: provider.travel_matrices(problem.locations, p) for p in profiles}
    screening = screen_stops(problem, matrices)
    layout = build_layout(problem, screening)
    remaining = max(0.05, time_limit_s - (time.perf_counter() - clock))
    ortools = [strategies[(seed + i) % len(strategies)] for i in range(workers)]
    chosen: list[Search] = list(ortools)
    job = _Job(problem, layout, matrices, screening, soft_mandatory)
    use_pyvrp = (
        hybrid and len(layout.node_of_stop) > SMALL_PROBLEM_STOPS and pyvrp_search.fits(problem)
    )
    if use_pyvrp and workers > 1 and not multiprocessing.current_process().daemon:
        # PyVRP's seed follows the planner's: a benchmark against PyVRP with the same
        # seed does not compare a run with itself.
        chosen = [*ortools[:-1], PyVrpSearch(seed + 1)]
    outcomes = _run_workers(job, chosen, remaining)
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


def _run_workers(
    job: _Job, searches: Sequence[Search], time_limit_s: float
) -> list[SearchOutcome | None]:
    """Runs the first search here and the others in child processes (OR-Tools holds
    the GIL while it searches, so threads would take turns)."""
    if len(searches) == 1 or multiprocessing.current_process().daemon:
        return [_solve(job, searches[0], time_limit_s)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Plain processes and pipes: a pool would hand the job over from a helper thread,
    # which waits for the GIL until the search here is over.
    children = []
    for search in searches[1:]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_solve_in_child, args=(sender, job, search, time_limit_s)
        )
        child.start()
        sender.close()
        children.append((child, receiver))
    outcomes = [_solve(job, searches[0], time_limit_s)]
    for child, receiver in children:
        try:
            outcomes.append(receiver.recv())
        except EOFError:  # the child died: its search is lost, not the plan
            outcomes.append(None)
        child.join()
    return outcomes


def _solve_in_child(
    sender: Connection, job: _Job, search: Search, time_limit_s: float
) -> None:
    sender.send(_solve(job, search, time_limit_s))
    sender.close()


def _solve(job: _Job, search: Search, time_limit_s: float) -> SearchOutcome | None:
    if isinstance(search, PyVrpSearch):
        return pyvrp_search.search(
            job.problem, job.layout, job.matrices, job.screening, time_limit_s, search.seed
        )
    model = build_model(
        job.problem, job.layout, job.matrices, job.screening, soft_mandatory=job.soft_mandatory
    )
    return _search(model, job.layout, search, time_limit_s)


def _search(
    model: OrToolsModel, layout: NodeLayout, strategy: SearchStrategy, time_limit_s: float
) -> SearchOutcome | None:
    parameters = search_parameters(
        strategy, time_limit_s, arc_cost=model.local_arc_cost,
        has_pairs=layout.has_shipments, may_drop_visits=model.routing.GetNumberOfDisjunctions() > 0,
    )
    started = time.perf_counter()
    solution = _solve_with(model, strategy, parameters)
    left = time_limit_s - (time.perf_counter() - started)
    if solution is None and strategy.first_solution != FALLBACK_FIRST_SOLUTION and left > 0.05:
        # Savings may build more routes than there are vehicles: start over from
        # insertions, which always place what fits, for the time left.
        fallback = replace(strategy, first_solution=FALLBACK_FIRST_SOLUTION)
        parameters = search_parameters(
            fallback, left, arc_cost=model.local_arc_cost, has_pairs=layout.has_shipments,
            may_drop_visits=model.routing.GetNumberOfDisjunctions() > 0,
        )
        solution = _solve_with(model, fallback, parameters)
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
    return SearchOutcome(routes, dropped, solution.ObjectiveValue(), status)


def _solve_with(
    model: OrToolsModel, strategy: SearchStrategy, parameters: Any
) -> pywrapcp.Assignment | None:
    if strategy.iterated_local_search:
        return model.routing.SolveWithIteratedLocalSearch(parameters)
    return model.routing.SolveWithParameters(parameters)


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
    best: SearchOutcome | None,
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



