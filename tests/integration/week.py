"""Building a week for the tests through the services, as the roles would."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from paniers.accounts.models import User
from paniers.cycles import services as cycles
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.states import PARIS
from paniers.extensions import db
from paniers.points.models import PickupPoint
from producers import services as producers
from producers.models import Product

DELIVERY = date.today() + timedelta(days=9)


def user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None
    return found


def product(name: str) -> Product:
    found = db.session.scalar(select(Product).where(Product.name == name))
    assert found is not None
    return found


# Enough for the default quotas' baskets (105 kg, up to six products a basket).
WEEK_SUPPLY = {"Pomme de terre": 50_000, "Œufs": 10, "Carotte": 40_000, "Poireau": 30_000,
               "Oignon": 20_000, "Chou": 20_000}


# Vegetables enough to fill the baskets of a test that declares its own potatoes and eggs.
MORE_VEGETABLES = {"Carotte": 60_000, "Poireau": 40_000, "Oignon": 30_000, "Chou": 30_000}


def open_week(quotas: tuple[int, int, int] = (10, 10, 5), supply: dict[str, int] | None = None,
              delivery: date = DELIVERY) -> OrderCycle:
    """A cycle open for orders, with the demo farmer's supply (base amounts by product)."""
    cutoff = datetime.combine(delivery - timedelta(days=2), datetime.min.time(), PARIS)
    specs = [cycles.FormatSpec(code, price, weight, quota)
             for (code, price, weight, _m), quota in zip(cycles.DEFAULT_FORMATS, quotas,
                                                         strict=True)]
    cycle = cycles.create_cycle(delivery, cutoff, specs)
    supply = dict(WEEK_SUPPLY) if supply is None else supply
    lines = [producers.SupplyLine(product(name).id, quantity, product(name).reference_price_cents,
                                  out_of_season_confirmed=True)
             for name, quantity in supply.items()]
    producers.declare_supply(user("producteur@paniers.demo"), cycle.id, lines)
    cycles.open_cycle(cycle.id)
    return cycle


def delivered_today(cycle: OrderCycle) -> None:
    """Set a closed cycle's delivery to today (Paris): the day a host closes the evening."""
    stored = db.session.get(OrderCycle, cycle.id)
    assert stored is not None
    stored.delivery_date = datetime.now(PARIS).date()
    db.session.commit()


def pickup_window_open(code: str = "relay-loos") -> None:
    """Let a point's pickup window start at midnight: the host may close the evening at
    any hour the test runs."""
    point = db.session.scalar(select(PickupPoint).where(PickupPoint.code == code))
    assert point is not None
    point.pickup_start_min = 0
    db.session.commit()


def stock(cycle_id: int, name: str) -> ProductStock:
    db.session.expire_all()
    found = db.session.scalar(select(ProductStock).where(
        ProductStock.cycle_id == cycle_id, ProductStock.product_id == product(name).id))
    assert found is not None
    return found


def basket(cycle_id: int, code: str) -> BasketFormat:
    db.session.expire_all()
    found = db.session.scalar(select(BasketFormat).where(
        BasketFormat.cycle_id == cycle_id, BasketFormat.code == code))
    assert found is not None
    return found
