"""A farm's catalogue for one week as Data Food Consortium (DFC) JSON-LD.

Pure: plain rows in, a JSON-ready dict out. The document is compacted against an
inline context (the DFC business ontology and its measures, by their IRIs), so a
reader needs nothing fetched to understand it, and we fetch nothing to write it.

The graph: an ``Enterprise`` (the farm) ``supplies`` one ``SuppliedProduct`` per
product (its quantity is one sale unit: 1 kg, 1 piece, a dozen) and ``manages`` one
``CatalogItem`` per product, which ``references`` the product, carries the
``stockLimitation`` still available this week (in sale units) and is
``offeredThrough`` an ``Offer`` whose ``hasPrice`` is the farm's price per sale unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DFC_BUSINESS = ("https://github.com/datafoodconsortium/ontology/releases/latest/download/"
                "DFC_BusinessOntology.owl#")
DFC_MEASURES = ("https://github.com/datafoodconsortium/taxonomies/releases/latest/download/"
                "measures.rdf#")
XSD = "http://www.w3.org/2001/XMLSchema#"

LINK = {"@type": "@id"}
CONTEXT: dict[str, Any] = {
    "dfc-b": DFC_BUSINESS,
    "dfc-m": DFC_MEASURES,
    "xsd": XSD,
    "dfc-b:supplies": LINK,
    "dfc-b:manages": LINK,
    "dfc-b:references": LINK,
    "dfc-b:offeredThrough": LINK,
    "dfc-b:offeredItem": LINK,
    "dfc-b:hasUnit": LINK,
    "dfc-b:value": {"@type": "xsd:decimal"},
    "dfc-b:stockLimitation": {"@type": "xsd:decimal"},
}

# Our sale units as DFC measures, and how many of the measure one sale unit is.
UNITS: dict[str, tuple[str, int]] = {
    "kg": ("dfc-m:Kilogram", 1),
    "litre": ("dfc-m:Litre", 1),
    "piece": ("dfc-m:Piece", 1),
    "bunch": ("dfc-m:Piece", 1),
    "dozen": ("dfc-m:Piece", 12),
}


@dataclass(frozen=True)
class FarmInfo:
    id: int
    name: str
    town: str
    organic_status: str


@dataclass(frozen=True)
class CatalogueLine:
    product_id: int
    product: str
    category: str
    unit: str  # sale unit: kg, litre, piece, bunch, dozen
    available: Decimal  # sale units still available this week
    price_cents: int  # the farm's price per sale unit


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def catalogue(base_url: str, farm: FarmInfo, cycle_id: int,
              lines: list[CatalogueLine]) -> dict[str, Any]:
    """The farm's catalogue of the week as a compacted JSON-LD document.

    ``base_url`` prefixes every node's ``@id`` (the address the document is served at)."""
    root = f"{base_url.rstrip('/')}/dfc/fermes/{farm.id}"
    week = f"{root}/cycles/{cycle_id}"
    graph: list[dict[str, Any]] = []
    supplies, manages = [], []
    for line in lines:
        measure, per_unit = UNITS[line.unit]
        product_id = f"{root}/produits/{line.product_id}"
        item_id = f"{week}/articles/{line.product_id}"
        offer_id = f"{item_id}/offre"
        supplies.append(product_id)
        manages.append(item_id)
        graph.append({
            "@id": product_id, "@type": "dfc-b:SuppliedProduct",
            "dfc-b:name": line.product,
            "dfc-b:description": f"{line.product} — {farm.name} ({farm.organic_status})",
            "dfc-b:hasQuantity": {"@type": "dfc-b:QuantitativeValue",
                                  "dfc-b:hasUnit": measure, "dfc-b:value": str(per_unit)},
        })
        graph.append({
            "@id": item_id, "@type": "dfc-b:CatalogItem",
            "dfc-b:references": product_id,
            "dfc-b:sku": f"{farm.id}-{line.product_id}",
            "dfc-b:stockLimitation": _decimal(line.available),
            "dfc-b:offeredThrough": offer_id,
        })
        graph.append({
            "@id": offer_id, "@type": "dfc-b:Offer",
            "dfc-b:offeredItem": item_id,
            "dfc-b:hasPrice": {"@type": "dfc-b:Price",
                               "dfc-b:value": _decimal(Decimal(line.price_cents) / 100),
                               "dfc-b:hasUnit": "dfc-m:Euro"},
        })
    graph.insert(0, {
        "@id": root, "@type": "dfc-b:Enterprise",
        "dfc-b:name": farm.name,
        "dfc-b:description": f"{farm.name}, {farm.town}",
        "dfc-b:supplies": supplies,
        "dfc-b:manages": manages,
    })
    return {"@context": CONTEXT, "@graph": graph}
