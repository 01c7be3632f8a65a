"""The week's stock, and the only module that changes it: baskets per format, base amounts
per product, the farms' declared supply and the price households pay.

Stock is taken with conditional updates (``sold = sold + q WHERE sold + q <= limit``), so
that whatever the concurrency the quantity sold never exceeds what is offered. Rows are
always locked in one order, so that two transactions touching several of them cannot
deadlock on PostgreSQL: the cycle row (share lock), the cycle's solidarity fund (owned by
payments, taken by the caller before the stock), then baskets by id, then products by id.

Every household of the week buys from the same few rows (the small basket, the potatoes):
a transaction holds their locks from its update to its commit, so callers take stock last,
right before their commit, at the prices they read when they started; the update checks
the price has not changed meanwhile.

Functions here only execute statements: the use case that calls them commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import (
    Connection,
    Select,
    bindparam,
    func,
    literal,
    select,
    text,
    true,
    union_all,
    update,
)

from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.states import accepts_orders
from paniers.errors import NotFound, OutOfStock, ServiceError
from paniers.extensions import db
from paniers.formatting import amount as format_amount
from producers.models import Product, SupplyOffer
from producers.units import weight_g


class StockLine(Protocol):
    """What a line takes: baskets of a format, or a base amount of a product."""

    @property
    def basket_format_id(self) -> int | None: ...
    @property
    def product_id(self) -> int | None: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price_cents(self) -> int: ...


@dataclass(frozen=True)
class Prices:
    """The week's price of each format and product asked for (none: not offered)."""

    baskets: dict[int, int]
    products: dict[int, int]


# The statements of every order, built once (and their SQL compiled once): plain columns,
# no ORM objects, so that each costs one round trip and little Python. Each reads the
# row as it is once locked or updated, never a copy the session loaded earlier.
_cycles, _formats, _stocks = (OrderCycle.__table__, BasketFormat.__table__,
                              ProductStock.__table__)
_products = Product.__table__
_LOCK_CYCLE = (select(_cycles.c.status, _cycles.c.cutoff_dt)
               .where(_cycles.c.id == bindparam("p_cycle")).with_for_update(read=True))
_PRICES = union_all(
    select(literal(True).label("basket"), _formats.c.id, _formats.c.price_cents)
    .where(_formats.c.cycle_id == bindparam("p_cycle"), _formats.c.active.is_(true()),
           _formats.c.id.in_(bindparam("p_formats", expanding=True))),
    # A deactivated product or format has no price: it is no longer offered.
    select(literal(False).label("basket"), _stocks.c.product_id, _stocks.c.price_cents)
    .join(_products, _products.c.id == _stocks.c.product_id)
    .where(_stocks.c.cycle_id == bindparam("p_cycle"), _stocks.c.declared > 0,
           _products.c.active.is_(true()),
           _stocks.c.product_id.in_(bindparam("p_products", expanding=True))),
).subquery("prices")
# The cycle share-locked and the prices of what is asked, in one round trip: a row per
# price (the cycle's columns repeated), one row with no price when nothing is offered.
_LOCK_CYCLE_AND_PRICES = (
    select(_cycles.c.status, _cycles.c.cutoff_dt, _PRICES.c.basket, _PRICES.c.id,
           _PRICES.c.price_cents)
    .select_from(_cycles.outerjoin(_PRICES, true()))
    .where(_cycles.c.id == bindparam("p_cycle"))
    .with_for_update(read=True, of=_cycles)
)
_TAKE_BASKETS = (
    update(_formats)
    .where(_formats.c.id == bindparam("p_format"), _formats.c.cycle_id == bindparam("p_cycle"),
           _formats.c.price_cents == bindparam("p_price"),
           _formats.c.sold + bindparam("p_count") <= _formats.c.quota)
    .values(sold=_formats.c.sold + bindparam("p_count"))
)
_TAKE_PRODUCT = (
    update(_stocks)
    .where(_stocks.c.cycle_id == bindparam("p_cycle"),
           _stocks.c.product_id == bindparam("p_product"), _stocks.c.declared > 0,
           _stocks.c.price_cents == bindparam("p_price"),
           _stocks.c.sold + bindparam("p_quantity") <= _stocks.c.declared)
    .values(sold=_stocks.c.sold + bindparam("p_quantity"))
)


