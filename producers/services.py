"""The farmer's weekly supply declaration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from paniers import stock
from paniers.accounts.models import Role, User
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.errors import Forbidden, ServiceError
from paniers.extensions import db
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Farm, Product, SupplyOffer
from producers.units import Unit

# Beyond these a declaration is a typing mistake, not a harvest.
MAX_QUANTITY = {Unit.KG: 5_000_000, Unit.LITRE: 5_000_000}  # 5 t, 5000 l
MAX_COUNT = 20_000
MAX_PRICE_FACTOR = 5  # times the reference price of the product


@dataclass(frozen=True)
class SupplyLine:
    product_id: int
    quantity: int  # base amount
    price_cents: int
    out_of_season_confirmed: bool = False


def farm_of(user: User) -> Farm:
    if user.role != Role.FARMER or user.farm_id is None:
        raise Forbidden(_("Seuls les producteurs déclarent une offre."))
    farm = db.session.get(Farm, user.farm_id)
    assert farm is not None
    return farm


def offers_of(cycle_id: int, farm_id: int) -> dict[int, SupplyOffer]:
    rows = db.session.scalars(
        select(SupplyOffer).where(SupplyOffer.cycle_id == cycle_id, SupplyOffer.farm_id == farm_id)
    )
    return {offer.product_id: offer for offer in rows}


def line_problems(line: SupplyLine, product: Product, month: int) -> dict[str, str]:
    """What is wrong with one line of an offer, by field (quantity, price, confirmed):
    the page shows each next to its row, all at once."""
    problems: dict[str, str] = {}
    limit = MAX_QUANTITY.get(Unit(product.unit), MAX_COUNT)
    if line.quantity <= 0 or line.quantity > limit:
        problems["quantity"] = _("%(product)s : la quantité doit être positive et réaliste.",
                                 product=product.name)
    if line.price_cents <= 0 or line.price_cents > product.reference_price_cents * MAX_PRICE_FACTOR:
        problems["price"] = _("%(product)s : le prix doit être positif et réaliste.",
                              product=product.name)
    if not product.in_season(month) and not line.out_of_season_confirmed:
        problems["confirmed"] = _(
            "%(product)s n'est pas de saison : cochez « confirmé » si vous l'avez vraiment.",
            product=product.name)
    return problems


def _check_line(line: SupplyLine, product: Product, month: int) -> None:
    for problem in line_problems(line, product, month).values():
        raise ServiceError(problem)


def previous_offer(cycle: OrderCycle, farm_id: int) -> tuple[OrderCycle | None,
                                                               dict[int, SupplyOffer]]:
    """The farm's offer of its latest earlier cycle, to start this week's from."""
    earlier = db.session.scalar(
        select(OrderCycle).join(SupplyOffer, SupplyOffer.cycle_id == OrderCycle.id)
        .where(SupplyOffer.farm_id == farm_id, OrderCycle.delivery_date < cycle.delivery_date)
        .order_by(OrderCycle.delivery_date.desc()).limit(1))
    return (earlier, offers_of(earlier.id, farm_id)) if earlier else (None, {})


def _accepting_supply(cycle: OrderCycle, now: datetime) -> None:
    if cycle.status not in (CycleStatus.DRAFT, CycleStatus.OPEN) or now >= cycle.cutoff_dt:
        raise ServiceError(_("L'offre de ce cycle est close : la date limite est passée."))


def declare_supply(
    user: User, cycle_id: int, lines: list[SupplyLine], now: datetime | None = None
) -> None:
    """Replace the farm's offer for the cycle by ``lines`` (a missing product is withdrawn).

    The stock of each product moves by the difference; a farm cannot withdraw what
    households have already bought (the sum declared never drops below the sum sold).
    """
    now = now or utcnow()
    with transaction():
        _declare(farm_of(user), cycle_id, lines, now)


def _declare(farm: Farm, cycle_id: int, lines: list[SupplyLine], now: datetime) -> None:
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None:
        raise ServiceError(_("Ce cycle de commande n'existe pas."))
    _accepting_supply(cycle, now)
    if not farm.active:
        raise ServiceError(_("Votre ferme n'est plus active dans le réseau : "
                             "voyez avec la coordination."))
    if len({line.product_id for line in lines}) != len(lines):
        raise ServiceError(_("Un produit apparaît deux fois dans la déclaration."))
    # Only active products are offered; offers of a product deactivated since stay as they are.
    products = {p.id: p for p in db.session.scalars(select(Product).where(
        Product.active.is_(True)))}
    month = cycle.delivery_date.month
    line: SupplyLine | None
    for line in lines:
        if line.product_id not in products:
            raise ServiceError(_("Produit inconnu."))
        _check_line(line, products[line.product_id], month)

    current = {product_id: offer for product_id, offer in offers_of(cycle_id, farm.id).items()
               if product_id in products}
    wanted = {line.product_id: line for line in lines}
    deltas: dict[int, int] = {}
    for product_id in sorted(set(current) | set(wanted)):
        before = current[product_id].quantity if product_id in current else 0
        line = wanted.get(product_id)
        after = line.quantity if line else 0
        if after != before:
            deltas[product_id] = after - before
        if line is None:
            db.session.delete(current[product_id])
        elif product_id in current:
            offer = current[product_id]
            offer.quantity, offer.price_cents = line.quantity, line.price_cents
            offer.out_of_season_confirmed = line.out_of_season_confirmed
        else:
            db.session.add(
                SupplyOffer(
                    cycle_id=cycle_id, farm_id=farm.id, product_id=product_id,
                    quantity=line.quantity, price_cents=line.price_cents,
                    out_of_season_confirmed=line.out_of_season_confirmed,
                )
            )
    for product_id, delta in deltas.items():  # in product order: no deadlock
        if not stock.move_declared(cycle_id, product_id, delta):
            raise ServiceError(_(
                "%(product)s : des commandes portent déjà sur cette quantité, "
                "vous ne pouvez pas la retirer.", product=products[product_id].name))
    db.session.flush()
    for product_id in wanted.keys() | current.keys():
        stock.reprice(cycle_id, product_id)
