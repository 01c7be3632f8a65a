"""The school-meal frequency rules, as data, and how to count them on a plan.

The French rules (decree 2011-1227 and the order of 30 September 2011) count
how often a family of dishes is served over 20 successive meals. For a plan of
``n`` meals each bound is scaled pro rata, ``bound * n / 20``, rounded in the
canteen's favour: a minimum is rounded down and a maximum rounded up, so that
a short plan never asks more than the law's rate (over 20 meals the bounds are
exactly the law's).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from canteens.menu_planner.catalogue import COURSES, Dish

RULE_SERIES_MEALS = 20


@dataclass(frozen=True)
class FrequencyRule:
    """``kind`` 'min' or 'max' of ``per_20_meals`` over 20 meals.

    ``per`` says what is counted: ``meal``, the meals where a dish of one of
    ``courses`` has one of ``attributes``; ``dish``, every such dish.
    """

    name: str
    label: str
    kind: str
    per_20_meals: int
    attributes: frozenset[str]
    courses: frozenset[str]
    per: str = "meal"

    def __post_init__(self) -> None:
        if self.kind not in ("min", "max") or self.per not in ("meal", "dish"):
            raise ValueError(f"rule {self.name}: kind must be min/max and per meal/dish")
        if not self.courses <= set(COURSES):
            raise ValueError(f"rule {self.name}: unknown course in {sorted(self.courses)}")

    def bound(self, meal_count: int) -> int:
        """The bound for a plan of ``meal_count`` meals (pro rata, canteen's favour)."""
        exact = self.per_20_meals * meal_count / RULE_SERIES_MEALS
        return math.floor(exact) if self.kind == "min" else math.ceil(exact)

    def counts(self, dish: Dish) -> bool:
        """Whether this dish is one the rule counts."""
        return dish.course in self.courses and bool(dish.attributes & self.attributes)

    def count_in_meal(self, dishes: Iterable[Dish]) -> int:
        hits = sum(1 for dish in dishes if self.counts(dish))
        return min(hits, 1) if self.per == "meal" else hits

    def count(self, meals: Sequence[Mapping[str, Dish]]) -> int:
        """How many meals (or dishes) of the plan the rule counts."""
        return sum(self.count_in_meal(meal.values()) for meal in meals)

    def met(self, count: int, bound: int) -> bool:
        return count >= bound if self.kind == "min" else count <= bound


def _rule(
    name: str,
    label: str,
    kind: str,
    per_20: int,
    attributes: Iterable[str],
    courses: Iterable[str],
    per: str = "meal",
) -> FrequencyRule:
    return FrequencyRule(name, label, kind, per_20, frozenset(attributes), frozenset(courses), per)


#: The frequencies of the 2011 order counted by the planner (over 20 meals).
SCHOOL_RULES: tuple[FrequencyRule, ...] = (
    _rule(
        "raw_vegetable_or_fruit",
        "meals with raw vegetables or fresh fruit as starter or dessert",
        "min",
        10,
        ("raw_vegetable", "raw_fruit"),
        ("starter", "dessert"),
    ),
    _rule("raw_fruit_dessert", "raw fruit desserts", "min", 8, ("raw_fruit",), ("dessert",)),
    _rule(
        "cooked_vegetable_side",
        "cooked vegetable sides",
        "min",
        10,
        ("cooked_vegetable",),
        ("side",),
    ),
    _rule("starch_side", "starch or pulse sides", "min", 10, ("starch_or_pulse",), ("side",)),
    _rule(
        "red_meat_unminced", "unminced red meat mains", "min", 4, ("red_meat_unminced",), ("main",)
    ),
    _rule("fish", "fish mains", "min", 4, ("fish",), ("main",)),
    _rule(
        "calcium_high",
        "meals with a dairy product of at least 150 mg calcium",
        "min",
        8,
        ("calcium_high",),
        ("dairy", "dessert"),
    ),
    _rule("fried", "fried or pre-fried items", "max", 4, ("fried",), COURSES, per="dish"),
    _rule("sweet_dessert", "sweet desserts", "max", 4, ("sweet_dessert",), ("dessert",)),
    _rule("fatty_starter", "fatty starters", "max", 4, ("fatty_starter",), ("starter",)),
)


def is_vegetarian_meal(dishes: Iterable[Dish]) -> bool:
    """A vegetarian menu: a vegetarian main and nothing with meat or fish."""
    dishes = list(dishes)
    has_main = any(dish.course == "main" for dish in dishes)
    return has_main and all(dish.vegetarian for dish in dishes)


#: The GEMRCN's frequencies for elderly residents in an institution (midday meal,
#: over 20 successive meals): Groupe d'étude des marchés de restauration collective et
#: nutrition, "Recommandation nutrition", version 2.0 of July 2015, its frequency table
#: for elderly people in institutions. Counted with the same dish attributes as the
#: school rules. Verified in this project against a published copy: the calcium
#: thresholds (8/20 with at least 150 mg, 4/20 with 100-150 mg), which the school order
#: shares. From memory of the table, not re-read: raw vegetables or fruit 10/20, raw
#: fruit desserts 8/20, cooked vegetables 10/20, starches 10/20, unminced red meat 4/20,
#: fish 4/20, fried items at most 4/20, sweet desserts at most 4/20, fatty starters at
#: most 4/20. The weekly vegetarian menu (EGAlim) binds school canteens only: a residence
#: plans with ``vegetarian_meals_per_week=0``.
ELDERLY_RULES: tuple[FrequencyRule, ...] = (
    *SCHOOL_RULES,
    _rule(
        "calcium_medium",
        "meals with a cheese or dairy dessert of 100-150 mg calcium",
        "min",
        4,
        ("calcium_medium",),
        ("dairy", "dessert"),
    ),
)

#: Rule sets by name, as stored with a plan's request.
RULE_SETS: Mapping[str, tuple[FrequencyRule, ...]] = {
    "school": SCHOOL_RULES,
    "elderly": ELDERLY_RULES,
}
