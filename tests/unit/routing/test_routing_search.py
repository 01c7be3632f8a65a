"""The search settings: which strategies a problem gets and what they ask of OR-Tools."""

from __future__ import annotations

import pytest
from line_instances import line_problem, line_provider, stop, van
from ortools.util.optional_boolean_pb2 import BOOL_FALSE, BOOL_TRUE

from routing import PlanStatus, SearchStrategy, plan_routes
from routing.layout import build_layout
from routing.ortools_model import build_model
from routing.screening import screen_stops
from routing.search import (
    DEFAULT_STRATEGIES,
    SMALL_PROBLEM_STRATEGIES,
    default_strategies,
    ruin_and_recreate,
    search_parameters,
)


def test_a_week_of_a_few_dozen_stops_gets_the_small_problem_searches() -> None:
    assert default_strategies(18) == SMALL_PROBLEM_STRATEGIES
    assert default_strategies(100) == DEFAULT_STRATEGIES


def test_an_unknown_ruin_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown ruin"):
        SearchStrategy(ruin="earthquake")


def test_annealing_temperatures_follow_the_cost_of_an_arc() -> None:
    strategy = ruin_and_recreate("random_walk", 25, temperature=0.4)
    parameters = search_parameters(strategy, 1.0, arc_cost=500)

    annealing = parameters.iterated_local_search_parameters.reference_solution_acceptance_strategy
    assert annealing.simulated_annealing.initial_temperature == pytest.approx(200)
    assert annealing.simulated_annealing.final_temperature == pytest.approx(2)
    ruin = parameters.iterated_local_search_parameters.ruin_recreate_parameters.ruin_strategies
    assert ruin[0].random_walk.num_removed_visits == 25


def test_operators_that_reinsert_left_out_visits_stay_when_visits_may_be_left_out() -> None:
    strategy = ruin_and_recreate("sisr", 20)
    strict = search_parameters(strategy, 1.0, may_drop_visits=False).local_search_operators
    lenient = search_parameters(strategy, 1.0, may_drop_visits=True).local_search_operators

    assert strict.use_global_cheapest_insertion_path_lns == BOOL_FALSE
    assert lenient.use_global_cheapest_insertion_path_lns == BOOL_TRUE
    assert strict.use_make_active == BOOL_TRUE
    assert strict.use_lin_kernighan == BOOL_FALSE


def test_pair_operators_stay_for_shipments_only() -> None:
    strategy = ruin_and_recreate("sisr", 20)
    plain = search_parameters(strategy, 1.0, has_pairs=False).local_search_operators
    paired = search_parameters(strategy, 1.0, has_pairs=True).local_search_operators

    assert plain.use_relocate_pair == BOOL_FALSE
    assert paired.use_relocate_pair == BOOL_TRUE


def test_the_mean_arc_cost_is_over_the_stops_at_the_vehicles_rate() -> None:
    positions = {"a": 1000, "b": 3000}
    problem = line_problem(positions, [stop("a"), stop("b")], [van()])
    matrices = {"default": line_provider(positions).travel_matrices(problem.locations, "default")}
    screening = screen_stops(problem, matrices)
    layout = build_layout(problem, screening)

    model = build_model(problem, layout, matrices, screening, soft_mandatory=True)

    # a to b is 2000 m both ways, at 100 cents per km
    assert model.mean_arc_cost == pytest.approx(2000 * 100)


def test_the_local_arc_cost_is_to_the_nearest_stops_whatever_the_map() -> None:
    # two towns 50 km apart, each of twelve stops 100 m apart on a line
    positions = {f"{town}{k}": base + 100 * k for town, base in (("a", 0), ("b", 50_000))
                 for k in range(12)}
    problem = line_problem(positions, [stop(name) for name in positions], [van()])
    matrices = {"default": line_provider(positions).travel_matrices(problem.locations, "default")}
    screening = screen_stops(problem, matrices)
    layout = build_layout(problem, screening)

    model = build_model(problem, layout, matrices, screening, soft_mandatory=True)

    # the ten nearest of each stop are in its own town: arcs of 100 m to about 600 m
    assert 200 * 100 < model.local_arc_cost < 600 * 100
    assert model.mean_arc_cost > 20_000 * 100


def test_when_savings_builds_more_routes_than_vans_the_search_starts_over_from_insertions() -> None:
    # Savings first joins the two far stops of 4 (the largest saving), which leaves
    # the two stops of 6 on a route each: three routes for two vans of 10.
    positions = {"a": 3000, "b": 4000, "c": 1000, "d": 2000}
    stops = [stop("a", 4), stop("b", 4), stop("c", 6), stop("d", 6)]
    problem = line_problem(positions, stops, [van("v1", capacity=10), van("v2", capacity=10)])
    matrices = {"default": line_provider(positions).travel_matrices(problem.locations, "default")}
    screening = screen_stops(problem, matrices)
    model = build_model(
        problem, build_layout(problem, screening), matrices, screening, soft_mandatory=False
    )
    savings = ruin_and_recreate("sisr", 3, first_solution="SAVINGS")
    alone = search_parameters(savings, 0.2, arc_cost=model.local_arc_cost, may_drop_visits=False)
    assert model.routing.SolveWithIteratedLocalSearch(alone) is None

    result = plan_routes(
        problem, time_limit_s=0.3, matrix_provider=line_provider(positions),
        strategies=(savings,), soft_mandatory=False,
    )

    assert result.status is PlanStatus.ALL_SERVED
    assert len(result.routes) == 2  # each van takes a stop of 4 and one of 6


def test_plain_rebuilds_skip_the_local_search_after_each_ruin() -> None:
    plain = ruin_and_recreate("sisr", 20, descend_after_recreate=False)
    improved = ruin_and_recreate("sisr", 20)

    plain_ils = search_parameters(plain, 1.0).iterated_local_search_parameters
    improved_ils = search_parameters(improved, 1.0).iterated_local_search_parameters
    assert plain_ils.improve_perturbed_solution is False
    assert improved_ils.improve_perturbed_solution is True
