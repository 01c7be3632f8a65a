"""What a canteen can cook and buy: products, dishes and the demo catalogue.

A *product* is something the kitchen buys: the farms' produce (``local``) and
the items no farm of the scheme offers (fish, pasta, cheese...). Quantities
follow :mod:`producers.units`: integer base amounts (grams for kg products,
millilitres for litre products, a count for pieces, bunches and dozens), prices
in integer cents per sale unit. A *dish* lists its ingredients in grams per
child (a litre product's millilitres count as grams).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from producers.units import Unit, base_per_unit

COURSES: tuple[str, ...] = ("starter", "main", "side", "dairy", "dessert")

#: Where a product can come from. ``local``: the scheme's farms offer it;
#: ``could_be_local``: grown or raised in the region but no farm of the scheme
#: offers it; ``not_local``: cannot come from here (sea fish, rice, citrus).
ORIGINS: tuple[str, ...] = ("local", "could_be_local", "not_local")

#: Attributes the school-meal rules count (see :mod:`canteens.menu_planner.rules`).
ATTRIBUTES: frozenset[str] = frozenset(
    {
        "raw_vegetable",
        "raw_fruit",
        "cooked_vegetable",
        "starch_or_pulse",
        "red_meat_unminced",
        "fish",
        "vegetarian",
        "fried",
        "fatty_starter",
        "sweet_dessert",
        "calcium_high",
        "calcium_medium",
        "calcium_low",
    }
)

_MEAT_OR_FISH = frozenset({"meat", "fish"})
_ALL_MONTHS = frozenset(range(1, 13))
_DATA = Path(__file__).resolve().parents[1] / "data"
_DEMO_PRODUCE = Path(__file__).resolve().parents[2] / "paniers" / "demo" / "data" / "produce.csv"


@dataclass(frozen=True)
class Product:
    """Something the kitchen buys, with its sale unit and price per sale unit."""

    name: str
    category: str
    unit: str
    unit_weight_g: int
    price_cents: int
    months: frozenset[int]
    origin: str
    note: str = ""

    def __post_init__(self) -> None:
        Unit(self.unit)
        if self.origin not in ORIGINS:
            raise ValueError(f"{self.name}: origin must be one of {ORIGINS}, not {self.origin!r}")
        if self.unit_weight_g <= 0 or self.price_cents < 0:
            raise ValueError(f"{self.name}: unit weight must be positive and price not negative")
        if not self.months or not self.months <= _ALL_MONTHS:
            raise ValueError(f"{self.name}: months must be within 1-12")

    @property
    def local(self) -> bool:
        return self.origin == "local"

    @property
    def grams_per_base(self) -> float:
        """Grams in one base amount (1 for g and ml, a unit's weight for counts)."""
        return self.unit_weight_g / base_per_unit(self.unit)

    def in_season(self, month: int) -> bool:
        return month in self.months

    def base_amount(self, grams: float) -> float:
        """Base amounts (unrounded) that make ``grams`` of this product."""
        return grams / self.grams_per_base

    def order_amount(self, grams: float) -> int:
        """Base amounts to order for ``grams``: up to 100 g (or ml), or whole units."""
        step = 100 if base_per_unit(self.unit) > 1 else 1
        return step * math.ceil(round(self.base_amount(grams), 6) / step)

    def cost_millicents(self, grams: float) -> float:
        """Value of ``grams`` of this product in thousandths of a cent."""
        return 1000 * grams * self.price_cents / self.unit_weight_g


@dataclass(frozen=True)
class Ingredient:
    """A product (by name, as in the catalogue's products) and its grams per child."""

    product: str
    grams: int  # per child, nursery portion


@dataclass(frozen=True)
class Dish:
    """A dish of one course with its nursery-portion ingredients and rule attributes."""

    id: str
    name: str
    course: str
    ingredients: tuple[Ingredient, ...]
    attributes: frozenset[str]

    def __post_init__(self) -> None:
        if self.course not in COURSES:
            raise ValueError(f"dish {self.id}: course must be one of {COURSES}")
        unknown = self.attributes - ATTRIBUTES
        if unknown:
            raise ValueError(f"dish {self.id}: unknown attributes {sorted(unknown)}")
        if any(i.grams <= 0 for i in self.ingredients):
            raise ValueError(f"dish {self.id}: ingredient grams must be positive")

    @property
    def vegetarian(self) -> bool:
        return "vegetarian" in self.attributes


@dataclass(frozen=True)
class Catalogue:
    """Dishes and the products their ingredients name (checked to match)."""

    dishes: tuple[Dish, ...]
    products: Mapping[str, Product]

    def __post_init__(self) -> None:
        ids = [d.id for d in self.dishes]
        if len(set(ids)) != len(ids):
            raise ValueError("dish ids must be unique")
        for dish in self.dishes:
            for ingredient in dish.ingredients:
                product = self.products.get(ingredient.product)
                if product is None:
                    raise ValueError(f"dish {dish.id}: unknown product {ingredient.product!r}")
                if dish.vegetarian and product.category in _MEAT_OR_FISH:
                    raise ValueError(f"dish {dish.id}: vegetarian but contains {product.name}")

    def with_prices(self, prices_cents: Mapping[str, int]) -> Catalogue:
        """The same catalogue with some products repriced (cents per sale unit)."""
        unknown = set(prices_cents) - set(self.products)
        if unknown:
            raise ValueError(f"no such products: {sorted(unknown)}")
        products = dict(self.products)
        for name, price in prices_cents.items():
            products[name] = replace(products[name], price_cents=price)
        return Catalogue(self.dishes, products)

    def without(self, attribute: str) -> Catalogue:
        """The catalogue minus the dishes that have an attribute (e.g. ``fish``)."""
        kept = tuple(d for d in self.dishes if attribute not in d.attributes)
        return Catalogue(kept, self.products)


def parse_months(text: str) -> frozenset[int]:
    """Months from ``7-12;1-3`` style ranges."""
    months: set[int] = set()
    for part in text.split(";"):
        first, _, last = part.strip().partition("-")
        months.update(range(int(first), int(last or first) + 1))
    return frozenset(months)


def load_produce(path: Path = _DEMO_PRODUCE) -> dict[str, Product]:
    """The farms' products from a produce CSV (``#`` lines are comments)."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["product"]: _produce(row) for row in rows}


def _produce(row: Mapping[str, str]) -> Product:
    return Product(
        name=row["product"],
        category=row["category"],
        unit=row["unit"],
        unit_weight_g=round(float(row["unit_kg"]) * 1000),
        price_cents=round(float(row["price_eur_per_unit"]) * 100),
        months=parse_months(row["months"]),
        origin="local",
    )


def load_dishes(path: Path = _DATA / "dishes.json") -> tuple[tuple[Dish, ...], dict[str, Product]]:
    """Dishes and the bought-in items (sold by the kg) from a dishes JSON file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = {item["name"]: _item(item) for item in data["items"]}
    return tuple(_dish(raw) for raw in data["dishes"]), items


def _item(raw: Mapping[str, Any]) -> Product:
    return Product(
        name=raw["name"],
        category=raw["category"],
        unit="kg",
        unit_weight_g=1000,
        price_cents=round(float(raw["price_eur_per_kg"]) * 100),
        months=parse_months(raw["months"]) if "months" in raw else _ALL_MONTHS,
        origin=raw["origin"],
        note=raw.get("note", ""),
    )


def _dish(raw: Mapping[str, Any]) -> Dish:
    return Dish(
        id=raw["id"],
        name=raw["name"],
        course=raw["course"],
        ingredients=tuple(Ingredient(p, int(g)) for p, g in raw["ingredients"].items()),
        attributes=frozenset(raw["attributes"]),
    )


def build_catalogue(dishes: Iterable[Dish], *product_maps: Mapping[str, Product]) -> Catalogue:
    products: dict[str, Product] = {}
    for mapping in product_maps:
        products.update(mapping)
    return Catalogue(tuple(dishes), products)


def load_demo_catalogue(produce_path: Path = _DEMO_PRODUCE) -> Catalogue:
    """The demo dishes with the demo farms' produce and the bought-in items."""
    dishes, items = load_dishes()
    return build_catalogue(dishes, load_produce(produce_path), items)
