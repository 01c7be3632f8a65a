"""What the canteen pages call the planner's courses, attributes, rules and steps (French first)."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

COURSE_LABELS = {
    "starter": _l("Entrée"),
    "main": _l("Plat"),
    "side": _l("Garniture"),
    "dairy": _l("Produit laitier"),
    "dessert": _l("Dessert"),
}

ATTRIBUTE_LABELS = {
    "raw_vegetable": _l("Crudité"),
    "raw_fruit": _l("Fruit cru"),
    "cooked_vegetable": _l("Légume cuit"),
    "starch_or_pulse": _l("Féculent ou légumineuse"),
    "red_meat_unminced": _l("Viande rouge non hachée"),
    "fish": _l("Poisson"),
    "vegetarian": _l("Végétarien"),
    "fried": _l("Frit ou pré-frit"),
    "fatty_starter": _l("Entrée grasse"),
    "sweet_dessert": _l("Dessert sucré"),
    "calcium_high": _l("Calcium : au moins 150 mg"),
    "calcium_medium": _l("Calcium : 100 à 150 mg"),
    "calcium_low": _l("Calcium : moins de 100 mg"),
}

RULE_LABELS = {
    "raw_vegetable_or_fruit": _l("Repas avec crudités ou fruit cru"),
    "raw_fruit_dessert": _l("Desserts de fruits crus"),
    "cooked_vegetable_side": _l("Garnitures de légumes cuits"),
    "starch_side": _l("Garnitures de féculents ou légumineuses"),
    "red_meat_unminced": _l("Plats de viande rouge non hachée"),
    "fish": _l("Plats de poisson"),
    "calcium_high": _l("Repas avec un laitage riche en calcium"),
    "fried": _l("Produits frits ou pré-frits"),
    "sweet_dessert": _l("Desserts sucrés"),
    "fatty_starter": _l("Entrées grasses"),
    "vegetarian_weekly": _l("Semaines avec un menu végétarien"),
    "budget": _l("Coût des denrées par repas (centimes)"),
    "menu_structure": _l("Repas incomplets"),
    "variety": _l("Plats revenus trop tôt"),
    "supply": _l("Produits au-delà de l'offre des fermes"),
    "local_target": _l("Part locale des achats (%)"),
}

OUTSIDE_LABELS = {
    "bought_in": _l("hors circuit : aucune ferme de Paniers ne le produit"),
    "not_offered": _l("hors circuit : pas proposé cette semaine"),
    "short": _l("hors circuit : offre des fermes insuffisante"),
}


def percent(value: float) -> str:
    """A share with one decimal as the reader writes it: ``67,8 %`` in French."""
    return f"{format_decimal(round(value, 1), format='0.0', locale=str(get_locale()))} %"
