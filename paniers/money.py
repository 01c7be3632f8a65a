"""Parsing and showing amounts as people type and read them (12,50 €; 2,5 kg)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from producers.units import Unit, base_per_unit

# Amounts people type have a few digits: a number beyond these is a mistake or a probe,
# and Decimal arithmetic on it would overflow (``1e999999 * 100``).
MAX_TYPED_CHARS = 40
MAX_MAGNITUDE = 15  # at most 10**15 before the decimal mark
MIN_EXPONENT = -15  # at most 15 decimals


def parse_decimal(text: str) -> Decimal:
    """Accept ``12,5``, ``12.5``, ``1 200,00`` and ``1,200.50``; raise ValueError otherwise.

    A comma alone is the French decimal comma; with both marks, the last one is the
    decimal mark and the other groups the thousands."""
    if len(text) > MAX_TYPED_CHARS * 2:
        raise ValueError(text[:MAX_TYPED_CHARS])
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.replace("€", "")
    if "," in cleaned and "." in cleaned:
        grouping = "," if cleaned.rindex(".") > cleaned.rindex(",") else "."
        cleaned = cleaned.replace(grouping, "")
    cleaned = cleaned.replace(",", ".")
    if len(cleaned) > MAX_TYPED_CHARS or not cleaned.isascii():
        raise ValueError(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite() or not MIN_EXPONENT <= int(value.as_tuple().exponent) \
            or value.adjusted() >= MAX_MAGNITUDE:
        raise ValueError(text)
    return value


def to_cents(text: str) -> int:
    """Euros typed by a person to integer cents; more than two decimals is refused."""
    value = parse_decimal(text) * 100
    if value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


def to_base_amount(text: str, unit: Unit | str) -> int:
    """A quantity in sale units (``2,5`` kg) to the base amount (2500 g)."""
    value = parse_decimal(text) * base_per_unit(unit)
    if value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


def from_base_amount(quantity: int, unit: Unit | str) -> Decimal:
    return Decimal(quantity) / base_per_unit(unit)
