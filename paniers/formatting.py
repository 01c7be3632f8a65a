"""How amounts, quantities and dates read in the interface (French first)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from flask import Flask
from flask_babel import format_date, format_datetime, format_time, get_locale, ngettext
from flask_babel import gettext as _

from paniers.money import from_base_amount
from producers.units import Unit


def money(cents: int | None) -> str:
    """``1250`` -> ``12,50 €`` in French, ``€12.50`` in English."""
    return format_currency(Decimal(cents or 0) / 100, "EUR", locale=str(get_locale()))


def amount(quantity: int, unit: str) -> str:
    """A base amount in sale units: ``2500, kg`` -> ``2,5 kg``; ``3, bunch`` -> ``3 bottes``."""
    value = from_base_amount(quantity, unit)
    number = format_decimal(value, locale=str(get_locale()))
    return f"{number} {unit_label(unit, int(value) if value == int(value) else 2)}"


def unit_label(unit: str, count: int = 1) -> str:
    labels = {
        Unit.KG: lambda n: "kg",
        Unit.LITRE: lambda n: ngettext("litre", "litres", n),
        Unit.PIECE: lambda n: ngettext("pièce", "pièces", n),
        Unit.BUNCH: lambda n: ngettext("botte", "bottes", n),
        Unit.DOZEN: lambda n: ngettext("douzaine", "douzaines", n),
    }
    return labels[Unit(unit)](count)


def long_date(value: date | None) -> str:
    return format_date(value, "full") if value else ""


def short_date(value: date | None) -> str:
    """``03/12/2026`` in French, ``12/3/26`` in English."""
    return format_date(value, "short") if value else ""


def short_datetime(value: datetime | None) -> str:
    return format_datetime(value, "short") if value else ""


def decimal(value: float, digits: int = 1) -> str:
    """``12.5`` -> ``12,5`` in French, ``12.5`` in English."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=str(get_locale()))


def kilograms(grams: int, digits: int = 1) -> str:
    return f"{decimal(grams / 1000, digits)} kg"


def kilometres(metres: int) -> str:
    return f"{decimal(metres / 1000, 1)} km"


def crates(count: int) -> str:
    return ngettext("%(num)d caisse", "%(num)d caisses", count)


def duration(seconds: int) -> str:
    """``5400`` -> ``1 h 30`` in French, ``1 h 30 min`` in English; under an hour, minutes."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)d min", minutes=minutes)
    return _("%(hours)d h %(minutes)02d", hours=minutes // 60, minutes=minutes % 60)


def short_time(value: datetime | None) -> str:
    return format_time(value, "short") if value else ""


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, amount=amount, unit_label=unit_label,
        long_date=long_date, short_date=short_date, short_datetime=short_datetime,
        short_time=short_time,
        decimal=decimal, kg=kilograms, km=kilometres, crates=crates, duration=duration,
    )
    app.jinja_env.globals["get_locale"] = get_locale
