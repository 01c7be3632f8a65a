"""The DFC catalogue document, pure: it expands with pyld without fetching anything, to
the farm's products, what is left of each and its price."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pyld import jsonld

from paniers.partners.dfc import (
    DFC_BUSINESS,
    DFC_MEASURES,
    CatalogueLine,
    FarmInfo,
    catalogue,
)

B = DFC_BUSINESS
FARM = FarmInfo(7, "Ferme du Marais", "Loos-en-Gohelle", "C2")
LINES = [
    CatalogueLine(1, "Carotte", "vegetable", "kg", Decimal("12.5"), 260),
    CatalogueLine(2, "Œufs", "egg", "dozen", Decimal("4"), 390),
]


def no_network(url, options=None):
    raise jsonld.JsonLdError(f"refused to fetch {url}", "loading document failed",
                             code="loading document failed")


def expanded():
    return jsonld.expand(catalogue("https://paniers.example/", FARM, 3, LINES),
                         {"documentLoader": no_network})


def node(nodes, kind):
    return [n for n in nodes if B + kind in n.get("@type", [])]


def value(n, term):
    (found,) = n[B + term]
    return found.get("@value", found.get("@id"))


def test_the_document_expands_offline_to_the_farm_and_its_products():
    nodes = expanded()
    (farm,) = node(nodes, "Enterprise")
    assert value(farm, "name") == "Ferme du Marais"
    assert farm["@id"] == "https://paniers.example/dfc/fermes/7"
    names = sorted(value(p, "name") for p in node(nodes, "SuppliedProduct"))
    assert names == ["Carotte", "Œufs"]


def test_a_dozen_is_twelve_pieces_and_stock_and_price_are_in_sale_units():
    nodes = expanded()
    products = {value(p, "name"): p for p in node(nodes, "SuppliedProduct")}
    (eggs_quantity,) = products["Œufs"][B + "hasQuantity"]
    assert value(eggs_quantity, "hasUnit") == DFC_MEASURES + "Piece"
    assert value(eggs_quantity, "value") == "12"
    items = {value(i, "references"): i for i in node(nodes, "CatalogItem")}
    assert Decimal(value(items[products["Carotte"]["@id"]], "stockLimitation")) == Decimal("12.5")
    offers = {value(o, "offeredItem"): o for o in node(nodes, "Offer")}
    (price,) = offers[items[products["Carotte"]["@id"]]["@id"]][B + "hasPrice"]
    assert Decimal(value(price, "value")) == Decimal("2.6")
    assert value(price, "hasUnit") == DFC_MEASURES + "Euro"


def test_a_remote_context_would_be_refused_by_the_tests_loader():
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "https://example.org/context.jsonld", "name": "x"},
                      {"documentLoader": no_network})
