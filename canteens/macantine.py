"""A canteen's purchases of a year as the state's platform "ma cantine" imports them.

The columns, codes and formats are those of ma cantine's purchase import schema
(``achats_siret``, a Frictionless Table Schema): one row per purchase, the canteen's
SIRET, the price excluding VAT in euros with a point, the product family, the EGAlim
categories, the origin, and whether the purchase is short-circuit and local with the
definition of local used.

Choices, said once here and in the README:
- Prices in Paniers are what the canteen pays, VAT included at the reduced rate of
  food (5.5 %); the export divides by 1.055 and rounds to the cent.
- Every farm of Paniers is in the Hauts-de-France and sells to the canteen through
  the collective alone (one intermediary at most): its purchases are local with the
  definition ``REGION`` and short-circuit, from ``FRANCE``. Purchases outside the
  circuit are neither; their origin is not known, so left empty.
- Organic farms and farms in conversion (C1-C3) are ``BIO``, as in the EGAlim
  figures of :mod:`canteens.menu_planner.egalim`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from canteens.figures import Purchase
from canteens.models import BoughtInItem, Canteen
from paniers.extensions import db
from paniers.journal import services as journal
from paniers.money import from_base_amount
from paniers.transaction import transaction
from producers.models import Product

COLUMNS = ("siret", "description", "fournisseur", "date", "prix_ht", "famille_produits",
           "categories_egalim", "origine", "est_circuit_court", "est_local",
           "definition_local", "definition_local_km")
FOOD_VAT = Decimal("0.055")
LOCAL_DEFINITION = "REGION"
#: Paniers' product categories to ma cantine's product families.
FAMILIES = {
    "vegetable": "FRUITS_ET_LEGUMES",
    "fruit": "FRUITS_ET_LEGUMES",
    "dairy": "PRODUITS_LAITIERS",
    "cheese": "PRODUITS_LAITIERS",
    "meat": "VIANDES_VOLAILLES",
    "poultry": "VIANDES_VOLAILLES",
    "charcuterie": "CHARCUTERIE",
    "fish": "PRODUITS_DE_LA_MER",
    "bakery": "BOULANGERIE",
    "drink": "BOISSONS",
}
#: Meat products that ma cantine counts as charcuterie.
CHARCUTERIE = ("pâté", "jambon", "saucisse", "saucisson", "lardons", "rillettes", "boudin")


def year_bounds(year: int) -> tuple[date, date]:
    """The EGAlim declaration covers a calendar year's purchases."""
    return date(year, 1, 1), date(year, 12, 31)


def price_excluding_vat(value_cents: int) -> str:
    """``1055`` cents paid -> ``"10.00"``: euros excluding VAT, with a point."""
    euros = Decimal(value_cents) / 100 / (1 + FOOD_VAT)
    return str(euros.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def family(name: str, category: str) -> str:
    """ma cantine's product family of a product of ``category``."""
    if category == "meat" and any(word in name.lower() for word in CHARCUTERIE):
        return "CHARCUTERIE"
    return FAMILIES.get(category, "AUTRES")


def categories() -> dict[str, str]:
    """The category of every name a purchase can carry: farm products and bought-in items."""
    found = {i.name: i.category for i in db.session.scalars(select(BoughtInItem))}
    found.update({p.name: p.category for p in db.session.scalars(select(Product))})
    return found


#: The sale units as the file says them, in French (the file is read by the state's platform).
UNITS = {"kg": "kg", "litre": "l", "piece": "pièce(s)", "bunch": "botte(s)",
         "dozen": "douzaine(s)"}


def description(purchase: Purchase) -> str:
    """« Pomme de terre, 25 kg »: the product and how much, in its sale unit."""
    quantity = from_base_amount(purchase.quantity, purchase.unit).normalize()
    number = f"{quantity:f}".replace(".", ",")
    return f"{purchase.product}, {number} {UNITS.get(purchase.unit, purchase.unit)}"


def row(siret: str, purchase: Purchase, category: str) -> list[str]:
    farm = bool(purchase.supplier)
    local = farm and purchase.local
    return [
        siret, description(purchase), purchase.supplier, purchase.day.isoformat(),
        price_excluding_vat(purchase.value_cents), family(purchase.product, category),
        "BIO" if purchase.organic_status else "", "FRANCE" if farm else "",
        "OUI" if farm else "NON", "OUI" if local else "NON",
        LOCAL_DEFINITION if local else "", "",
    ]


def purchases_csv(canteen: Canteen, purchases: Sequence[Purchase]) -> str:
    """The import file: a header of ma cantine's column names, then one row per purchase."""
    if not canteen.siret:
        raise MissingSiret(_("Saisissez d'abord le SIRET de la cantine : ma cantine "
                             "rattache les achats à l'établissement par son SIRET."))
    known = categories()
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    for purchase in purchases:
        if purchase.value_cents > 0:
            out.writerow(row(canteen.siret, purchase, known.get(purchase.product, "")))
    return buffer.getvalue()


class MissingSiret(Exception):
    """The canteen has no SIRET yet: ma cantine could not match the file."""


@transaction()
def set_siret(canteen: Canteen, siret: str) -> None:
    """Record the canteen's SIRET (checked by the form: 14 digits and the Luhn key)."""
    if canteen.siret == siret:
        return
    canteen.siret = siret
    db.session.add(canteen)
    journal.record("network.updated", subject=canteen.name, field="siret")
