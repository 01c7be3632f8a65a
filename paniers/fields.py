"""Form fields for the numbers people type: a quantity in a product's sale unit (``2,5``
kg) held as its base amount (2500 g), and money (``12,50 €``) held as cents (1250).

Both read French and English writing (``2,5``, ``2.5``, ``1 200``), refuse what they
cannot read with a message beside the field (never an exception), and show their value
back in the reader's language (``2,5`` in French, ``2.5`` in English).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList
from wtforms.utils import unset_value
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from paniers.formatting import unit_label
from paniers.formids import as_id
from paniers.money import from_base_amount, parse_decimal
from producers.units import Unit, base_per_unit

# The catalogue holds a few dozen products and a handful of basket formats: a form shows
# at most one row per product (or format), and refuses a post with more rows than these.
MAX_PRODUCT_ROWS = 200
MAX_FORMAT_ROWS = 12

# The largest amounts a form takes, unless it names its own: a thousand tonnes (or a
# million pieces) of a product, and a million euros. Both keep the base amounts and cents
# inside the database's 32-bit integers; services check the realistic bounds of their own.
MAX_QUANTITY_UNITS = 1_000_000
MAX_MONEY_CENTS = 1_000_000 * 100
_MAX_TYPED = 100  # characters: more is no number a person types

# A number, then perhaps a word: "2,5", "1 200", "2.5kg", "3 pièces", "12 €".
_TYPED = re.compile(r"\s*([-+]?[\d\s.,]*\d)\s*([^\d\s.,+-].*?)?\s*")

# The words a person may add after a quantity, and how many base amounts one of them is.
_UNIT_WORDS: dict[Unit, dict[str, int]] = {
    Unit.KG: {"kg": 1000, "kgs": 1000, "kilo": 1000, "kilos": 1000, "g": 1, "gr": 1},
    Unit.LITRE: {"l": 1000, "litre": 1000, "litres": 1000, "liter": 1000, "liters": 1000,
                 "cl": 10, "ml": 1},
    Unit.PIECE: {"pièce": 1, "pièces": 1, "piece": 1, "pieces": 1, "pc": 1, "pcs": 1},
    Unit.BUNCH: {"botte": 1, "bottes": 1, "bunch": 1, "bunches": 1},
    Unit.DOZEN: {"douzaine": 1, "douzaines": 1, "dozen": 1, "dozens": 1, "dz": 1},
}
_CURRENCY_WORDS = {"€", "eur", "euro", "euros"}


def _locale() -> str:
    return str(get_locale() or "fr")


def _split(text: str) -> tuple[Decimal, str] | None:
    """``"2,5 kg"`` -> ``(Decimal("2.5"), "kg")``; None when no number can be read."""
    if len(text) > _MAX_TYPED:
        return None
    typed = _TYPED.fullmatch(text)
    if typed is None:
        return None
    try:
        number = parse_decimal(typed.group(1))
    except ValueError:
        return None
    return number, (typed.group(2) or "").rstrip(".").lower()


def _unreadable_quantity() -> str:
    return _("Quantité illisible : tapez un nombre, par exemple 2,5.")


def _too_precise(unit: Unit) -> str:
    if unit == Unit.KG:
        return _("Trop de décimales : la quantité se compte au gramme près.")
    if unit == Unit.LITRE:
        return _("Trop de décimales : la quantité se compte au millilitre près.")
    return _("Nombre entier attendu : ce produit se vend à la %(unit)s.",
             unit=unit_label(unit, 1))


class QuantityField(Field):
    """A quantity typed in the product's sale unit; ``data`` is the integer base amount
    (grams for kg, millilitres for litre, a count otherwise), or None when left blank.

    The unit is the product's: give it as ``unit=`` or set ``field.unit`` before the form
    is validated (a row's product is known once its hidden id is read, see
    ``bind_units``). Typed text becomes ``data`` when the form is validated; a quantity
    typed where no unit was given is refused with ``no_unit_message``.
    """

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, *,
                 unit: Unit | str | None = None, no_unit_message: Any = None,
                 max_units: int = MAX_QUANTITY_UNITS, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.unit = unit
        self.max_units = max_units
        self.no_unit_message = no_unit_message or _l("Produit inconnu.")
        self.typed: tuple[Decimal, str] | None = None

    def process_data(self, value: Any) -> None:
        self.data = None if value in (None, "", unset_value) else int(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data, self.typed = None, None
        text = str(valuelist[0])
        if not text.strip():
            return
        typed = _split(text)
        if typed is None:
            raise ValueError(_unreadable_quantity())
        if typed[0] < 0:
            raise ValueError(_("La quantité ne peut pas être négative."))
        self.typed = typed

    def pre_validate(self, form: Any) -> None:
        if self.typed is None or self.process_errors:
            return
        if self.unit is None:
            raise ValidationError(str(self.no_unit_message))
        unit = Unit(self.unit)
        number, word = self.typed
        if word and word not in _UNIT_WORDS[unit]:
            raise ValidationError(_("Unité inattendue : ce produit se compte en %(unit)s.",
                                    unit=unit_label(unit, 2)))
        amount = number * _UNIT_WORDS[unit].get(word, base_per_unit(unit))
        if amount > self.max_units * base_per_unit(unit):
            raise ValidationError(_("Quantité trop grande : au plus %(max)s %(unit)s.",
                                    max=format_decimal(self.max_units, locale=_locale()),
                                    unit=unit_label(unit, self.max_units)))
        if amount != amount.to_integral_value():
            raise ValidationError(_too_precise(unit))
        self.data = int(amount)

    def _value(self) -> str:
        if self.data is not None:
            if self.unit is None:
                raise LookupError(f"the quantity {self.name} is shown before its unit is set")
            shown = from_base_amount(self.data, self.unit)
            return format_decimal(shown, format="0.###", locale=_locale())
        return str(self.raw_data[0]) if self.raw_data else ""


class MoneyField(Field):
    """An amount typed in euros (``12,50``, ``12.5``, ``12 €``); ``data`` is integer
    cents, or None when left blank."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, *,
                 max_cents: int = MAX_MONEY_CENTS, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.max_cents = max_cents

    def process_data(self, value: Any) -> None:
        self.data = None if value in (None, "", unset_value) else int(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = None
        text = str(valuelist[0]).strip()
        if not text:
            return
        typed = _split(text.removeprefix("€"))
        if typed is None or typed[1] not in _CURRENCY_WORDS | {""}:
            raise ValueError(_("Montant illisible : tapez un nombre d'euros, par exemple 12,50."))
        euros = typed[0]
        if euros < 0:
            raise ValueError(_("Le montant ne peut pas être négatif."))
        cents = euros * 100
        if cents > self.max_cents:
            raise ValueError(_("Montant trop élevé : au plus %(max)s €.",
                               max=format_decimal(self.max_cents // 100, locale=_locale())))
        if cents != cents.to_integral_value():
            raise ValueError(_("Au plus deux décimales : un montant se compte en centimes."))
        self.data = int(cents)

    def _value(self) -> str:
        if self.data is not None:
            return format_decimal(Decimal(self.data) / 100, format="0.00", locale=_locale())
        return str(self.raw_data[0]) if self.raw_data else ""


class RowList(FieldList):
    """A ``FieldList`` bounded by ``max_entries`` that refuses a post with more rows, with
    a message for the whole form, where WTForms would silently keep the first ones."""

    def __init__(self, unbound_field: Any, label: Any = None, validators: Any = None, *,
                 max_entries: int, **kwargs: Any) -> None:
        super().__init__(unbound_field, label, validators, max_entries=max_entries, **kwargs)
        self.too_many = False

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.too_many = bool(formdata) and len(
            set(self._extract_indices(self.name, formdata))) > self.max_entries
        super().process(formdata, data, extra_filters)

    def validate(self, form: Any, extra_validators: Any = ()) -> bool:
        if not self.too_many:
            return super().validate(form, extra_validators)
        message = _("Trop de lignes envoyées : ce formulaire en compte au plus %(n)d.",
                    n=self.max_entries)
        self.errors = [message]
        form.form_errors.append(message)
        return False


def bind_units(rows: FieldList, units: Mapping[int, Unit | str]) -> None:
    """Give the ``quantity`` of each row the unit of the product its hidden ``product_id``
    names. A row whose id is none of ``units`` (changed by hand, or a product no longer
    offered) gets no unit, and a quantity typed there is refused."""
    for row in rows:
        row.form.quantity.unit = units.get(as_id(row.form.product_id.data))


class ProductRowsForm(FlaskForm):
    """A form whose rows (the FieldList named ``rows_name``) are products, each a hidden
    ``product_id`` and a ``quantity``.

    Pages show again only the rows of products they know: the refusal of a row whose id
    was changed, like that of an expired form, is said for the whole form
    (``form_errors``)."""

    rows_name = "products"

    @property
    def rows(self) -> FieldList:
        return self._fields[self.rows_name]

    def bind_units(self, units: Mapping[int, Unit | str]) -> None:
        bind_units(self.rows, units)

    def typed_ids(self) -> set[int]:
        """The products whose quantity holds something, before validation."""
        return {as_id(row.form.product_id.data) for row in self.rows
                if row.form.quantity.raw_data and str(row.form.quantity.raw_data[0]).strip()}

    def quantities(self) -> dict[int, int]:
        """Base amounts asked per product id (blank and zero rows left out); once valid."""
        return {as_id(row.form.product_id.data): row.form.quantity.data for row in self.rows
                if row.form.quantity.data}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        unshown = [str(error) for row in self.rows if row.form.quantity.unit is None
                   for error in row.form.quantity.errors]
        if "csrf_token" in self and self["csrf_token"].errors:
            unshown.insert(0, _("Le formulaire a expiré, réessayez."))
        self.form_errors.extend(dict.fromkeys(unshown))
        return valid
