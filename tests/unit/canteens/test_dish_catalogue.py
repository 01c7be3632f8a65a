"""The demo dish catalogue and the rules that count its dishes."""

from __future__ import annotations

from collections import Counter

import pytest

from canteens.menu_planner.catalogue import load_demo_catalogue, parse_months
from canteens.menu_planner.rules import SCHOOL_RULES


@pytest.fixture(scope="module")
def catalogue():
    return load_demo_catalogue()


def test_every_course_has_dishes_and_every_ingredient_is_known(catalogue) -> None:
    courses = Counter(d.course for d in catalogue.dishes)
    assert set(courses) == {"starter", "main", "side", "dairy", "dessert"}
    assert len(catalogue.dishes) >= 40
    for dish in catalogue.dishes:
        assert all(i.product in catalogue.products for i in dish.ingredients)


def test_mains_cover_fish_red_meat_and_vegetarian(catalogue) -> None:
    mains = [d for d in catalogue.dishes if d.course == "main"]
    assert sum("fish" in d.attributes for d in mains) >= 4
    assert sum("red_meat_unminced" in d.attributes for d in mains) >= 4
    assert sum(d.vegetarian for d in mains) >= 4


def test_the_regions_suppliers_make_meat_fish_and_cheese_local_and_the_rest_is_not(
    catalogue,
) -> None:
    for name in ("Colin", "Boeuf", "Poulet", "Maroilles", "Mimolette", "Pâtes", "Lentilles"):
        assert catalogue.products[name].local, name
    for name in ("Riz", "Banane", "Kiwi", "Emmental", "Morue"):
        assert catalogue.products[name].origin == "not_local", name
    assert catalogue.products["Carotte"].local
    assert catalogue.products["Carotte"].months == parse_months("7-12;1-3")


def test_rules_scale_pro_rata_in_the_canteens_favour() -> None:
    rules = {rule.name: rule for rule in SCHOOL_RULES}
    assert rules["raw_vegetable_or_fruit"].bound(20) == 10
    assert rules["fish"].bound(7) == 1  # 1.4 rounded down
    assert rules["fried"].bound(8) == 2  # 1.6 rounded up
    assert rules["raw_fruit_dessert"].bound(40) == 16
