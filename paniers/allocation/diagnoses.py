"""The allocation's diagnoses in the reader's language.

The pure optimiser explains itself with a stable code and the values it quotes
(``Diagnosis.code`` and ``params``); its English ``message`` is for logs and the
command line. The job keeps the code and the values, and the page says them here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from paniers.cycles.models import format_label
from paniers.formatting import amount, money

RULES = {"price": lambda: _("le prix"), "weight": lambda: _("le poids"),
         "variety": lambda: _("la variété"), "share": lambda: _("la part maximale d'un produit")}


def stored(diagnosis: Any, unit_of: dict[int, str]) -> dict[str, Any]:
    """What the job keeps of a diagnosis: its code, its values, and the English sentence."""
    params = dict(diagnosis.params)
    if diagnosis.product_id is not None:
        params["unit"] = unit_of.get(diagnosis.product_id, "kg")
    return {"code": diagnosis.code, "params": params, "message": diagnosis.message}


def say(entry: dict[str, Any] | str) -> str:
    """A stored diagnosis as a sentence for the reader (an older job's English as it is)."""
    if isinstance(entry, str):
        return entry
    code, p = entry.get("code", ""), entry.get("params", {})
    fmt = format_label(str(p.get("format", ""))) if "format" in p else ""
    lines = ngettext("%(num)d ligne de commande", "%(num)d lignes de commande",
                     int(p.get("lines", 0)))
    sentences = {
        "no_supply": lambda: _("Aucun produit de saison déclaré : « %(format)s » ne peut pas "
                               "être composé.", format=fmt) if fmt else _(
                                   "Aucune offre déclarée cette semaine."),
        "too_few_products": lambda: ngettext(
            "%(num)d seul produit de saison : « %(format)s » en demande au moins %(needed)d.",
            "%(num)d produits de saison seulement : « %(format)s » en demande au moins "
            "%(needed)d.", int(p.get("products", 0)), format=fmt, needed=p.get("needed", 0)),
        "fixed_out_of_tolerance": lambda: _(
            "La composition fixée à la main de « %(format)s » ne respecte pas : %(rules)s.",
            format=fmt, rules=", ".join(RULES[r]() if r in RULES else r
                                        for r in str(p.get("rules", "")).split(",") if r)),
        "not_enough_supply": lambda: _(
            "Pas assez de produits variés pour remplir un seul « %(format)s ».", format=fmt),
        "price_unreachable": lambda: _(
            "Les prix de la semaine ne permettent pas « %(format)s » à %(price)s (à "
            "%(tolerance)s %% près) : au plus près, %(reachable)s.", format=fmt,
            price=money(int(p.get("price_cents", 0))), tolerance=p.get("tolerance_pct", 0),
            reachable=money(int(p.get("reachable_cents", 0)))),
        "no_composition": lambda: _(
            "Aucun assortiment des produits de la semaine ne respecte à la fois le prix, le "
            "poids, la variété et la part maximale pour « %(format)s ».", format=fmt),
        "recomposed": lambda: ngettext(
            "« %(format)s » a été recomposé avec l'offre restant après les commandes servies "
            "avant (%(num)d fois).", "« %(format)s » a été recomposé avec l'offre restant après "
            "les commandes servies avant (%(num)d fois).", int(p.get("times", 0)), format=fmt),
        "basket_cut": lambda: ngettext(
            "%(num)d panier « %(format)s » n'a pas pu être rempli (%(lines)s).",
            "%(num)d paniers « %(format)s » n'ont pas pu être remplis (%(lines)s).",
            int(p.get("baskets", 0)), format=fmt, lines=lines),
        "product_short": lambda: _(
            "%(product)s : il en manque %(quantity)s (%(lines)s).", product=p.get("product", ""),
            quantity=amount(int(p.get("quantity", 0)), str(p.get("unit", "kg"))), lines=lines),
    }
    sentence = sentences.get(code)
    return sentence() if sentence is not None else str(entry.get("message", code))
