"""How the planner searches: strategies, and the OR-Tools search parameters they map to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util.optional_boolean_pb2 import BOOL_FALSE

RUINS = ("sisr", "random_walk")
# Operators that cost time in every local search and gained nothing measurable on
# Solomon VRPTW at 10 s: without them (and the insertion operators below) the hot
# SISR search had a mean gap of 2.3 % on the hard instances in two runs, against
# 2.3 % and 3.3 % with them.
_SLOW_OPERATORS = (
    "use_lin_kernighan",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_shortest_path_two_opt",
)
# Operators that bring left-out visits back (or trade them): useful when a visit
# may be left out, and to move shipments (Li & Lim lrc201 lost 1 % without them).
_INSERTION_OPERATORS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_shortest_path_swap_active",
    "use_swap_active_chain",
    "use_make_chain_inactive",
)
# Operators on pickup-and-delivery pairs: only useful when there are shipments.
_PAIR_OPERATORS = (
    "use_relocate_pair",
    "use_light_relocate_pair",
    "use_exchange_pair",
    "use_relocate_subtrip",
    "use_exchange_subtrip",
)


@dataclass(frozen=True)
class SearchStrategy:
    """One way to search: a first-solution heuristic and a metaheuristic.

    With ``iterated_local_search`` the search ruins ``ruined_visits`` visits at a time
    (strings of close visits with ``"sisr"``, a random walk through neighbouring
    routes with ``"random_walk"``), rebuilds, improves, and accepts by simulated
    annealing starting at ``temperature`` times the cost of a local arc (from a stop
    to one of its nearest, see ``ortools_model.local_arc_cost``) and cooling to a
    hundredth of it; with ``descend_after_recreate`` each rebuilt plan is improved by
    local search before the annealing judges it (else only the first plan is, and
    many more ruins fit in the time). ``lean_operators`` leaves out the slow
    operators.
    """

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    iterated_local_search: bool = False
    neighbors_ratio: float = 1.0
    ruin: str = "sisr"
    ruined_visits: int = 10
    temperature: float = 1.6
    lean_operators: bool = True
    descend_after_recreate: bool = True

    def __post_init__(self) -> None:
        if self.first_solution not in routing_enums_pb2.FirstSolutionStrategy.Value.keys():
            raise ValueError(f"unknown first-solution strategy {self.first_solution!r}")
        if self.metaheuristic not in routing_enums_pb2.LocalSearchMetaheuristic.Value.keys():
            raise ValueError(f"unknown metaheuristic {self.metaheuristic!r}")
        if self.ruin not in RUINS:
            raise ValueError(f"unknown ruin {self.ruin!r}, expected one of {RUINS}")
        if self.ruined_visits < 1 or self.temperature <= 0:
            raise ValueError("ruined visits and temperature must be positive")


def ruin_and_recreate(
    ruin: str,
    ruined_visits: int,
    temperature: float = 1.6,
    *,
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION",
    descend_after_recreate: bool = True,
) -> SearchStrategy:
    """An iterated local search strategy."""
    return SearchStrategy(
        first_solution=first_solution, metaheuristic="GREEDY_DESCENT",
        iterated_local_search=True, ruin=ruin, ruined_visits=ruined_visits,
        temperature=temperature, descend_after_recreate=descend_after_recreate,
    )


# The first solution to fall back on when another finds none: insertions always
# place what fits.
FALLBACK_FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"
# Worker i runs strategy i (cycled); a single worker runs the first. Tuned first on
# Solomon at 10 s (hard R2/RC instances): iterated local search with lean operators
# and hot annealing beats guided local search by 2-3 %; random-walk ruins of 25
# visits and SISR ruins of 20 win on different instances, so the two cores run one
# each. Temperatures are in local arcs (1.6 of them is about the 0.4 mean arc of
# the Solomon maps, but stays right on larger maps and in towns).
# On 200 to 300 stops (Gehring & Homberger, generated rural rounds) a local search
# after each rebuild costs 100 ms to seconds, and the descent from parallel
# insertions' first plan (30-55 % above the best known there, savings' is 10-40 %)
# took most of 10 s. Starting both searches from savings and letting the SISR one
# anneal plain ruins and rebuilds (5 to 10 times more iterations) took the mean
# ratio to PyVRP at 10 s (same run, shared noisy machine, two runs each) from 1.064
# to 1.035 and 1.033 on 10 generated rounds, from 1.036 to 1.020 and 1.014 on 12
# hard Solomon instances, and left 12 Gehring & Homberger ones where they were
# (1.063 to 1.055 and 1.063: savings loses on C2, gains on R). Plain rebuilds lose
# on long routes (RC2), which the random walk with its local searches keeps covered.
DEFAULT_STRATEGIES = (
    ruin_and_recreate("random_walk", 25, first_solution="SAVINGS"),
    ruin_and_recreate("sisr", 20, first_solution="SAVINGS", descend_after_recreate=False),
)
# On a couple of dozen stops (the Lensois week: 18 stops, reloads) those searches
# stop 0.05 % short of the best plan for seconds; a warmer random walk of 15 visits
# reaches it in 0.1-0.3 s (4 runs of 4 at 0.3 s with the SISR search beside it).
SMALL_PROBLEM_STRATEGIES = (
    ruin_and_recreate("random_walk", 15, temperature=1.7),
    ruin_and_recreate("sisr", 20),
)
SMALL_PROBLEM_STOPS = 40


def default_strategies(stop_count: int) -> tuple[SearchStrategy, ...]:
    """The strategies that did best on problems of about ``stop_count`` stops."""
    return SMALL_PROBLEM_STRATEGIES if stop_count <= SMALL_PROBLEM_STOPS else DEFAULT_STRATEGIES


def search_parameters(
    strategy: SearchStrategy,
    time_limit_s: float,
    *,
    arc_cost: float = 0.0,
    has_pairs: bool = False,
    may_drop_visits: bool = True,
) -> Any:
    """OR-Tools search parameters for a strategy and a time limit.

    ``arc_cost`` scales the annealing temperatures (OR-Tools picks its own when
    it is 0); ``has_pairs`` keeps the pickup-and-delivery operators, and with
    ``may_drop_visits`` the operators that bring left-out visits back.
    """
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.Value.Value(
        strategy.first_solution
    )
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.Value.Value(
        strategy.metaheuristic
    )
    parameters.guided_local_search_lambda_coefficient = strategy.gls_lambda
    if strategy.iterated_local_search:
        _ruin_and_recreate(parameters, strategy, arc_cost)
    if strategy.lean_operators:
        keep_insertion = may_drop_visits or has_pairs
        unused = _SLOW_OPERATORS + (() if keep_insertion else _INSERTION_OPERATORS)
        for name in unused + (() if has_pairs else _PAIR_OPERATORS):
            setattr(parameters.local_search_operators, name, BOOL_FALSE)
    parameters.ls_operator_neighbors_ratio = strategy.neighbors_ratio
    parameters.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    return parameters


def _ruin_and_recreate(parameters: Any, strategy: SearchStrategy, arc_cost: float) -> None:
    """Iterated local search: ruin some visits, reinsert them, improve, accept by
    simulated annealing."""
    parameters.use_iterated_local_search = True
    ils = parameters.iterated_local_search_parameters
    ils.improve_perturbed_solution = strategy.descend_after_recreate
    ruin = ils.ruin_recreate_parameters.ruin_strategies.add()
    if strategy.ruin == "sisr":
        ruin.sisr.max_removed_sequence_size = 10
        ruin.sisr.avg_num_removed_visits = strategy.ruined_visits
        ruin.sisr.bypass_factor = 0.01
    else:
        ruin.random_walk.num_removed_visits = strategy.ruined_visits
    annealing = ils.reference_solution_acceptance_strategy.simulated_annealing
    if arc_cost > 0:
        annealing.automatic_temperatures = False
        annealing.initial_temperature = strategy.temperature * arc_cost
        annealing.final_temperature = strategy.temperature * arc_cost / 100
    else:
        annealing.automatic_temperatures = True
