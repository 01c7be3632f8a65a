"""The canteen manager's forms: forecast, planning, a meal, a dish."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from paniers.cleantext import CleanForm
from paniers.fields import RowList
from paniers.formids import as_id

DAYS_PER_WEEK = 7  # a forecast has one row per service day of a week
MAX_INGREDIENTS = 20  # a dish of the catalogue has at most 5
MEALS = [NumberRange(min=0, max=2000, message=_l("entre 0 et 2000 repas"))]


def iso_day(text: object) -> date | None:
    """The day a hidden field names (``2026-03-02``), or None if it was changed into none."""
    try:
        return date.fromisoformat(str(text or ""))
    except ValueError:
        return None


class DayForm(Form):
    day = HiddenField()
    nursery = IntegerField(_l("Maternelle"), validators=[Optional(), *MEALS])
    elementary = IntegerField(_l("Élémentaire"), validators=[Optional(), *MEALS])
    adult = IntegerField(_l("Adultes"), validators=[Optional(), *MEALS])

    def validate_day(self, field: Any) -> None:
        if iso_day(field.data) is None:
            raise ValidationError(_l("Date illisible."))


class ForecastForm(FlaskForm):
    days = RowList(FormField(DayForm), max_entries=DAYS_PER_WEEK)


HORIZONS = [("meals-20", _l("Les 20 prochains repas"))] + [
    (f"weeks-{n}", lazy_ngettext("%(num)d semaine", "%(num)d semaines", n)) for n in range(1, 7)
]


class PlanForm(FlaskForm):
    first_day = DateField(_l("À partir du"), validators=[DataRequired(_l("date illisible"))])
    horizon = SelectField(_l("Durée"), choices=HORIZONS, default="meals-20")

    def amount(self) -> tuple[int | None, int | None]:
        """(meals, weeks) to plan: one of them is set."""
        kind, _sep, count = str(self.horizon.data).partition("-")
        return (int(count), None) if kind == "meals" else (None, int(count))


class MealForm(FlaskForm):
    starter = SelectField(_l("Entrée"), coerce=as_id)
    main = SelectField(_l("Plat"), coerce=as_id)
    side = SelectField(_l("Garniture"), coerce=as_id)
    dairy = SelectField(_l("Produit laitier"), coerce=as_id)
    dessert = SelectField(_l("Dessert"), coerce=as_id)


class IngredientForm(Form):
    name = SelectField(_l("Ingrédient"), validate_choice=False)
    grams = IntegerField(_l("Grammes par enfant"), validators=[
        Optional(), NumberRange(min=1, max=1000, message=_l("de 1 à 1000 g"))])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DishForm(CleanForm):
    name = StringField(_l("Nom du plat"), validators=[DataRequired(_l("donnez un nom")),
                                                      Length(max=120)])
    course = SelectField(_l("Composante"))
    attributes = MultiCheckboxField(_l("Caractéristiques"))
    active = BooleanField(_l("Proposé au planificateur"), default=True)
    ingredients = RowList(FormField(IngredientForm), min_entries=6, max_entries=MAX_INGREDIENTS)


class ClosureForm(CleanForm):
    first_day = DateField(_l("Du"), validators=[DataRequired(_l("date illisible"))])
    last_day = DateField(_l("Au (inclus)"), validators=[Optional()])
    reason = StringField(_l("Raison"), validators=[
        DataRequired(_l("donnez la raison (grève, sortie, pont…)")),
        Length(max=120, message=_l("120 caractères au plus"))])

    def validate_last_day(self, field: Any) -> None:
        if field.data is not None and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("le dernier jour précède le premier"))


def luhn_ok(digits: str) -> bool:
    """The Luhn check of a SIREN or SIRET: from the right, every second digit doubled.

    La Poste's establishments (SIREN 356000000) follow their own rule instead: the
    sum of the digits is a multiple of 5.
    """
    if digits.startswith("356000000"):
        return sum(int(c) for c in digits) % 5 == 0
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


class SiretForm(CleanForm):
    siret = StringField(_l("SIRET de la cantine"), validators=[
        DataRequired(_l("saisissez les 14 chiffres du SIRET"))])

    def validate_siret(self, field: Any) -> None:
        digits = "".join(str(field.data or "").split())
        if len(digits) != 14 or not digits.isdigit():
            raise ValidationError(_l("un SIRET a 14 chiffres"))
        if not luhn_ok(digits):
            raise ValidationError(_l("ce SIRET n'existe pas : vérifiez les chiffres (clé de "
                                     "contrôle fausse)"))
        field.data = digits
