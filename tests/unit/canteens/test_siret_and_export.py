"""The SIRET's check key and the ma cantine file's number formats, without a database."""

from __future__ import annotations

import pytest

from canteens.forms import luhn_ok
from canteens.macantine import family, price_excluding_vat


@pytest.mark.parametrize("siret", ["21620517600011", "73282932000074",
                                   "35600000000047"])  # La Poste: digits add up to 25
def test_sirets_with_a_right_key_pass(siret):
    assert luhn_ok(siret)


@pytest.mark.parametrize("siret", ["21620517600012", "73282932000075", "35600000000049"])
def test_a_mistyped_digit_breaks_the_key(siret):
    assert not luhn_ok(siret)


def test_prices_exclude_the_food_vat_and_use_a_point():
    assert price_excluding_vat(1055) == "10.00"
    assert price_excluding_vat(100) == "0.95"
    assert price_excluding_vat(0) == "0.00"


def test_charcuterie_is_told_apart_from_fresh_meat():
    assert family("Pâté de campagne", "meat") == "CHARCUTERIE"
    assert family("Boeuf haché", "meat") == "VIANDES_VOLAILLES"
    assert family("Œufs", "egg") == "AUTRES"
    assert family("Pain", "bakery") == "BOULANGERIE"
