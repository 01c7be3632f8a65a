"""Plain data in and out of the menu planner.

Units: money in integer cents, per child meal unless said otherwise; supply and
order quantities in the product's base amount (grams for kg products,
millilitres for litre products, a count for pieces, bunches and dozens); a week
is an ISO ``(year, week)`` pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from canteens.menu_planner.catalogue import COURSES, Dish, Product
from canteens.menu_planner.rules import SCHOOL_RULES, FrequencyRule

Week = tuple[int, int]

#: No dish served twice within this many successive meals, by course.
DEFAULT_MIN_GAP_MEALS: Mapping[str, int] = {
    "starter": 5,
    "main": 10,
    "side": 4,
    "dairy": 3,
    "dessert": 3,
}

#: The 2011 order: a main, a side, a dairy product and a starter and/or a dessert.
DEFAULT_OPTIONAL_COURSES = frozenset({"starter", "dessert"})


def week_of(day: date) -> Week:
    iso = day.isocalendar()
    return (iso.year, iso.week)


@dataclass(frozen=True)
class PlanRequest:
    """What to plan.

    ``dates``: one menu per date, in serving order. ``meal_counts``: children
    served, the same every date or per date. ``budget_cents_per_meal``:
    ingredient cost of one child's meal, averaged over the plan.
    ``local_target_pct``: share of the purchase value bought from the farms
    (``None``: no target; the report still lists what is not local).
    ``min_gap_meals``: no dish twice within that many successive meals, by
    course. ``supply_by_week``: for the weeks already declared, what the farms
    offer, in base amounts per product (a product missing from a declared week
    is not offered). ``prices_cents``: prices replacing the catalogue's, cents
    per sale unit. ``optional_courses``: courses a meal may omit, at most one
    per meal. ``time_limit_s``, ``workers``, ``seed``: for the CP-SAT solver.
    """

    dates: tuple[date, ...]
    meal_counts: int | Mapping[date, int] = 1
    budget_cents_per_meal: int | None = None
    local_target_pct: int | None = None
    min_gap_meals: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MIN_GAP_MEALS))
    supply_by_week: Mapping[Week, Mapping[str, int]] | None = None
    prices_cents: Mapping[str, int] | None = None
    rules: tuple[FrequencyRule, ...] = SCHOOL_RULES
    vegetarian_meals_per_week: int = 1
    optional_courses: frozenset[str] = DEFAULT_OPTIONAL_COURSES
    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "dates", tuple(self.dates))
        if not self.dates:
            raise ValueError("a plan needs at least one date")
        if len(set(self.dates)) != len(self.dates):
            raise ValueError("one menu per date: dates must not repeat")
        if any(self.meal_count(day) < 0 for day in self.dates):
            raise ValueError("meal counts must not be negative")
        if not set(self.min_gap_meals) <= set(COURSES) or not self.optional_courses <= set(COURSES):
            raise ValueError(f"courses are {COURSES}")
        if "main" in self.optional_courses:
            raise ValueError("every meal has a main")
        if self.local_target_pct is not None and not 0 <= self.local_target_pct <= 100:
            raise ValueError("the local target is a percentage between 0 and 100")
        if self.time_limit_s <= 0 or self.workers < 1:
            raise ValueError("the solver needs a positive time limit and at least one worker")

    def meal_count(self, day: date) -> int:
        if isinstance(self.meal_counts, int):
            return self.meal_counts
        if day not in self.meal_counts:
            raise ValueError(f"no meal count for {day.isoformat()}")
        return self.meal_counts[day]

    @property
    def weeks(self) -> tuple[Week, ...]:
        return tuple(dict.fromkeys(week_of(day) for day in self.dates))

    def gap(self, course: str) -> int:
        return max(1, self.min_gap_meals.get(course, 1))


@dataclass(frozen=True)
class PlannedMeal:
    """One menu: ``dishes`` by course, in course order (a course may be absent)."""

    date: date
    meal_count: int
    dishes: Mapping[str, Dish]
    cost_cents: int  # ingredients of one child's meal
    vegetarian: bool


@dataclass(frozen=True)
class RuleCount:
    """A rule's standing: ``count`` against ``bound`` (``kind`` 'min' or 'max').

    Counts are meals or dishes for the frequency rules, weeks for
    ``vegetarian_weekly``, cents per meal for ``budget``, repeats for
    ``variety``, short (week, product) pairs for ``supply``, whole percent for
    ``local_target``, meals missing a required course for ``menu_structure``
    (only present when some are).
    """

    rule: str
    label: str
    count: int
    bound: int
    kind: str
    met: bool


@dataclass(frozen=True)
class Cause:
    """Why a rule is missed, or why no plan came: a stable ``code``, the English
    ``message`` (for logs and the command line) and the values it quotes in ``params``
    (numbers, names, ISO dates: JSON as they are), from which the app says it in the
    reader's language. A week is quoted by its Monday (``week``)."""

    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return self.message