def lock_open_cycle(cycle_id: int, now: datetime) -> None:
    """Share-lock the cycle row and check, on the row as locked, that it takes orders (a
    cycle being closed waits for the orders in flight, and no order slips in after)."""
    cycle = db.session.connection().execute(_LOCK_CYCLE, {"p_cycle": cycle_id}).first()
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    if not accepts_orders(cycle.status, cycle.cutoff_dt, now):
        raise ServiceError(_("Les commandes de cette semaine sont closes."))


def lock_open_cycle_and_price(cycle_id: int, format_ids: Iterable[int],
                              product_ids: Iterable[int], now: datetime) -> Prices:
    """``lock_open_cycle``, with the week's price of every format and product asked for
    (a product nobody declared has none). One statement."""
    rows = db.session.connection().execute(_LOCK_CYCLE_AND_PRICES, {
        "p_cycle": cycle_id, "p_formats": list(format_ids),
        "p_products": list(product_ids)}).all()
    if not rows:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    if not accepts_orders(rows[0].status, rows[0].cutoff_dt, now):
        raise ServiceError(_("Les commandes de cette semaine sont closes."))
    priced = [row for row in rows if row.id is not None]
    return Prices(baskets={row.id: int(row.price_cents) for row in priced if row.basket},
                  products={row.id: int(row.price_cents) for row in priced if not row.basket})


def _lock_order(line: StockLine) -> tuple[bool, int]:
    return line.basket_format_id is None, line.basket_format_id or line.product_id or 0


def take(cycle_id: int, lines: Sequence[StockLine]) -> None:
    """Take the stock of every line at its price, baskets by id then products by id.

    A conditional update per basket line; on PostgreSQL, the products in one statement
    (``_TAKE_PRODUCTS``), elsewhere one update apiece. Only when a line takes nothing is
    its row read again, to say why: sold out (``OutOfStock``), or its price changed since
    the caller read it (``ServiceError``). The caller rolls back on either."""
    connection = db.session.connection()
    ordered = sorted(lines, key=_lock_order)
    products = [line for line in ordered if line.basket_format_id is None]
    for line in ordered:
        if line.basket_format_id is not None:
            taken = connection.execute(_TAKE_BASKETS, {
                "p_format": line.basket_format_id, "p_cycle": cycle_id,
                "p_price": line.unit_price_cents, "p_count": line.quantity})
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                _refuse_baskets(line)
    if (len(products) > 1 and connection.dialect.name == "postgresql"
            and len({line.product_id for line in products}) == len(products)):
        _take_products_at_once(connection, cycle_id, products)
        return
    for line in products:
        taken = connection.execute(_TAKE_PRODUCT, {
            "p_product": line.product_id, "p_cycle": cycle_id,
            "p_price": line.unit_price_cents, "p_quantity": line.quantity})
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            _refuse_product(cycle_id, line)


# Every product line of an order in one round trip (PostgreSQL): the rows are first
# locked in the lock order (by product id, the ``locked`` CTE: its rows come out sorted,
# each locked as it comes out), and the update joins them, so that a row is only ever
# updated once this statement holds its lock, and the locks are taken in the same order
# as by every other transaction. Each row is updated only if its price is the one read
# and what is sold stays within what is declared; the rows taken are returned.
_TAKE_PRODUCTS = text("""
WITH wanted AS (
    SELECT w.product_id, w.quantity, w.price_cents
    FROM unnest(CAST(:p_products AS integer[]), CAST(:p_quantities AS integer[]),
                CAST(:p_prices AS integer[])) AS w(product_id, quantity, price_cents)
), locked AS MATERIALIZED (
    SELECT s.product_id FROM product_stocks AS s
    WHERE s.cycle_id = :p_cycle AND s.product_id = ANY(CAST(:p_products AS integer[]))
    ORDER BY s.product_id
    FOR UPDATE
)
UPDATE product_stocks AS s SET sold = s.sold + wanted.quantity
FROM locked JOIN wanted ON wanted.product_id = locked.product_id
WHERE s.cycle_id = :p_cycle AND s.product_id = locked.product_id AND s.declared > 0
  AND s.price_cents = wanted.price_cents AND s.sold + wanted.quantity <= s.declared
RETURNING s.product_id
""")


