"""Amounts as people type them, and quantities in base amounts."""

from __future__ import annotations

import pytest

from paniers.demo.data import window_minutes
from paniers.money import to_base_amount, to_cents
from producers.models import parse_months
from producers.units import value_cents, weight_g


@pytest.mark.parametrize("text,cents", [
    ("12", 1200), ("12,5", 1250), ("12.50", 1250), ("1 200,00", 120000), ("2,40 €", 240),
    ("1,200.50", 120050), ("1.200,50", 120050),
])
def test_prices_typed_in_euros_become_cents(text, cents):
    assert to_cents(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1,234", "NaN", "inf", "12,5,0"])
def test_unreadable_prices_are_refused(text):
    with pytest.raises(ValueError):
        to_cents(text)


def test_quantities_become_base_amounts_per_unit():
    assert to_base_amount("2,5", "kg") == 2500
    assert to_base_amount("0,75", "litre") == 750
    assert to_base_amount("3", "bunch") == 3
    with pytest.raises(ValueError):
        to_base_amount("1,5", "dozen")  # half a dozen eggs is not sold
    with pytest.raises(ValueError):
        to_base_amount("0,0005", "kg")  # half a gram


def test_value_and_weight_of_an_amount():
    assert value_cents(2500, 240, "kg") == 600  # 2,5 kg at 2,40 €/kg
    assert value_cents(333, 100, "kg") == 33  # rounded to the cent
    assert value_cents(3, 160, "bunch") == 480
    assert weight_g(2500, 1000, "kg") == 2500
    assert weight_g(2, 800, "piece") == 1600  # two cauliflowers


def test_months_of_local_availability_wrap_over_the_new_year():
    assert parse_months("9-12;1-3") == {9, 10, 11, 12, 1, 2, 3}
    assert parse_months("1-12") == set(range(1, 13))
    assert parse_months("5-6;9-12;1-3") == {5, 6, 9, 10, 11, 12, 1, 2, 3}
    with pytest.raises(ValueError):
        parse_months("0-13")


def test_windows_of_the_demo_data_are_minutes_after_midnight():
    assert window_minutes("Fri 16:30-19:00") == (990, 1140)
    assert window_minutes("") is None
