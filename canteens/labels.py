"""What the canteen pages call the planner's courses, attributes, rules and steps (French first)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from paniers.formatting import money

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
    "calcium_medium": _l("Repas avec un fromage ou laitage de 100 à 150 mg de calcium"),
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


def outside_reason(choice: Mapping[str, Any]) -> str:
    """Why a product was bought outside while a local one of the same role was offered."""
    extra = money(choice.get("extra_cents_per_meal", 0))
    reason = choice["reason"]
    if reason == "supply":
        return _("les fermes n'en proposaient pas assez la semaine de ces repas")
    if reason == "variety":
        return _("les plats locaux qui tiennent ce rôle venaient d'être servis (variété)")
    if reason == "budget":
        return _("le plat local coûterait %(extra)s de plus par repas : le budget serait "
                 "dépassé", extra=extra)
    if reason == "target_reached":
        return _("l'objectif local de la cantine est atteint et le plat local coûterait "
                 "%(extra)s de plus par repas", extra=extra)
    return _("le planificateur n'a pas trouvé l'échange dans le temps imparti : relancez la "
             "planification")
