"""Units in which produce is sold, and how quantities are counted.

Every quantity in Paniers is an integer in the product's *base amount*:
grams for produce sold by the kilogram, millilitres for produce sold by the
litre, and a count for pieces, bunches and dozens. Prices are integer cents per
*sale unit* (per kg, per litre, per piece, per bunch, per dozen).
"""

from __future__ import annotations

from enum import StrEnum


class Unit(StrEnum):
    KG = "kg"
    PIECE = "piece"
    BUNCH = "bunch"
    DOZEN = "dozen"
    LITRE = "litre"


def base_per_unit(unit: Unit | str) -> int:
    """How many base amounts make one sale unit (1000 g in a kg, 1 piece in a piece)."""
    return 1000 if Unit(unit) in (Unit.KG, Unit.LITRE) else 1


def value_cents(quantity: int, price_cents: int, unit: Unit | str) -> int:
    """Value of ``quantity`` base amounts at ``price_cents`` per sale unit, rounded half up."""
    per = base_per_unit(unit)
    return (quantity * price_cents * 2 + per) // (2 * per)


def weight_g(quantity: int, unit_weight_g: int, unit: Unit | str) -> int:
    """Weight in grams of ``quantity`` base amounts, one sale unit weighing ``unit_weight_g``."""
    return quantity * unit_weight_g // base_per_unit(unit)
