"""Plain data of one week's allocation: what goes into the optimiser and what comes out.

All quantities are integers in the product's base amount (grams for produce sold
by the kilogram, millilitres for the litre, a count for pieces, bunches and
dozens); basket quantities on a demand line are numbers of baskets. Money is in
integer cents, weights in integer grams (see :mod:`producers.units`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from producers.units import Unit

#: Demand is served in this order: nursery and residence meals are promised
#: local produce, then the households who committed for the season, then the rest.
PRIORITY_CLASSES: tuple[str, ...] = ("canteen", "subscription", "one_off")

#: Why an ordered quantity was not served (the app translates these codes).
SHORTAGE_REASONS: tuple[str, ...] = (
    "no_supply",  # nothing of the product was declared this week
    "short_supply",  # less was declared than this line asks, nothing ranked before it
    "outranked",  # the supply went to lines ranked before this one
    "basket_cut",  # no composition of the format fits the supply left for this line
    "no_composition",  # the format cannot be composed at all this week (see diagnoses)
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class Product:
    """A product of the cycle. ``unit_weight_g`` is the weight of one sale unit."""

    id: int
    name: str
    unit: str
    unit_weight_g: int
    category: str
    in_season: bool = True

    def __post_init__(self) -> None:
        _require(self.unit in tuple(Unit), f"product {self.id}: unknown unit {self.unit!r}")
        _require(self.unit_weight_g > 0, f"product {self.id}: unit_weight_g must be positive")


@dataclass(frozen=True)
class Offer:
    """A farm's declared harvest of one product: ``quantity`` base amounts at ``price_cents``
    per sale unit, ``distance_m`` from the farm to the hub."""

    id: int
    farm_id: int
    product_id: int
    quantity: int
    price_cents: int
    distance_m: int = 0

    def __post_init__(self) -> None:
        _require(self.quantity >= 0, f"offer {self.id}: quantity must not be negative")
        _require(self.price_cents >= 0, f"offer {self.id}: price must not be negative")
        _require(self.distance_m >= 0, f"offer {self.id}: distance must not be negative")


@dataclass(frozen=True)
class BasketFormat:
    """A basket sold at ``price_cents``, composed to within ``tolerance_pct`` of that price
    (at the farms' prices), within ``weight_tolerance_pct`` of ``target_weight_g``, with
    at least ``min_products`` products, none above ``max_share_pct`` of the weight, taken
    from products whose category is in ``categories`` (empty: any category)."""

    id: int
    code: str
    price_cents: int
    target_weight_g: int
    min_products: int
    max_share_pct: int = 40
    tolerance_pct: int = 5
    weight_tolerance_pct: int = 15
    categories: tuple[str, ...] = ("vegetable", "fruit")

    def __post_init__(self) -> None:
        _require(self.price_cents > 0, f"format {self.code}: price must be positive")
        _require(self.target_weight_g > 0, f"format {self.code}: target weight must be positive")
        _require(self.min_products >= 1, f"format {self.code}: min_products must be at least 1")
        _require(0 < self.max_share_pct <= 100, f"format {self.code}: max_share_pct in 1..100")
        _require(0 <= self.tolerance_pct < 100, f"format {self.code}: tolerance_pct in 0..99")
        _require(
            0 <= self.weight_tolerance_pct < 100,
            f"format {self.code}: weight_tolerance_pct in 0..99",
        )

    @property
    def price_range_cents(self) -> tuple[int, int]:
        """Lowest and highest basket value accepted, in cents."""
        low = -(-self.price_cents * (100 - self.tolerance_pct) // 100)
        return low, self.price_cents * (100 + self.tolerance_pct) // 100

    @property
    def weight_range_g(self) -> tuple[int, int]:
        """Lowest and highest basket weight accepted, in grams."""
        low = -(-self.target_weight_g * (100 - self.weight_tolerance_pct) // 100)
        return low, self.target_weight_g * (100 + self.weight_tolerance_pct) // 100


@dataclass(frozen=True)
class DemandLine:
    """An order line: ``quantity`` base amounts of ``product_id``, or ``quantity`` baskets of
    ``format_id``, charged ``unit_price_cents`` per sale unit or per basket.

    ``placed_rank`` orders lines of one class: smaller was placed earlier.
    """

    id: int
    order_id: int
    priority_class: str
    placed_rank: int
    quantity: int
    unit_price_cents: int
    product_id: int | None = None
    format_id: int | None = None

    def __post_init__(self) -> None:
        _require(
            self.priority_class in PRIORITY_CLASSES,
            f"line {self.id}: priority class must be one of {', '.join(PRIORITY_CLASSES)}",
        )
        _require(
            (self.product_id is None) != (self.format_id is None),
            f"line {self.id}: exactly one of product_id and format_id must be given",
        )
        _require(self.quantity >= 0, f"line {self.id}: quantity must not be negative")
        _require(self.unit_price_cents >= 0, f"line {self.id}: price must not be negative")

    @property
    def priority(self) -> tuple[int, int, int]:
        """Sort key: canteens, then subscriptions, then one-off orders by placed time."""
        return PRIORITY_CLASSES.index(self.priority_class), self.placed_rank, self.id


@dataclass(frozen=True)
class CompositionItem:
    """``quantity`` base amounts of a product in each basket, worth ``value_cents``."""

    product_id: int
    quantity: int
    value_cents: int
    weight_g: int


@dataclass(frozen=True)
class Composition:
    """The content of every basket of a format this week.

    ``value_cents`` is the sum of the items' values at the products' reference prices
    (quantity-weighted mean of the week's offers, see ``reference_prices``).
    """

    format_id: int
    items: tuple[CompositionItem, ...]
    value_cents: int
    weight_g: int
    within_tolerance: bool
    fixed: bool = False

    def quantity_of(self, product_id: int) -> int:
        """Base amount of ``product_id`` in one basket (0 when absent)."""
        return next((i.quantity for i in self.items if i.product_id == product_id), 0)


@dataclass(frozen=True)
class Allocation:
    """``quantity`` base amounts of an offer sold to a product demand line."""

    demand_line_id: int
    offer_id: int
    quantity: int


@dataclass(frozen=True)
class BasketSupply:
    """``quantity`` base amounts of an offer packed into all baskets of a format."""

    format_id: int
    product_id: int
    offer_id: int
    quantity: int


@dataclass(frozen=True)
class LineOutcome:
    """What became of a demand line: ``served`` of ``ordered`` (base amounts or baskets).

    ``charged_cents`` is the line's value at the buyer's price; ``refund_cents`` is what
    the unserved part was charged, so that served_cents + refund_cents == charged_cents.
    ``reason`` is one of ``SHORTAGE_REASONS`` when something is short, else None.
    """

    demand_line_id: int
    order_id: int
    ordered: int
    served: int
    charged_cents: int
    refund_cents: int
    reason: str | None = None

    @property
    def short(self) -> int:
        return self.ordered - self.served

    @property
    def served_cents(self) -> int:
        return self.charged_cents - self.refund_cents


@dataclass(frozen=True)
class OfferOutcome:
    """How much of an offer was sold (base amounts), what is left, and the farm's takings."""

    offer_id: int
    farm_id: int
    product_id: int
    offered: int
    sold: int
    sold_cents: int

    @property
    def leftover(self) -> int:
        return self.offered - self.sold


@dataclass(frozen=True)
class FarmShare:
    """A farm's week by value at its own prices, shares in percent of all farms' totals;
    ``gap_pct`` = sold share - offered share (percentage points)."""

    farm_id: int
    offered_cents: int
    sold_cents: int
    offered_share_pct: float
    sold_share_pct: float
    gap_pct: float


@dataclass(frozen=True)
class Diagnosis:
    """Something the coordinator should know: a stable ``code``, an English ``message`` and
    the values it quotes in ``params`` (for translation)."""

    code: str
    message: str
    format_id: int | None = None
    product_id: int | None = None
    params: dict[str, int | str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class WeekPlan:
    """The week's compositions, allocations, outcomes per line, offer and farm."""

    compositions: tuple[Composition, ...]
    baskets_served: dict[int, int]
    allocations: tuple[Allocation, ...]
    basket_supplies: tuple[BasketSupply, ...]
    lines: tuple[LineOutcome, ...]
    offers: tuple[OfferOutcome, ...]
    farms: tuple[FarmShare, ...]
    max_share_gap_pct: float
    diagnoses: tuple[Diagnosis, ...]

    @property
    def shortages(self) -> tuple[LineOutcome, ...]:
        """The lines not served in full, with their refunds and reasons."""
        return tuple(line for line in self.lines if line.short > 0)