def _take_products_at_once(connection: Connection, cycle_id: int,
                           lines: Sequence[StockLine]) -> None:
    """``take`` for several product lines (sorted by product id, each product once)."""
    taken = set(connection.execute(_TAKE_PRODUCTS, {
        "p_cycle": cycle_id, "p_products": [line.product_id for line in lines],
        "p_quantities": [line.quantity for line in lines],
        "p_prices": [line.unit_price_cents for line in lines]}).scalars())
    for line in lines:
        if line.product_id not in taken:
            _refuse_product(cycle_id, line)


@dataclass(frozen=True)
class BasketRoom:
    """How many more baskets of each format the declared supply can fill: the supply's
    weight not yet sold (products on sale minus what households bought by the unit) less
    the baskets already ordered, and at least a format's number of distinct products."""

    free_g: int
    products: int

    def of(self, basket_format: BasketFormat) -> int:
        if self.products < basket_format.min_products:
            return 0
        by_weight = max(0, self.free_g) // max(1, basket_format.target_weight_g)
        return max(0, min(basket_format.quota - basket_format.sold, by_weight))


def _room_statement(cycle_id: int, format_ids: Sequence[int]) -> Select[Any]:
    """One row per product on sale (its supply, what is sold, its weight), each with the
    weight of the baskets ordered so far and the largest number of distinct products the
    formats ``format_ids`` need; a single row of nulls but these two when none is."""
    committed = (select(func.coalesce(func.sum(_formats.c.sold * _formats.c.target_weight_g),
                                      0))
                 .where(_formats.c.cycle_id == cycle_id).scalar_subquery())
    needed = (select(func.coalesce(func.max(_formats.c.min_products), 0))
              .where(_formats.c.id.in_(format_ids)).scalar_subquery())
    head = select(committed.label("committed_g"), needed.label("needed")).subquery("head")
    supply = (select(_stocks.c.declared, _stocks.c.sold, _products.c.unit_weight_g,
                     _products.c.unit)
              .join(_products, _products.c.id == _stocks.c.product_id)
              .where(_stocks.c.cycle_id == cycle_id, _stocks.c.declared > 0)
              .subquery("supply"))
    return (select(head.c.committed_g, head.c.needed, supply.c.declared, supply.c.sold,
                   supply.c.unit_weight_g, supply.c.unit)
            .select_from(head.outerjoin(supply, true())))


def _room(cycle_id: int, format_ids: Sequence[int] = ()) -> tuple[BasketRoom, int]:
    """The room for more baskets and what the formats ``format_ids`` need: one statement."""
    rows = db.session.execute(_room_statement(cycle_id, list(format_ids))).all()
    stocks = [row for row in rows if row.declared is not None]
    supply_g = sum(weight_g(max(0, row.declared - row.sold), row.unit_weight_g, row.unit)
                   for row in stocks)
    room = BasketRoom(free_g=supply_g - int(rows[0].committed_g),
                      products=sum(1 for row in stocks if row.declared > row.sold))
    return room, int(rows[0].needed)


def basket_room(cycle_id: int) -> BasketRoom:
    """The room the week's supply leaves for more baskets (see ``BasketRoom``)."""
    return _room(cycle_id)[0]


def check_baskets_can_be_filled(cycle_id: int, lines: Sequence[StockLine]) -> None:
    """After an order took its baskets: refuse it when the declared supply cannot fill
    every basket ordered so far, saying how many it could have had. Checked in the
    order's transaction once its stock is taken; two orders at the very same moment may
    both pass by a basket, which the allocation then settles as a shortage, refunded.

    One statement when there is room (the common case); the formats are read only to
    say why there is not."""
    ordered = [line for line in lines if line.basket_format_id is not None]
    if not ordered:
        return
    room, needed = _room(cycle_id, [line.basket_format_id or 0 for line in ordered])
    if room.free_g >= 0 and room.products >= needed:
        return
    for line in ordered:
        basket_format = db.session.get(BasketFormat, line.basket_format_id)
        if basket_format is None:
            continue
        target = max(1, basket_format.target_weight_g)
        could_have = max(0, room.free_g + line.quantity * target) // target
        if room.products >= basket_format.min_products and room.free_g >= 0:
            continue
        if room.products < basket_format.min_products or could_have == 0:
            raise OutOfStock(_("Les fermes n'ont pas encore déclaré de quoi composer "
                               "d'autres paniers de ce format."))
        raise OutOfStock(ngettext(
            "Les fermes n'ont déclaré de quoi composer que %(num)d panier de plus de ce "
            "format.", "Les fermes n'ont déclaré de quoi composer que %(num)d paniers de "
            "plus de ce format.", could_have))


