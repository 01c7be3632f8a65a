"""The CP-SAT model behind the menu planner, solved lexicographically.

One boolean per (meal, dish in season that day). The course structure and the
seasons are hard. The school-meal rules (frequencies, the weekly vegetarian
menu, variety) and the budget come first: their slack is penalised (one meal's
worth of a frequency rule or a vegetarian week weighs as much as 20 cents a
meal over budget or 3 repeats) and the first solve breaks as few as possible,
none when a plan meeting them all exists. Then, with the rules held where the
first solve left them, the local share by value is raised as far as the supply
allows (up to the canteen's target); then, with the local value held within a
tiny tolerance, the cost is lowered (less 3 cents a meal for each different
dish served). What the farms cannot supply is bought outside: it lowers the
local value, it never breaks a rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from canteens.menu_planner.catalogue import COURSES, Catalogue, Dish, Product
from canteens.menu_planner.data import PlanRequest, week_of
from canteens.menu_planner.rules import FrequencyRule
from canteens.menu_planner.steps import Goals, Solution, solve_in_steps

W_RULE = 1000  # per meal (or dish) a frequency rule is short or over
W_VEGETARIAN = 1000  # per week without its vegetarian meals
W_BUDGET = 50  # per cent per meal over budget
W_VARIETY = 300  # per window where a dish comes back too soon
W_DISTINCT = 3  # bonus per distinct dish served, against a cent per meal of cost

#: Dishes in season for each meal, by course: ``options[meal][course]``.
Options = list[dict[str, list[Dish]]]
Expr = cp_model.LinearExpr


def _total(terms: Iterable[Expr | cp_model.IntVar | int]) -> Expr:
    return cp_model.LinearExpr.sum(list(terms))


def dish_options(request: PlanRequest, catalogue: Catalogue) -> Options:
    """For each date, the dishes whose farm ingredients are all in season, by course."""
    return [
        {
            c: [
                d for d in catalogue.dishes if d.course == c and _in_season(d, catalogue, day.month)
            ]
            for c in COURSES
        }
        for day in request.dates
    ]


def _in_season(dish: Dish, catalogue: Catalogue, month: int) -> bool:
    return all(catalogue.products[i.product].in_season(month) for i in dish.ingredients)


def meal_weights(request: PlanRequest) -> list[int]:
    """Children served each date (all 1 when no count is given)."""
    counts = [request.meal_count(day) for day in request.dates]
    return counts if sum(counts) > 0 else [1] * len(counts)


@dataclass
class _Model:
    request: PlanRequest
    catalogue: Catalogue
    options: Options
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    penalty: list[Expr] = field(default_factory=list)  # broken rules
    shortage: list[Expr] = field(default_factory=list)  # 100 g steps beyond the farms' offer
    preference: list[Expr] = field(default_factory=list)  # ties between plans meeting them
    weights: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.weights = meal_weights(self.request)

    def chosen(self, meal: int, dishes: Sequence[Dish]) -> Expr:
        return _total(self.x[meal, d.id] for d in dishes)

    def slack(self, upper: int, name: str, weight: int) -> cp_model.IntVar:
        var = self.model.new_int_var(0, max(upper, 0), name)
        self.penalty.append(weight * var)
        return var


def solve_menus(
    request: PlanRequest, catalogue: Catalogue, options: Options, *, compare_cheapest: bool = True
) -> Solution:
    """Build the model for ``request`` over the dishes in ``options`` and solve it.

    Returns the chosen dishes by course for each date (``None`` when the solver
    found no plan in the time limit), the solver status and the wall time, and
    with ``compare_cheapest`` the cheapest plan meeting the same rules.
    """
    m = _Model(request, catalogue, options)
    _add_choices(m)
    for rule in request.rules:
        _add_frequency_rule(m, rule)
    _add_vegetarian_weeks(m)
    _add_variety(m)
    _reward_distinct_dishes(m)
    total = _value_expr(m, local_only=False)
    local_value = _add_supply(m, _value_expr(m, local_only=True))
    _add_budget(m, total)
    goals = Goals(
        broken=_total(m.penalty),
        shortage=_total(m.shortage),
        total=total,
        gap=_local_gap(m, local_value, total),
        cost=_cost_per_meal(m, total),
        preference=_total(m.preference),
        tenth_of_cent_per_meal_mc=_per_meal_mc(m) // 10,
    )
    return solve_in_steps(m.model, m.x, m.options, m.request, goals, compare_cheapest)


def _add_choices(m: _Model) -> None:
    for meal, by_course in enumerate(m.options):
        offered = 0
        present: list[Expr] = []
        for course, dishes in by_course.items():
            for dish in dishes:
                m.x[meal, dish.id] = m.model.new_bool_var(f"x_{meal}_{dish.id}")
            if not dishes:
                continue
            if course in m.request.optional_courses:
                m.model.add(m.chosen(meal, dishes) <= 1)
                present.append(m.chosen(meal, dishes))
                offered += 1
            else:
                m.model.add(m.chosen(meal, dishes) == 1)
        forced_out = len(m.request.optional_courses) - offered
        if present:
            m.model.add(_total(present) >= offered - max(0, 1 - forced_out))


def _counted(m: _Model, meal: int, rule: FrequencyRule) -> list[Dish]:
    return [d for c in rule.courses for d in m.options[meal].get(c, []) if rule.counts(d)]


def _add_frequency_rule(m: _Model, rule: FrequencyRule) -> None:
    bound = rule.bound(len(m.options))
    terms: list[Expr] = []
    for meal in range(len(m.options)):
        dishes = _counted(m, meal, rule)
        if not dishes:
            continue
        if rule.per == "dish" or len(rule.courses) == 1:
            terms.append(m.chosen(meal, dishes))
            continue
        hit = m.model.new_bool_var(f"{rule.name}_{meal}")
        if rule.kind == "min":
            m.model.add(hit <= m.chosen(meal, dishes))
        else:
            for dish in dishes:
                m.model.add_implication(m.x[meal, dish.id], hit)
        terms.append(hit)
    count = _total(terms)
    if rule.kind == "min":
        m.model.add(count + m.slack(bound, f"short_{rule.name}", W_RULE) >= bound)
    else:
        m.model.add(count - m.slack(5 * len(m.options), f"over_{rule.name}", W_RULE) <= bound)


def _add_vegetarian_weeks(m: _Model) -> None:
    wanted = m.request.vegetarian_meals_per_week
    if wanted <= 0:
        return
    by_week: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for meal, day in enumerate(m.request.dates):
        by_week.setdefault(week_of(day), [])
        mains = [d for d in m.options[meal]["main"] if d.vegetarian]
        if not mains:
            continue
        veg = m.model.new_bool_var(f"vegetarian_{meal}")
        m.model.add(veg <= m.chosen(meal, mains))
        for dishes in m.options[meal].values():
            for dish in dishes:
                if not dish.vegetarian:
                    m.model.add_implication(veg, m.x[meal, dish.id].Not())
        by_week[week_of(day)].append(veg)
    for week, vegs in by_week.items():
        need = min(wanted, sum(1 for day in m.request.dates if week_of(day) == week))
        missing = m.slack(need, f"no_vegetarian_{week[0]}_{week[1]}", W_VEGETARIAN)
        m.model.add(_total(vegs) + missing >= need)


def _add_variety(m: _Model) -> None:
    meals = len(m.options)
    for course in COURSES:
        gap = m.request.gap(course)
        if gap < 2:
            continue
        windows: set[tuple[str, tuple[int, ...]]] = set()
        for start in range(max(1, meals - gap + 1)):
            span = range(start, min(meals, start + gap))
            for dish in {d.id: d for i in span for d in m.options[i][course]}.values():
                inside = tuple(i for i in span if (i, dish.id) in m.x)
                if len(inside) > 1:
                    windows.add((dish.id, inside))
        for dish_id, inside in sorted(windows):
            again = m.slack(1, f"again_{dish_id}_{inside[0]}", W_VARIETY)
            m.model.add(_total(m.x[i, dish_id] for i in inside) <= 1 + again)


def _reward_distinct_dishes(m: _Model) -> None:
    """Prefer plans that serve more different dishes, all else equal."""
    uses: dict[str, list[cp_model.IntVar]] = {}
    for (_, dish_id), var in m.x.items():
        uses.setdefault(dish_id, []).append(var)
    for dish_id, used in uses.items():
        served = m.model.new_bool_var(f"served_{dish_id}")
        m.model.add(served <= _total(used))
        m.preference.append(-W_DISTINCT * served)


def _value_expr(m: _Model, local_only: bool) -> Expr:
    """Purchase value of the plan in millicents (all children, exact portions)."""
    terms: list[Expr] = []
    for meal, by_course in enumerate(m.options):
        for dishes in by_course.values():
            for dish in dishes:
                value = _dish_value_mc(dish, m.catalogue, local_only)
                if value:
                    terms.append(m.weights[meal] * value * m.x[meal, dish.id])
    return _total(terms)


def _dish_value_mc(dish: Dish, catalogue: Catalogue, local_only: bool) -> int:
    products = [(catalogue.products[i.product], i.grams) for i in dish.ingredients]
    return round(sum(p.cost_millicents(g) for p, g in products if p.local or not local_only))


def _order_step_g(product: Product) -> int:
    """Grams in one ordering step: 100 g (or ml) for weighed products, else one unit."""
    return 100 if product.grams_per_base == 1 else product.unit_weight_g


def _add_supply(m: _Model, local_value: Expr) -> Expr:
    """Supply limits for the declared weeks; returns the local value less what is bought
    outside because the farms offered too little (it stays in the plan, bought elsewhere)."""
    supply = m.request.supply_by_week or {}
    lost: list[Expr] = []
    for week, offered in supply.items():
        meals = [i for i, day in enumerate(m.request.dates) if week_of(day) == week]
        for product, need in _week_needs(m, meals).items():
            step = _order_step_g(product)
            steps = m.model.new_int_var(0, 10**9, f"order_{product.name}_{week}")
            m.model.add(steps * step >= need)
            available = offered.get(product.name, 0) * product.grams_per_base // step
            short = m.model.new_int_var(0, 10**9, f"short_{product.name}_{week}")
            m.shortage.append(max(1, step // 100) * short)
            m.model.add(steps - short <= int(available))
            lost.append(round(product.cost_millicents(step)) * short)
    return local_value - _total(lost)


def _week_needs(m: _Model, meals: list[int]) -> dict[Product, Expr]:
    """Grams of each farm product the chosen dishes need over ``meals``."""
    needs: dict[Product, list[Expr]] = {}
    for meal in meals:
        for dishes in m.options[meal].values():
            for dish in dishes:
                for ingredient in dish.ingredients:
                    product = m.catalogue.products[ingredient.product]
                    if product.local:
                        grams = m.weights[meal] * ingredient.grams
                        needs.setdefault(product, []).append(grams * m.x[meal, dish.id])
    return {product: _total(terms) for product, terms in needs.items()}


def _per_meal_mc(m: _Model) -> int:
    return 1000 * sum(m.weights)  # millicents in one cent per meal over the plan


def _add_budget(m: _Model, total: Expr) -> None:
    budget = m.request.budget_cents_per_meal
    if budget is not None:
        over = m.slack(10**6, "over_budget", W_BUDGET)
        m.model.add(total - budget * _per_meal_mc(m) <= over * _per_meal_mc(m))


def _local_gap(m: _Model, local_value: Expr, total: Expr) -> cp_model.IntVar:
    """How far the local value falls short of the target's share of the total, in tenths
    of a cent per meal (without a target, all of it: the value bought outside)."""
    unit = _per_meal_mc(m) // 10
    gap = m.model.new_int_var(0, 10**7, "local_gap")
    target = m.request.local_target_pct
    cap = 100 if target is None else target
    m.model.add(100 * unit * gap >= cap * total - 100 * local_value)
    return gap


def _cost_per_meal(m: _Model, total: Expr) -> cp_model.IntVar:
    cost = m.model.new_int_var(0, 10**6, "cost_per_meal")
    m.model.add(cost * _per_meal_mc(m) >= total)
    return cost
