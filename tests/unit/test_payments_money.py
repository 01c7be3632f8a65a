"""The money rules of payments that need no database: solidarity splits and statements."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paniers.payments.solidarity import (
    LinePrice,
    fund_share_cents,
    household_unit_cents,
    split_refund,
)
from paniers.payments.statements import OfferPrice, farm_statements, pro_rata_allocations


def basket_line(quantity: int, price: int) -> LinePrice:
    return LinePrice(1, True, quantity, price, quantity * price)


def test_a_household_pays_thirty_percent_of_a_basket_rounded_to_the_cent():
    assert household_unit_cents(1200, 30) == 360
    assert household_unit_cents(1850, 30) == 555
    assert fund_share_cents(basket_line(2, 1200), 30) == 1680
    assert fund_share_cents(LinePrice(1, False, 2500, 240, 600), 30) == 0  # produce: full price


@given(st.integers(1, 10), st.integers(1, 10_000), st.integers(0, 100), st.data())
def test_a_refund_splits_between_household_and_fund_without_losing_a_cent(
        quantity, price, pct, data):
    line = basket_line(quantity, price)
    refund = data.draw(st.integers(0, line.total_cents))
    to_household, to_fund = split_refund(refund, line, pct)
    assert to_household + to_fund == refund
    assert 0 <= to_fund <= fund_share_cents(line, pct)


def offers() -> list[OfferPrice]:
    return [OfferPrice(1, 10, "Ferme A", 100, "Pomme de terre", "kg", 30_000, 200),
            OfferPrice(2, 20, "Ferme B", 100, "Pomme de terre", "kg", 10_000, 220),
            OfferPrice(3, 20, "Ferme B", 200, "Œufs", "dozen", 10, 450)]


def test_a_farm_is_owed_what_was_allocated_from_it_at_its_price():
    statements = farm_statements(offers(), [(1, 2500), (1, 500), (2, 1000), (3, 2)])
    owed = {s.farm_name: s.owed_cents for s in statements}
    assert owed == {"Ferme A": 600, "Ferme B": 220 + 900}
    with pytest.raises(ValueError):
        farm_statements(offers(), [(99, 1)])


def test_before_allocation_sales_split_across_farms_pro_rata_of_what_they_declared():
    rows = dict(pro_rata_allocations(offers(), {100: 4001, 200: 3}))
    assert rows[1] + rows[2] == 4001 and rows[1] == 3001 and rows[2] == 1000
    assert rows[3] == 3