def _refuse_baskets(line: StockLine) -> None:
    row = db.session.execute(select(BasketFormat.price_cents, BasketFormat.quota,
                                    BasketFormat.sold).where(
        BasketFormat.id == line.basket_format_id)).first()
    if row is None or row.price_cents != line.unit_price_cents:
        raise ServiceError(_("Le prix d'un panier vient de changer : vérifiez votre commande."))
    left = max(0, row.quota - row.sold)
    if left == 0:
        raise OutOfStock(_("Plus aucun panier de ce format n'est disponible."))
    raise OutOfStock(ngettext("Plus assez de paniers de ce format : il en reste %(num)d.",
                              "Plus assez de paniers de ce format : il en reste %(num)d.",
                              left))


def _refuse_product(cycle_id: int, line: StockLine) -> None:
    row = db.session.execute(
        select(Product.name, Product.unit, ProductStock.price_cents, ProductStock.declared,
               ProductStock.sold)
        .join(ProductStock, ProductStock.product_id == Product.id)
        .where(ProductStock.cycle_id == cycle_id, Product.id == line.product_id)).first()
    name = row.name if row is not None else ""
    if row is None or row.price_cents != line.unit_price_cents:
        raise ServiceError(_("%(product)s : le prix vient de changer, vérifiez votre commande.",
                             product=name))
    left = max(0, row.declared - row.sold)
    if left == 0:
        raise OutOfStock(_("%(product)s : plus rien de disponible.", product=name))
    raise OutOfStock(_("%(product)s : plus assez de stock, il reste %(left)s.", product=name,
                       left=format_amount(left, row.unit)))


def give_back(cycle_id: int, lines: Iterable[StockLine]) -> None:
    """Put lines back on sale (an order cancelled or released), in the lock order."""
    for line in sorted(lines, key=_lock_order):
        if line.basket_format_id is not None:
            db.session.execute(
                update(BasketFormat).where(BasketFormat.id == line.basket_format_id)
                .values(sold=BasketFormat.sold - line.quantity)
                .execution_options(synchronize_session=False))
        else:
            db.session.execute(
                update(ProductStock)
                .where(ProductStock.cycle_id == cycle_id,
                       ProductStock.product_id == line.product_id)
                .values(sold=ProductStock.sold - line.quantity)
                .execution_options(synchronize_session=False))


def move_declared(cycle_id: int, product_id: int, delta: int) -> bool:
    """Add ``delta`` (negative: withdraw) to what the farms declared of a product; False,
    and nothing changed, when it would fall below what households already bought."""
    # Every product has its stock row from the cycle's creation: this is always an update.
    moved = db.session.execute(
        update(ProductStock)
        .where(ProductStock.cycle_id == cycle_id, ProductStock.product_id == product_id,
               ProductStock.declared + delta >= ProductStock.sold)
        .values(declared=ProductStock.declared + delta)
        .execution_options(synchronize_session=False))
    return moved.rowcount == 1  # type: ignore[attr-defined]


def reprice(cycle_id: int, product_id: int) -> None:
    """Households pay the mean of the farms' prices, weighted by what each offers."""
    offers = db.session.execute(
        select(SupplyOffer.quantity, SupplyOffer.price_cents).where(
            SupplyOffer.cycle_id == cycle_id, SupplyOffer.product_id == product_id)).all()
    total = sum(o.quantity for o in offers)
    price = (sum(o.quantity * o.price_cents for o in offers) + total // 2) // total if total else 0
    db.session.execute(
        update(ProductStock)
        .where(ProductStock.cycle_id == cycle_id, ProductStock.product_id == product_id)
        .values(price_cents=price)
        .execution_options(synchronize_session=False))
