"""Placing and cancelling orders, with stock taken atomically.

Stock is taken with conditional updates (``sold = sold + q WHERE sold + q <=
limit``). Rows are always locked in one order, so that two transactions touching
several of them cannot deadlock on PostgreSQL: the cycle's solidarity fund, then
baskets by id, then products by id (cancelling and releasing follow it too). The
cycle row is read with a share lock, so a cycle being closed waits for orders in
flight and no order slips in after the close.

Every household of the week buys from the same few rows (the small basket, the
potatoes): an order holds their locks from its update to its commit, and the others
queue behind it. So the stock is taken last, once the order, its lines, its payment
and its confirmation are written, at the prices read at the start; the update checks
the price has not changed meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, literal, select, true, union_all, update

from paniers.accounts.models import Role, User
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.states import accepts_orders
from paniers.errors import Forbidden, NotFound, OutOfStock, ServiceError
from paniers.extensions import attach_loaded, db, insert_rows
from paniers.notifications import services as notifications
from paniers.orders.models import Order, OrderLine, OrderSource, OrderStatus
from paniers.payments import refunds as payment_refunds
from paniers.payments import services as payments
from paniers.payments.models import Payment
from paniers.points.models import PickupPoint
from paniers.types import utcnow
from producers.models import Product
from producers.units import value_cents

MAX_BASKETS_PER_LINE = 10
MAX_HOUSEHOLD_BASE = {"kg": 20_000, "litre": 20_000}  # 20 kg, 20 l
MAX_HOUSEHOLD_COUNT = 50
MAX_CANTEEN_BASE = 500_000  # 500 kg of one product a week


@dataclass(frozen=True)
class Cart:
    """What a buyer asks for: baskets per format id, base amounts per product id."""

    baskets: dict[int, int]
    products: dict[int, int]

    def is_empty(self) -> bool:
        return not any(self.baskets.values()) and not any(self.products.values())


# The statements of every order, built once (and their SQL compiled once): plain columns,
# no ORM objects, so that each costs one round trip and little Python. Each reads the
# row as it is once locked or updated, never a copy the session loaded earlier.
_cycles, _formats, _stocks = (OrderCycle.__table__, BasketFormat.__table__,
                              ProductStock.__table__)
_LOCK_CYCLE = (select(_cycles.c.status, _cycles.c.cutoff_dt)
               .where(_cycles.c.id == bindparam("p_cycle")).with_for_update(read=True))
_PRICES = union_all(
    select(literal(True).label("basket"), _formats.c.id, _formats.c.price_cents)
    .where(_formats.c.cycle_id == bindparam("p_cycle"),
           _formats.c.id.in_(bindparam("p_formats", expanding=True))),
    select(literal(False).label("basket"), _stocks.c.product_id, _stocks.c.price_cents)
    .where(_stocks.c.cycle_id == bindparam("p_cycle"), _stocks.c.declared > 0,
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


def _locked_open_cycle(cycle_id: int, now: datetime) -> None:
    """Share-lock the cycle row and check, on the row as locked, that it takes orders."""
    cycle = db.session.connection().execute(_LOCK_CYCLE, {"p_cycle": cycle_id}).first()
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    if not accepts_orders(cycle.status, cycle.cutoff_dt, now):
        raise ServiceError(_("Les commandes de cette semaine sont closes."))


@dataclass(frozen=True)
class _Prices:
    baskets: dict[int, int]
    products: dict[int, int]


def _lock_open_cycle_and_price(cycle_id: int, cart: Cart, now: datetime) -> _Prices:
    """Share-lock the cycle row and check, on the row as locked, that it takes orders;
    with the week's price of every format and product asked for (a product nobody
    declared has none). One statement."""
    rows = db.session.connection().execute(_LOCK_CYCLE_AND_PRICES, {
        "p_cycle": cycle_id, "p_formats": [i for i, n in cart.baskets.items() if n],
        "p_products": [i for i, q in cart.products.items() if q]}).all()
    if not rows:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    if not accepts_orders(rows[0].status, rows[0].cutoff_dt, now):
        raise ServiceError(_("Les commandes de cette semaine sont closes."))
    priced = [row for row in rows if row.id is not None]
    return _Prices(baskets={row.id: int(row.price_cents) for row in priced if row.basket},
                   products={row.id: int(row.price_cents) for row in priced if not row.basket})


def _basket_line(prices: _Prices, format_id: int, count: int) -> OrderLine:
    if count > MAX_BASKETS_PER_LINE:
        raise ServiceError(_("Au plus %(n)d paniers d'un même format.", n=MAX_BASKETS_PER_LINE))
    price = prices.baskets.get(format_id)
    if price is None:
        raise ServiceError(_("Ce format de panier n'est pas proposé cette semaine."))
    return OrderLine(basket_format_id=format_id, quantity=count, unit_price_cents=price,
                     total_cents=count * price)


def _product_line(prices: _Prices, product_id: int, quantity: int,
                  canteen_id: int | None) -> OrderLine:
    product = db.session.get(Product, product_id)
    if product is None:
        raise ServiceError(_("Produit inconnu."))
    if quantity > _line_limit(product, canteen_id):
        raise ServiceError(_("%(product)s : quantité trop grande.", product=product.name))
    price = prices.products.get(product_id)
    if price is None:
        raise ServiceError(_("%(product)s n'est pas proposé cette semaine.", product=product.name))
    return OrderLine(product_id=product_id, quantity=quantity, unit_price_cents=price,
                     total_cents=value_cents(quantity, price, product.unit))


def _take_stock(cycle_id: int, lines: list[OrderLine]) -> None:
    """Take the stock of every line, baskets by id then products by id (the lock order).

    One conditional update per line; only when one changes nothing is the row read
    again, to say why: sold out, or its price changed since the order read it."""
    connection = db.session.connection()
    for line in sorted(lines, key=lambda ln: (ln.basket_format_id is None,
                                              ln.basket_format_id or ln.product_id)):
        if line.basket_format_id is not None:
            taken = connection.execute(_TAKE_BASKETS, {
                "p_format": line.basket_format_id, "p_cycle": cycle_id,
                "p_price": line.unit_price_cents, "p_count": line.quantity})
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                price = db.session.scalar(select(BasketFormat.price_cents).where(
                    BasketFormat.id == line.basket_format_id))
                if price != line.unit_price_cents:
                    raise ServiceError(_("Le prix d'un panier vient de changer : vérifiez "
                                         "votre commande."))
                raise OutOfStock(_("Plus assez de paniers disponibles pour ce format."))
        else:
            taken = connection.execute(_TAKE_PRODUCT, {
                "p_product": line.product_id, "p_cycle": cycle_id,
                "p_price": line.unit_price_cents, "p_quantity": line.quantity})
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                name = line.product.name  # loaded when the line was priced
                price = db.session.scalar(select(ProductStock.price_cents).where(
                    ProductStock.cycle_id == cycle_id,
                    ProductStock.product_id == line.product_id))
                if price != line.unit_price_cents:
                    raise ServiceError(_("%(product)s : le prix vient de changer, vérifiez "
                                         "votre commande.", product=name))
                raise OutOfStock(
                    _("%(product)s : plus assez de stock disponible.", product=name))


def place_order(
    user: User,
    cycle_id: int,
    point_id: int,
    cart: Cart,
    *,
    now: datetime | None = None,
    source: OrderSource = OrderSource.ONE_OFF,
    payment_method: str = "at_pickup",
    confirm: bool = False,
) -> Order:
    """One transaction: check the cycle, take the stock, write the order and its lines,
    and how it is paid (online, the order awaits its payment; solidarity share taken).

    ``confirm``: the household's confirmation message is written in the same transaction
    (an order paid online gets its own once paid) and handed to the workers once
    committed."""
    now = now or utcnow()
    canteen_id = _check_buyer(user, point_id, cart, source)
    if cart.is_empty():
        raise ServiceError(_("Votre commande est vide."))
    if any(q < 0 for q in (*cart.baskets.values(), *cart.products.values())):
        raise ServiceError(_("Les quantités ne peuvent pas être négatives."))
    try:
        prices = _lock_open_cycle_and_price(cycle_id, cart, now)
        order = Order(
            cycle_id=cycle_id, user_id=user.id, point_id=point_id, canteen_id=canteen_id,
            source=source, status=OrderStatus.PLACED, placed_dt=now,
        )
        for format_id, count in sorted(cart.baskets.items()):
            if count:
                order.lines.append(_basket_line(prices, format_id, count))
        for product_id, quantity in sorted(cart.products.items()):
            if quantity:
                order.lines.append(_product_line(prices, product_id, quantity, canteen_id))
        order.total_cents = sum(line.total_cents for line in order.lines)
        payment = payments.new_payment(order, user, payment_method, now)  # the fund: first
        _write(order, payment)
        message_id = None
        if confirm and order.status == OrderStatus.PLACED:
            message_id = notifications.add_order_confirmation(order, user)
        _take_stock(cycle_id, order.lines)  # last: the hot rows stay locked until the commit
        db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    if message_id is not None:
        notifications.hand_to_workers(message_id)
    return order


def _write(order: Order, payment: Payment | None) -> None:
    """The order, its lines and its payment: three statements, loaded in the session."""
    insert_rows([order])
    for line in order.lines:
        line.order_id = order.id
    insert_rows(order.lines)
    written: list[Order | OrderLine | Payment] = [order, *order.lines]
    if payment is None:
        order.payment = None  # known: no statement to find it out later
    else:
        payment.order_id = order.id
        payment.refunds = []
        insert_rows([payment])
        written.append(payment)
    attach_loaded(written)


def _line_limit(product: Product, canteen_id: int | None) -> int:
    if canteen_id is not None:
        return MAX_CANTEEN_BASE
    return MAX_HOUSEHOLD_BASE.get(product.unit, MAX_HOUSEHOLD_COUNT)


def _check_buyer(user: User, point_id: int, cart: Cart, source: OrderSource) -> int | None:
    """Households order at a pickup point; a canteen manager for their canteen, by weight."""
    point = db.session.get(PickupPoint, point_id)
    if user.role == Role.CANTEEN_MANAGER and source == OrderSource.CANTEEN:
        if user.canteen_id is None:
            raise Forbidden(_("Votre compte n'est rattaché à aucune cantine."))
        if any(cart.baskets.values()):
            raise ServiceError(_("Les cantines commandent des produits, pas des paniers."))
        return user.canteen_id
    if user.role != Role.HOUSEHOLD:
        raise Forbidden(_("Seuls les foyers passent des commandes de paniers."))
    if point is None or not point.orderable:
        raise ServiceError(_("Choisissez un point de retrait de la liste."))
    return None


def own_order(user: User, order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != user.id:
        raise NotFound(_("Cette commande n'existe pas."))
    return order


def cancel_order(user: User, order_id: int, now: datetime | None = None) -> Order:
    """Cancel before the cutoff: the stock goes back on sale."""
    now = now or utcnow()
    order = own_order(user, order_id)
    payments.close_checkout(order)  # nobody may pay it at Stripe once it is cancelled
    try:
        _locked_open_cycle(order.cycle_id, now)
        cancelled = db.session.execute(
            update(Order)
            .where(Order.id == order.id,
                   Order.status.in_((OrderStatus.PLACED, OrderStatus.AWAITING_PAYMENT)))
            .values(status=OrderStatus.CANCELLED, cancelled_dt=now)
            .execution_options(synchronize_session=False)
        )
        if cancelled.rowcount != 1:  # type: ignore[attr-defined]
            raise ServiceError(_("Cette commande est déjà annulée."))
        to_refund = payments.on_order_cancelled(order, now)  # the fund, then the stock
        release_stock(order)
        db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    payment_refunds.dispatch(to_refund)
    db.session.refresh(order)
    return order


def release_stock(order: Order) -> None:
    """Put an order's baskets and produce back on sale (the caller changed its status)."""
    for line in sorted(order.lines, key=lambda ln: (ln.product_id is not None, ln.id)):
        _give_back(order.cycle_id, line)


def _give_back(cycle_id: int, line: OrderLine) -> None:
    if line.basket_format_id is not None:
        db.session.execute(
            update(BasketFormat).where(BasketFormat.id == line.basket_format_id)
            .values(sold=BasketFormat.sold - line.quantity)
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(
            update(ProductStock)
            .where(ProductStock.cycle_id == cycle_id, ProductStock.product_id == line.product_id)
            .values(sold=ProductStock.sold - line.quantity)
            .execution_options(synchronize_session=False)
        )


def orders_of(user: User) -> list[Order]:
    return list(db.session.scalars(
        select(Order).where(Order.user_id == user.id).order_by(Order.placed_dt.desc())
    ))