def monday_of_week(week: Week) -> str:
    """The ISO date of the Monday of ``week``, the way causes quote a week."""
    return date.fromisocalendar(week[0], week[1], 1).isoformat()


@dataclass(frozen=True)
class Violation:
    """A rule the plan breaks, by how much (in the rule's count unit) and why."""

    rule: str
    label: str
    by: int
    causes: tuple[Cause, ...]


@dataclass(frozen=True)
class Shortfall:
    """More of a product needed in a declared week than the farms offered (base amounts)."""

    week: Week
    product: str
    needed: int
    offered: int

    @property
    def short(self) -> int:
        return self.needed - self.offered


@dataclass(frozen=True)
class NonLocalItem:
    """An ingredient bought outside the farms, over the whole plan."""

    product: str
    origin: str  # 'could_be_local' or 'not_local' (or 'local' bought elsewhere: shortfall)
    base_amount: int
    value_cents: int


#: Why a product is bought outside while a local one could fill the same role:
#: ``supply`` the farms offered less than the plan needs; ``variety`` every local
#: dish of that role was served too recently; ``budget`` the local dish would take
#: the meal over budget; ``target_reached`` the canteen's local target is met and the
#: outside product is cheaper; ``not_found`` the solver did not find the swap in time.
OUTSIDE_REASONS: tuple[str, ...] = ("supply", "variety", "budget", "target_reached", "not_found")


@dataclass(frozen=True)
class OutsideChoice:
    """A product bought outside while a local product of the same role was offered.

    ``alternatives``: the local products (or, for ``supply``, the same product:
    ``needed`` and ``offered`` in base amounts over the weeks short) that could
    have taken its place; ``dishes`` and ``dates``: where the plan uses it for
    this reason; ``value_cents``: all of the product bought outside over the plan
    (whatever the reason); ``extra_cents_per_meal``: what the local dish would
    have cost more, per meal (``budget`` and ``target_reached``).
    """

    product: str
    reason: str
    alternatives: tuple[str, ...]
    dishes: tuple[str, ...]
    dates: tuple[date, ...]
    value_cents: int = 0
    needed: int = 0
    offered: int = 0
    extra_cents_per_meal: int = 0


@dataclass(frozen=True)
class CostOfLocal:
    """The plan beside the cheapest plan that meets the same rules, local share aside."""

    cost_per_meal_cents: int
    local_share_pct: float
    cheapest_cost_per_meal_cents: int
    cheapest_local_share_pct: float
    meals: int  # children's meals over the plan

    @property
    def extra_per_meal_cents(self) -> int:
        return self.cost_per_meal_cents - self.cheapest_cost_per_meal_cents

    @property
    def extra_total_cents(self) -> int:
        return self.extra_per_meal_cents * self.meals


@dataclass(frozen=True)
class MenuPlan:
    """The planner's answer.

    ``status``: 'ok' (every rule met), 'relaxed' (the closest plan: see
    ``violations``) or 'no_plan' (the solver found none in time; ``meals`` is
    empty). Values are over the whole plan, every child's meal included;
    ``cost_per_meal_cents`` is the average ingredient cost of a child's meal.
    ``outside``: products bought outside while a local one of the same role was
    offered, with the reason; ``cost_of_local``: this plan beside the cheapest
    one that meets the same rules (when the planner was asked to compare).
    """

    status: str
    meals: tuple[PlannedMeal, ...]
    counters: tuple[RuleCount, ...]
    violations: tuple[Violation, ...]
    shortfalls: tuple[Shortfall, ...]
    non_local: tuple[NonLocalItem, ...]
    purchase_value_cents: int
    local_value_cents: int
    local_share_pct: float
    cost_per_meal_cents: int
    diagnostics: tuple[Cause, ...]
    solver_status: str
    solve_seconds: float
    products: Mapping[str, Product] = field(repr=False, default_factory=dict)
    outside: tuple[OutsideChoice, ...] = ()
    cost_of_local: CostOfLocal | None = None

    @property
    def rules_met(self) -> int:
        return sum(1 for counter in self.counters if counter.met)
