"""The kinds of things the network is made of, as its pages name them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from canteens.models import Canteen
from paniers.cycles.models import BasketFormat
from paniers.points.models import Hub, PickupPoint
from producers.models import Farm, Product


@dataclass(frozen=True)
class Kind:
    slug: str  # in the address: /reseau/<slug>/
    model: Any
    code_prefix: str  # of the stable id written in exports ("farm-marais"); "" if none
    plural: Any
    new: Any  # the title of the form that adds one
    taken: Any  # the refusal of a second one with the same name


FARMS = Kind("fermes", Farm, "farm", _l("Fermes"), _l("Nouvelle ferme"),
             _l("Une ferme porte déjà ce nom."))
PRODUCTS = Kind("produits", Product, "", _l("Produits"), _l("Nouveau produit"),
                _l("Un produit porte déjà ce nom."))
POINTS = Kind("points", PickupPoint, "point", _l("Points de retrait"), _l("Nouveau point"),
              _l("Un point porte déjà ce nom dans cette commune."))
HUBS = Kind("plateformes", Hub, "hub", _l("Plateformes"), _l("Nouvelle plateforme"),
            _l("Une plateforme porte déjà ce nom."))
CANTEENS = Kind("cantines", Canteen, "canteen", _l("Cantines"), _l("Nouvelle cantine"),
                _l("Une cantine porte déjà ce nom."))
FORMATS = Kind("paniers", BasketFormat, "", _l("Formats de panier"),
               _l("Nouveau format de panier"), _l("Un format porte déjà ce nom cette semaine."))

KINDS = {kind.slug: kind for kind in (FARMS, PRODUCTS, POINTS, HUBS, CANTEENS, FORMATS)}
SLUGS = tuple(KINDS)
