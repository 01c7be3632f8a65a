"""Placing and cancelling orders: one use case each, one transaction each.

The stock is taken through ``paniers.stock`` (conditional updates, one lock order) and the
status moves through ``paniers.orders.lifecycle``; how the order is paid is
``paniers.payments``. An order takes its stock last, once the order, its lines, its
payment and its confirmation are written, at the prices read at the start: the hot rows
(the small basket, the potatoes) then stay locked only for the updates and the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select

from canteens.models import Canteen
from paniers import stock
from paniers.accounts.models import Role, User
from paniers.cycles.models import OrderCycle
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import attach_loaded, db, insert_rows
from paniers.notifications import services as notifications
from paniers.orders import lifecycle
from paniers.orders.models import Order, OrderLine, OrderSource, OrderStatus
from paniers.payments import checkout
from paniers.payments import services as payments
from paniers.payments.models import Payment
from paniers.points.models import PickupPoint
from paniers.transaction import after_commit, transaction
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


def _basket_line(prices: stock.Prices, format_id: int, count: int) -> OrderLine:
    if count > MAX_BASKETS_PER_LINE:
        raise ServiceError(_("Au plus %(n)d paniers d'un même format.", n=MAX_BASKETS_PER_LINE))
    price = prices.baskets.get(format_id)
    if price is None:
        raise ServiceError(_("Ce format de panier n'est pas proposé cette semaine."))
    return OrderLine(basket_format_id=format_id, quantity=count, unit_price_cents=price,
                     total_cents=count * price)


def _product_line(prices: stock.Prices, product_id: int, quantity: int,
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
    """One use case (its own transaction, or its caller's): check the cycle, write the order,
    its lines and how it is paid (online, the order awaits its payment; solidarity share
    taken), then take the stock.

    ``confirm``: the household's confirmation message is written in the same transaction
    (an order paid online gets its own once paid) and handed to the workers once
    committed."""
    now = now or utcnow()
    canteen_id = _check_buyer(user, point_id, cart, source)
    if cart.is_empty():
        raise ServiceError(_("Votre commande est vide."))
    if any(q < 0 for q in (*cart.baskets.values(), *cart.products.values())):
        raise ServiceError(_("Les quantités ne peuvent pas être négatives."))
    with transaction():
        prices = stock.lock_open_cycle_and_price(
            cycle_id, [i for i, n in cart.baskets.items() if n],
            [i for i, q in cart.products.items() if q], now)
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
        if confirm and order.status == OrderStatus.PLACED:
            message_id = notifications.add_order_confirmation(order, user)
            if message_id is not None:
                after_commit(partial(notifications.hand_to_workers, message_id))
        if canteen_id is None and user.point_id != point_id:
            user.point_id = point_id  # remembered for the next order
        stock.take(cycle_id, order.lines)  # last: the hot rows stay locked until the commit
        stock.check_baskets_can_be_filled(cycle_id, order.lines)
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
        canteen = db.session.get(Canteen, user.canteen_id or 0)
        if canteen is None:
            raise Forbidden(_("Votre compte n'est rattaché à aucune cantine."))
        if not canteen.active:
            raise ServiceError(_("Votre cantine n'est plus active dans le réseau : "
                                 "voyez avec la coordination."))
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
    """Cancel before the cutoff: the solidarity share and the stock go back, what was paid
    online is refunded once committed."""
    now = now or utcnow()
    with transaction():
        order = own_order(user, order_id)
        stock.lock_open_cycle(order.cycle_id, now)
        # Nobody may pay it at Stripe once it is cancelled; unpaid, it is released there.
        if not checkout.close_checkout(order):
            if not lifecycle.cancel(order.id, now):
                raise ServiceError(_("Cette commande est déjà annulée."))
            payments.on_order_cancelled(order, now)  # the fund, then the stock
            stock.give_back(order.cycle_id, order.lines)
    db.session.refresh(order)
    return order


def changeable_order(user: User, order_id: int) -> Order:
    """One of the household's orders that can still change: placed or awaiting its payment,
    in a cycle still taking orders."""
    order = own_order(user, order_id)
    if order.status not in lifecycle.CANCELLABLE or order.canteen_id is not None:
        raise ServiceError(_("Cette commande ne se modifie plus."))
    return order


def change_order(user: User, order_id: int, point_id: int, cart: Cart, *,
                 payment_method: str = "at_pickup", now: datetime | None = None) -> Order:
    """Change an order until the cutoff (what it holds, its point): one use case that
    cancels it (stock and solidarity share back, what was paid online refunded once
    committed) and places the new one, which takes its stock. Refused as a whole when the
    new order cannot be placed: the old one then stands."""
    now = now or utcnow()
    with transaction():
        old = changeable_order(user, order_id)
        cycle_id = old.cycle_id
        cancel_order(user, order_id, now)
        order = place_order(user, cycle_id, point_id, cart, now=now,
                            payment_method=payment_method, confirm=True)
    return order


def orders_of(user: User) -> list[Order]:
    """Latest delivery first; within a delivery, the latest order first."""
    return list(db.session.scalars(
        select(Order).join(OrderCycle, OrderCycle.id == Order.cycle_id)
        .where(Order.user_id == user.id)
        .order_by(OrderCycle.delivery_date.desc(), Order.placed_dt.desc())
    ))
