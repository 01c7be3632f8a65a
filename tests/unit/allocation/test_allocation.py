"""Allocation: who gets what, who is refunded, and whether farms get their fair share."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings

from paniers.allocation.optimiser.composition import compose_baskets
from paniers.allocation.optimiser.composition_diagnosis import broken_rules
from paniers.allocation.optimiser.fair_split import split_fairly
from paniers.allocation.optimiser.plan import plan_week
from paniers.allocation.optimiser.week import (
    BasketFormat,
    DemandLine,
    LineOutcome,
    Offer,
    Product,
    WeekPlan,
)
from producers.units import value_cents

from .builders import SMALL, line, vegetables, weeks

CARROTS = vegetables(1)


def sold_by_offer(plan: WeekPlan) -> dict[int, int]:
    return {o.offer_id: o.sold for o in plan.offers}


def outcome(plan: WeekPlan, line_id: int) -> LineOutcome:
    return next(o for o in plan.lines if o.demand_line_id == line_id)


def test_two_farms_with_equal_offers_sell_equal_amounts() -> None:
    offers = [Offer(1, 1, 1, 10_000, 230, 2000), Offer(2, 2, 1, 10_000, 230, 6000)]

    plan = plan_week(CARROTS, offers, [], [line(1, 6000, product=1)])

    assert sold_by_offer(plan) == {1: 3000, 2: 3000}
    assert plan.max_share_gap_pct == 0


def test_farms_sell_in_proportion_to_what_they_offered() -> None:
    offers = [Offer(1, 1, 1, 30_000, 230, 2000), Offer(2, 2, 1, 10_000, 250, 6000)]

    plan = plan_week(CARROTS, offers, [], [line(1, 12_000, product=1), line(2, 8000, product=1)])

    assert sold_by_offer(plan) == {1: 15_000, 2: 5000}
    farms = {f.farm_id: f for f in plan.farms}
    assert farms[1].sold_cents == 3450 and farms[2].sold_cents == 1250


def test_the_closer_farm_gets_the_odd_unit_on_a_tie() -> None:
    lettuce = [Product(1, "salade", "piece", 350, "vegetable")]
    offers = [Offer(1, 1, 1, 5, 120, 9000), Offer(2, 2, 1, 5, 120, 1500)]

    plan = plan_week(lettuce, offers, [], [line(1, 3, product=1)])

    assert sold_by_offer(plan) == {1: 1, 2: 2}


def test_the_latest_one_off_order_is_short_first() -> None:
    offers = [Offer(1, 1, 1, 2000, 300, 1000)]
    demand = [line(1, 1000, product=1, rank=5), line(2, 1000, product=1, rank=9),
              line(3, 1000, product=1, rank=7)]

    plan = plan_week(CARROTS, offers, [], demand)

    assert [o.served for o in plan.lines] == [1000, 0, 1000]
    assert outcome(plan, 2).reason == "outranked"
    assert outcome(plan, 2).refund_cents == 400  # 1 kg at the 4,00 € it was charged


def test_a_canteen_line_is_never_short_while_a_household_line_could_give_way() -> None:
    offers = [Offer(1, 1, 1, 10_000, 300, 1000)]
    demand = [line(1, 4000, product=1, kind="subscription", rank=1),
              line(2, 4000, product=1, rank=0),
              line(3, 6000, product=1, kind="canteen", rank=99)]

    plan = plan_week(CARROTS, offers, [], demand)

    assert outcome(plan, 3).served == 6000
    assert outcome(plan, 1).served == 4000
    assert outcome(plan, 2).served == 0


def test_a_partly_served_line_is_refunded_pro_rata() -> None:
    offers = [Offer(1, 1, 1, 1000, 300, 1000)]

    plan = plan_week(CARROTS, offers, [], [line(1, 1500, product=1, price=310)])

    short = plan.shortages[0]
    assert (short.served, short.short, short.reason) == (1000, 500, "short_supply")
    assert short.charged_cents == 465 and short.refund_cents == 155


def test_a_product_nobody_grew_is_refunded_in_full_with_its_reason() -> None:
    plan = plan_week(vegetables(2), [Offer(1, 1, 1, 5000, 300, 0)], [], [line(1, 700, product=2)])

    assert plan.shortages[0].reason == "no_supply"
    assert plan.shortages[0].refund_cents == plan.shortages[0].charged_cents == 280


def test_out_of_season_produce_a_farmer_confirmed_is_sold_by_the_unit() -> None:
    tomatoes = [Product(1, "tomate", "kg", 1000, "vegetable", in_season=False)]

    plan = plan_week(tomatoes, [Offer(1, 1, 1, 5000, 444, 0)], [], [line(1, 2000, product=1)])

    assert plan.shortages == () and sold_by_offer(plan) == {1: 2000}


def recomposition_week() -> tuple[list[Product], list[Offer], list[DemandLine]]:
    """Five subscription baskets; product 5 is wanted by a one-off order ranked after them,
    so the first composition leaves it out and fits only four baskets in products 1-4."""
    prices = {1: 300, 2: 300, 3: 600, 4: 600, 5: 400}
    offers = [Offer(pid, 1, pid, 3000, price, 1000) for pid, price in prices.items()]
    demand = [line(k, 1, fmt=SMALL.id, kind="subscription", price=1200) for k in range(1, 6)]
    return vegetables(5), offers, [*demand, line(6, 3000, product=5, rank=0)]


def test_baskets_are_recomposed_when_their_content_runs_out_before_any_is_cut() -> None:
    products, offers, demand = recomposition_week()
    first = compose_baskets(products, offers, [SMALL], demand).compositions[SMALL.id]
    assert min(3000 // item.quantity for item in first.items) < 5

    plan = plan_week(products, offers, [SMALL], demand)

    assert plan.baskets_served == {SMALL.id: 5}
    assert broken_rules(SMALL, plan.compositions[0]) == []
    assert "recomposed" in [d.code for d in plan.diagnoses]
    assert outcome(plan, 6).reason == "outranked"


def test_baskets_are_cut_latest_one_off_order_first() -> None:
    offers = [Offer(pid, 1, pid, 3000, 400, 1000) for pid in range(1, 6)]
    demand = [line(1, 2, fmt=SMALL.id, kind="subscription", rank=50, price=1200),
              line(2, 2, fmt=SMALL.id, rank=3, price=1200),
              line(3, 2, fmt=SMALL.id, rank=8, price=1200)]

    plan = plan_week(vegetables(5), offers, [SMALL], demand)

    assert plan.baskets_served[SMALL.id] == 5
    assert [o.served for o in plan.lines] == [2, 2, 1]
    assert outcome(plan, 3).reason == "basket_cut" and outcome(plan, 3).refund_cents == 1200


def test_a_hand_set_basket_is_cut_not_recomposed_when_supply_runs_out() -> None:
    offers = [Offer(pid, 1, pid, 2000, 400, 1000) for pid in range(1, 5)]
    fixed = {SMALL.id: [(pid, 750) for pid in range(1, 5)]}

    plan = plan_week(vegetables(4), offers, [SMALL], [line(1, 3, fmt=SMALL.id)], fixed=fixed)

    assert plan.baskets_served == {SMALL.id: 2}
    assert [(i.product_id, i.quantity) for i in plan.compositions[0].items] == fixed[SMALL.id]


def test_an_empty_week_is_diagnosed_and_every_line_refunded() -> None:
    demand = [line(1, 2, fmt=SMALL.id, price=1200), line(2, 500, product=1)]

    nothing = [Offer(1, 1, 1, 0, 300, 1000)]

    plan = plan_week(vegetables(3), nothing, [SMALL], demand)

    assert {o.reason for o in plan.lines} == {"no_composition", "no_supply"}
    assert sum(o.refund_cents for o in plan.lines) == 2400 + 200
    assert "no_supply" in [d.code for d in plan.diagnoses]


def test_unknown_products_in_an_order_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="unknown product 9"):
        plan_week(CARROTS, [], [], [line(1, 100, product=9)])


def test_split_fairly_never_sells_more_than_offered() -> None:
    offers = [Offer(1, 1, 1, 7, 100, 0), Offer(2, 2, 1, 3, 100, 0)]

    assert split_fairly(offers, 10) == {1: 7, 2: 3}
    with pytest.raises(ValueError):
        split_fairly(offers, 11)


def test_a_rerun_gives_the_same_plan() -> None:
    products, offers, demand = recomposition_week()

    assert plan_week(products, offers, [SMALL], demand) == plan_week(products, offers, [SMALL],
                                                                      demand)


def charged(line: DemandLine, products: dict[int, Product]) -> int:
    if line.product_id is None:
        return line.quantity * line.unit_price_cents
    return value_cents(line.quantity, line.unit_price_cents, products[line.product_id].unit)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weeks())
def test_random_weeks_keep_stock_money_and_priority_invariants(week: tuple) -> None:
    products, offers, formats, demand = week
    by_id = {p.id: p for p in products}

    plan = plan_week(products, offers, formats, demand)

    assert_no_offer_exceeded(plan, offers)
    assert_every_quantity_served_or_short(plan, demand)
    for outcome_ in plan.lines:
        source = next(d for d in demand if d.id == outcome_.demand_line_id)
        assert outcome_.charged_cents == charged(source, by_id)
        assert outcome_.served_cents + outcome_.refund_cents == outcome_.charged_cents
        assert (outcome_.reason is None) == (outcome_.short == 0)
    assert_priority_respected(plan, demand)
    assert_fair_split(plan, offers)
    for composition in plan.compositions:
        fmt = next(f for f in formats if f.id == composition.format_id)
        assert broken_rules(fmt, composition) == []


def assert_no_offer_exceeded(plan: WeekPlan, offers: list[Offer]) -> None:
    drawn: dict[int, int] = defaultdict(int)
    for allocation in plan.allocations:
        drawn[allocation.offer_id] += allocation.quantity
    for supply in plan.basket_supplies:
        drawn[supply.offer_id] += supply.quantity
    for offer in offers:
        assert drawn[offer.id] == sold_by_offer(plan)[offer.id] <= offer.quantity


def assert_every_quantity_served_or_short(plan: WeekPlan, demand: list[DemandLine]) -> None:
    allocated: dict[int, int] = defaultdict(int)
    for allocation in plan.allocations:
        allocated[allocation.demand_line_id] += allocation.quantity
    baskets: dict[int, int] = defaultdict(int)
    for source, result in zip(demand, plan.lines, strict=True):
        assert result.demand_line_id == source.id
        assert result.served + result.short == source.quantity and result.short >= 0
        if source.product_id is not None:
            assert allocated[source.id] == result.served
        else:
            baskets[source.format_id or 0] += result.served
    packed: dict[tuple[int, int], int] = defaultdict(int)
    for supply in plan.basket_supplies:
        packed[supply.format_id, supply.product_id] += supply.quantity
    for composition in plan.compositions:
        assert plan.baskets_served[composition.format_id] == baskets[composition.format_id]
        for item in composition.items:
            assert packed[composition.format_id, item.product_id] == (
                baskets[composition.format_id] * item.quantity)


def assert_priority_respected(plan: WeekPlan, demand: list[DemandLine]) -> None:
    """Once a line is short, no line ranked after it for the same thing gets any."""
    served = {o.demand_line_id: o for o in plan.lines}
    short_seen: set[tuple[str, int | None]] = set()
    for source in sorted(demand, key=lambda d: d.priority):
        key = ("product", source.product_id) if source.product_id else ("format", source.format_id)
        if key in short_seen:
            assert served[source.id].served == 0 or source.quantity == 0
        if served[source.id].short > 0:
            short_seen.add(key)


def assert_fair_split(plan: WeekPlan, offers: list[Offer]) -> None:
    sold = sold_by_offer(plan)
    for product_id in {o.product_id for o in offers}:
        group = [o for o in offers if o.product_id == product_id]
        total_offered = sum(o.quantity for o in group)
        total_sold = sum(sold[o.id] for o in group)
        for offer in group:
            fair = total_sold * offer.quantity / total_offered if total_offered else 0
            assert abs(sold[offer.id] - fair) < 1


def test_a_format_nobody_ordered_is_still_composed_for_display() -> None:
    offers = [Offer(pid, 1, pid, 9000, 400, 1000) for pid in range(1, 6)]
    large = BasketFormat(3, "large", 2400, 6000, 6)

    plan = plan_week(vegetables(5), offers, [SMALL, large], [])

    assert [c.format_id for c in plan.compositions] == [SMALL.id]
    assert [d.code for d in plan.diagnoses] == ["too_few_products"]
