"""The menu planner's solves, one after the other on the same CP-SAT model.

Rules first, then the local share, then the cost: each step's optimum becomes a
constraint of the next (the local one within a tiny tolerance), and each step
starts from the plan the last one found.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from canteens.menu_planner.catalogue import Dish
from canteens.menu_planner.data import PlanRequest

#: The local value found by the local step is held to within this share of the plan's value.
LOCAL_TOLERANCE = 0.001
#: When each step must end, as a share of the time limit: rules, cheapest plan (for the
#: comparison), local share; the cost gets the rest. A step that ends early leaves its
#: time to the next.
DEADLINES = (0.2, 0.35, 0.8)
#: The rules' step goes on until then when its plan is not proven best by its deadline.
RULES_DEADLINE = 0.75
#: Every step gets this share of the time limit at least.
MIN_STEP = 0.1
#: In the first step, one unit of the rules' weighted slack outweighs this many 100 g
#: bought beyond the farms' offer.
SHORTAGE_PER_RULE = 1000

Expr = cp_model.LinearExpr
Choices = Mapping[tuple[int, str], cp_model.IntVar]
Options = Sequence[Mapping[str, Sequence[Dish]]]


@dataclass(frozen=True)
class Solution:
    """``menus``: the plan; ``cheapest``: the cheapest plan meeting the same rules (local aside)."""

    menus: list[dict[str, Dish]] | None
    status: str
    seconds: float
    cheapest: list[dict[str, Dish]] | None = None


@dataclass(frozen=True)
class Goals:
    """What each step minimises, as expressions of the model."""

    broken: Expr  # weighted slack of the rules and the budget
    shortage: Expr  # what the farms do not offer, in 100 g (or units), in the declared weeks
    total: Expr  # purchase value, millicents
    gap: cp_model.IntVar  # local value short of the target, tenths of a cent per meal
    cost: cp_model.IntVar  # cents per meal
    preference: Expr  # ties between plans of equal cost (variety)
    tenth_of_cent_per_meal_mc: int  # millicents in a tenth of a cent per meal


def solve_in_steps(
    model: cp_model.CpModel,
    x: Choices,
    options: Options,
    request: PlanRequest,
    goals: Goals,
    compare_cheapest: bool,
) -> Solution:
    """Rules first, then the local share, then the cost (each fixed before the next).

    With ``compare_cheapest``, the cheapest plan under the same rules is found
    between the rules and the local step, for the cost-of-local comparison.
    Returns the dishes chosen by course for each meal (``None`` without any plan).
    """
    steps = _Steps(model, request)
    menus_of = _reader(x, options)
    # A first plan matters more than the later steps: without one in its share of the
    # time, the rules' step goes on for the whole time limit.
    # The first step also keeps within the farms' offer where the rules and the budget
    # allow (a meal short of a rule, or a cent a meal over budget, outweighs tonnes bought
    # beyond the offer); both are held in the next steps.
    first = goals.broken * SHORTAGE_PER_RULE + goals.shortage
    if not steps.run(first, DEADLINES[0]) and not steps.run(first, 1.0):
        return Solution(None, steps.failure, steps.seconds())
    if steps.status != "OPTIMAL":  # not proven best yet: the rules come before the rest
        steps.run(first, RULES_DEADLINE)
    model.add(goals.broken <= steps.value(goals.broken))
    model.add(goals.shortage <= steps.value(goals.shortage))
    preferred_cost = goals.cost + goals.preference
    cheapest = None
    if compare_cheapest and steps.run(preferred_cost, DEADLINES[1]):
        cheapest = menus_of(steps.solver())
    if steps.run(goals.gap, DEADLINES[2]):
        tenths_per_meal = steps.value(goals.total) // goals.tenth_of_cent_per_meal_mc
        tolerance = int(tenths_per_meal * LOCAL_TOLERANCE)
        model.add(goals.gap <= steps.value(goals.gap) + tolerance)
    menus = menus_of(steps.solver())
    if steps.run(preferred_cost, 1.0):
        menus = menus_of(steps.solver())
    return Solution(menus, steps.status, steps.seconds(), cheapest)


def _reader(x: Choices, options: Options) -> Callable[[cp_model.CpSolver], list[dict[str, Dish]]]:
    def menus(solver: cp_model.CpSolver) -> list[dict[str, Dish]]:
        return [
            {c: d for c, ds in by_course.items() for d in ds if solver.boolean_value(x[i, d.id])}
            for i, by_course in enumerate(options)
        ]

    return menus


def _solver(request: PlanRequest, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    solver.parameters.num_workers = request.workers
    solver.parameters.random_seed = request.seed
    return solver


@dataclass
class _Steps:
    """Runs the successive solves on one model, each starting from the last plan found."""

    model: cp_model.CpModel
    request: PlanRequest
    started: float = field(default_factory=time.perf_counter)
    last: cp_model.CpSolver | None = None
    status: str = "UNKNOWN"  # of the last solve that found a plan
    failure: str = ""  # of the last solve that found none

    def run(self, objective: Expr, deadline: float) -> bool:
        """Solve for ``objective`` until ``deadline`` (a share of the time limit)."""
        model = self.model
        model.minimize(objective)
        if self.last is not None:
            # The whole last solution as a hint: it meets every constraint added since,
            # so each step starts from a plan at once.
            model.clear_hints()
            for index in range(len(model.proto.variables)):
                var = model.get_int_var_from_proto_index(index)
                model.add_hint(var, self.last.value(var))
        limit = self.request.time_limit_s
        # Every step gets a tenth of the time limit at least, so a slow first step
        # cannot leave the next ones no time to start from its plan.
        solver = _solver(self.request, max(deadline * limit - self.seconds(), MIN_STEP * limit))
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and self.last is not None:
            # Presolve alone can take the step's time on a busy machine: search from the
            # hinted plan without it.
            solver = _solver(self.request, MIN_STEP * limit)
            solver.parameters.cp_model_presolve = False
            status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.failure = solver.status_name(status)
            return False
        self.last, self.status = solver, solver.status_name(status)
        return True

    def solver(self) -> cp_model.CpSolver:
        assert self.last is not None
        return self.last

    def value(self, expr: Expr) -> int:
        return int(self.solver().value(expr))

    def seconds(self) -> float:
        return time.perf_counter() - self.started
