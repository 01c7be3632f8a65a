"""Basket composition: what households find in their basket, and why when it cannot be made."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from paniers.allocation.optimiser.composition import compose_baskets, reference_prices
from paniers.allocation.optimiser.composition_diagnosis import broken_rules
from paniers.allocation.optimiser.week import BasketFormat, Offer, Product

from .builders import MEDIUM, SMALL, line, vegetables, weeks

SEASON = vegetables(6)
PRICES = {1: 240, 2: 230, 3: 310, 4: 450, 5: 600, 6: 1200}


def farm_offers(supply_g: dict[int, int], prices: dict[int, int] = PRICES) -> list[Offer]:
    return [Offer(pid, 1, pid, grams, prices[pid], 3000) for pid, grams in supply_g.items()]


PLENTY = farm_offers({pid: 100_000 for pid in PRICES})


def test_baskets_meet_their_price_weight_variety_and_share_rules() -> None:
    plan = compose_baskets(SEASON, PLENTY, [SMALL, MEDIUM])

    for fmt in (SMALL, MEDIUM):
        composition = plan.compositions[fmt.id]
        assert composition.within_tolerance
        assert broken_rules(fmt, composition) == []
        assert 1140 <= composition.value_cents <= 1260 if fmt is SMALL else True
        assert len(composition.items) >= fmt.min_products
    assert plan.diagnoses == ()


def test_every_household_of_a_format_gets_weights_in_steps_of_50_g() -> None:
    plan = compose_baskets(SEASON, PLENTY, [SMALL])

    assert all(item.quantity % 50 == 0 for item in plan.compositions[SMALL.id].items)


def test_out_of_season_products_never_go_in_baskets() -> None:
    greenhouse = [Product(7, "tomato", "kg", 1000, "vegetable", in_season=False)]
    offers = [*PLENTY, Offer(7, 2, 7, 500_000, 250, 1000)]

    plan = compose_baskets(SEASON + greenhouse, offers, [SMALL, MEDIUM])

    assert all(item.product_id != 7 for c in plan.compositions.values() for item in c.items)


def test_baskets_hold_vegetables_and_fruit_not_dairy_by_default() -> None:
    cheese = [Product(7, "fromage blanc", "kg", 1000, "dairy")]
    offers = [*PLENTY, Offer(7, 2, 7, 500_000, 600, 1000)]

    plan = compose_baskets(SEASON + cheese, offers, [SMALL])

    assert 7 not in {item.product_id for item in plan.compositions[SMALL.id].items}


def test_plentiful_products_weigh_more_than_scarce_ones_at_the_same_price() -> None:
    same_price = dict.fromkeys(PRICES, 400)
    offers = farm_offers({1: 400_000, 2: 400_000, 3: 400_000, 4: 400_000, 5: 30_000},
                         same_price)
    demand = [line(1, 100, fmt=SMALL.id, kind="subscription")]

    items = {i.product_id: i.quantity for i in
             compose_baskets(vegetables(5), offers, [SMALL], demand).compositions[1].items}

    assert items.get(5, 0) * 100 <= 30_000
    assert items.get(5, 0) < min(items.get(pid, 0) for pid in (1, 2, 3, 4))


def test_produce_ordered_by_the_unit_is_left_to_its_buyers_when_possible() -> None:
    offers = farm_offers({pid: 20_000 for pid in PRICES})
    demand = [line(1, 10, fmt=SMALL.id), line(2, 20_000, product=6, price=1200)]

    plan = compose_baskets(SEASON, offers, [SMALL], demand)

    assert plan.compositions[SMALL.id].quantity_of(6) == 0


def test_a_product_offered_at_several_prices_is_valued_at_the_quantity_weighted_mean() -> None:
    offers = [Offer(1, 1, 1, 10_000, 300, 1000), Offer(2, 2, 1, 30_000, 400, 2000)]

    assert reference_prices(offers) == {1: 375}


def test_a_hand_set_basket_is_kept_and_flagged_when_it_breaks_the_rules() -> None:
    contents = {SMALL.id: [(1, 1000), (2, 1000)]}

    composition = compose_baskets(SEASON, PLENTY, [SMALL], fixed=contents).compositions[SMALL.id]
    plan = compose_baskets(SEASON, PLENTY, [SMALL], fixed=contents)

    assert [(i.product_id, i.quantity) for i in composition.items] == [(1, 1000), (2, 1000)]
    assert composition.fixed and not composition.within_tolerance
    assert [d.code for d in plan.diagnoses] == ["fixed_out_of_tolerance"]


def test_a_hand_set_basket_cannot_hold_an_out_of_season_product() -> None:
    products = [*SEASON, Product(7, "tomato", "kg", 1000, "vegetable", in_season=False)]

    with pytest.raises(ValueError, match="out of season"):
        compose_baskets(products, PLENTY, [SMALL], fixed={SMALL.id: [(7, 500)]})


def test_no_supply_is_diagnosed_not_raised() -> None:
    plan = compose_baskets(SEASON, [], [SMALL])

    assert plan.compositions == {}
    assert [d.code for d in plan.diagnoses] == ["no_supply"]


def test_one_product_in_season_is_diagnosed_with_what_the_format_needs() -> None:
    plan = compose_baskets(vegetables(1), farm_offers({1: 50_000}), [SMALL])

    assert plan.compositions == {}
    assert plan.diagnoses[0].code == "too_few_products"
    assert plan.diagnoses[0].message == "Only 1 product in season: small baskets need at least 4."


def test_prices_too_low_to_reach_the_basket_price_are_diagnosed() -> None:
    cheap = farm_offers({pid: 50_000 for pid in range(1, 7)}, dict.fromkeys(PRICES, 100))

    plan = compose_baskets(SEASON, cheap, [SMALL])

    assert plan.diagnoses[0].code == "price_unreachable"
    assert plan.diagnoses[0].message.startswith("Prices cannot reach 12,00 € within ±5 %")


def test_prices_too_high_for_the_basket_are_diagnosed() -> None:
    dear = farm_offers({pid: 50_000 for pid in range(1, 7)}, dict.fromkeys(PRICES, 2500))

    plan = compose_baskets(SEASON, dear, [SMALL])

    assert plan.diagnoses[0].code == "price_unreachable"
    assert "cannot come down to 12,00 €" in plan.diagnoses[0].message


def test_the_same_week_always_gets_the_same_baskets() -> None:
    demand = [line(1, 40, fmt=SMALL.id), line(2, 25, fmt=MEDIUM.id)]

    first = compose_baskets(SEASON, PLENTY, [SMALL, MEDIUM], demand)
    again = compose_baskets(SEASON, PLENTY, [SMALL, MEDIUM], demand)

    assert first == again


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weeks())
def test_random_weeks_get_rule_abiding_baskets_or_a_diagnosis(week: tuple) -> None:
    products, offers, formats, demand = week
    by_id = {p.id: p for p in products}
    supplied = {o.product_id for o in offers if o.quantity > 0}

    plan = compose_baskets(products, offers, formats, demand)

    for fmt in formats:
        composition = plan.compositions.get(fmt.id)
        if composition is None:
            assert any(d.format_id == fmt.id for d in plan.diagnoses)
            continue
        assert broken_rules(fmt, composition) == [] and composition.within_tolerance
        for item in composition.items:
            product = by_id[item.product_id]
            assert product.in_season and item.product_id in supplied
            assert product.category in fmt.categories


def test_a_format_must_allow_enough_products_for_its_share_rule() -> None:
    fmt = BasketFormat(9, "tiny", 600, 1500, 1, max_share_pct=40)
    plan = compose_baskets(vegetables(2), farm_offers({1: 9000, 2: 9000}), [fmt])

    assert plan.diagnoses[0].code == "too_few_products"
    assert "need at least 3" in plan.diagnoses[0].message
