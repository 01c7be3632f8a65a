"""Placing and cancelling orders, with stock taken atomically.

Stock is taken with conditional updates (``sold = sold + q WHERE sold + q <=
limit``), in a fixed order (baskets by id, then products by id) so that two
orders with several lines cannot deadlock on PostgreSQL. The cycle row is read
with a share lock, so a cycle being closed waits for orders in flight and no
order slips in after the close.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from paniers.accounts.models import Role, User
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.states import accepts_orders
from paniers.errors import Forbidden, NotFound, OutOfStock, ServiceError
from paniers.extensions import db
from paniers.orders.models import Order, OrderLine, OrderSource, OrderStatus
from paniers.payments import refunds as payment_refunds
from paniers.payments import services as payments
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


def _locked_open_cycle(cycle_id: int, now: datetime) -> OrderCycle:
    cycle = db.session.scalar(
        select(OrderCycle).where(OrderCycle.id == cycle_id).with_for_update(read=True)
    )
    if cycle is None:
        raise NotFound(_("Ce cycle de commande n'existe pas."))
    if not accepts_orders(cycle.status, cycle.cutoff_dt, now):
        raise ServiceError(_("Les commandes de cette semaine sont closes."))
    return cycle


def _take_basket(cycle_id: int, format_id: int, count: int) -> BasketFormat:
    fmt = db.session.get(BasketFormat, format_id)
    if fmt is None or fmt.cycle_id != cycle_id:
        raise ServiceError(_("Ce format de panier n'est pas proposé cette semaine."))
    if count > MAX_BASKETS_PER_LINE:
        raise ServiceError(_("Au plus %(n)d paniers d'un même format.", n=MAX_BASKETS_PER_LINE))
    taken = db.session.execute(
        update(BasketFormat)
        .where(BasketFormat.id == format_id, BasketFormat.sold + count <= BasketFormat.quota)
        .values(sold=BasketFormat.sold + count)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise OutOfStock(_("Plus assez de paniers disponibles pour ce format."))
    return fmt


def _take_product(cycle_id: int, product: Product, quantity: int, limit: int) -> int:
    """Take ``quantity`` of a product; return the price per sale unit."""
    if quantity > limit:
        raise ServiceError(_("%(product)s : quantité trop grande.", product=product.name))
    stock = db.session.scalar(
        select(ProductStock).where(
            ProductStock.cycle_id == cycle_id, ProductStock.product_id == product.id
        )
    )
    if stock is None or stock.declared == 0:
        raise ServiceError(_("%(product)s n'est pas proposé cette semaine.", product=product.name))
    taken = db.session.execute(
        update(ProductStock)
        .where(ProductStock.id == stock.id, ProductStock.sold + quantity <= ProductStock.declared)
        .values(sold=ProductStock.sold + quantity)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise OutOfStock(
            _("%(product)s : plus assez de stock disponible.", product=product.name)
        )
    return stock.price_cents


def place_order(
    user: User,
    cycle_id: int,
    point_id: int,
    cart: Cart,
    *,
    now: datetime | None = None,
    source: OrderSource = OrderSource.ONE_OFF,
    payment_method: str = "at_pickup",
) -> Order:
    """One transaction: check the cycle, take the stock, write the order and its lines,
    and how it is paid (online, the order awaits its payment; solidarity share taken)."""
    now = now or utcnow()
    canteen_id = _check_buyer(user, point_id, cart, source)
    if cart.is_empty():
        raise ServiceError(_("Votre commande est vide."))
    if any(q < 0 for q in (*cart.baskets.values(), *cart.products.values())):
        raise ServiceError(_("Les quantités ne peuvent pas être négatives."))
    try:
        _locked_open_cycle(cycle_id, now)
        order = Order(
            cycle_id=cycle_id, user_id=user.id, point_id=point_id, canteen_id=canteen_id,
            source=source, status=OrderStatus.PLACED, placed_dt=now,
        )
        for format_id, count in sorted(cart.baskets.items()):
            if count:
                fmt = _take_basket(cycle_id, format_id, count)
                order.lines.append(OrderLine(
                    basket_format_id=format_id, quantity=count,
                    unit_price_cents=fmt.price_cents, total_cents=count * fmt.price_cents,
                ))
        for product_id, quantity in sorted(cart.products.items()):
            if quantity:
                product = db.session.get(Product, product_id)
                if product is None:
                    raise ServiceError(_("Produit inconnu."))
                limit = _line_limit(product, canteen_id)
                price = _take_product(cycle_id, product, quantity, limit)
                order.lines.append(OrderLine(
                    product_id=product_id, quantity=quantity, unit_price_cents=price,
                    total_cents=value_cents(quantity, price, product.unit),
                ))
        order.total_cents = sum(line.total_cents for line in order.lines)
        db.session.add(order)
        payments.attach_payment(order, user, payment_method, now)
        db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    return order


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
        release_stock(order)
        to_refund = payments.on_order_cancelled(order, now)
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
